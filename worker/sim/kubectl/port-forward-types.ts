// What a running `kubectl port-forward` forwards: kept in the workstation's job table (shell/jobs.ts).

export interface ForwardedPort {
  /** The workstation's port kubectl listens on. */
  local: number;
  /** The pod's port the API server's tunnel reaches. */
  remote: number;
}

export interface PortForward {
  namespace: string;
  /** The one pod kubectl chose (for svc/ and deploy/ too), by name and uid: a new pod of the same name is not it. */
  pod: string;
  uid: string;
  ports: ForwardedPort[];
  /** The addresses kubectl listens on (`--address`; default localhost: 127.0.0.1 and ::1). */
  addresses: string[];
  /** In a session with several clusters: the one the pod is in (the context kubectl used). */
  cluster?: string;
  /** kubectl's standard output is not the terminal (`> /dev/null &`): its `Handling connection` lines are not shown. */
  quiet?: true;
}

/** A port a running port-forward listens on, as the shell's job table offers it to the workstation's tools. */
export interface ForwardListener {
  forward: PortForward;
  port: ForwardedPort;
  /** The job's process id (klog prints it). */
  pid: number;
  /** kubectl's standard output and error, where the job writes them. */
  out(text: string): void;
  err(text: string): void;
  /** kubectl ended: the connection to the pod was lost. */
  lost(): void;
  /** The message the kubelet wrote on the error stream when it could not reach the pod's port. */
  failed?(message: string): void;
}

/** The port-forwards listening at the workstation, by address and port. */
export interface WorkstationForwards {
  at(ip: string, port: number): ForwardListener | undefined;
}
