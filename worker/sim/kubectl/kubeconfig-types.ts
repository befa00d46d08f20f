// The kubeconfig's shape, apart from the code that reads it (kubeconfig.ts), so the shell frame
// that carries it can name it without importing kubectl.

export interface KubeContext {
  name: string;
  /** Empty when the context names no cluster: kubectl then falls back to localhost:8080. */
  cluster: string;
  user: string;
  namespace?: string;
}

export interface Kubeconfig {
  contexts: KubeContext[];
  /** Empty when unset (after deleting the current context). */
  currentContext: string;
  /** The cluster entries' names; absent: kubeadm's one, `kubernetes` (a session with several clusters lists each). */
  clusters?: string[];
  /** The user entries' names; absent: kubeadm's `kubernetes-admin`. */
  users?: string[];
}
