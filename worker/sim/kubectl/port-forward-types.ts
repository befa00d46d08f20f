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
  /** kubectl's standard output is not the terminal (`> /dev/null &`): its `Handling connection` lines are not shown. */
  quiet?: true;
}
