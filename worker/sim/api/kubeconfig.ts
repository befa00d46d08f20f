// The kubeconfig a learner downloads for a session: one cluster (the session's API over this
// site's address), one user and one context named after the session, namespace default. With the
// edit key its user carries the key as bearer token and may write; without it the user has no
// credentials and the API treats it as system:anonymous, which may read. A session with several
// clusters gets one cluster, user and context per cluster, named as the console's kubeconfig names
// them (context and cluster NAME, user NAME-admin), each cluster's server its own API path.

import { toYaml } from "../kubectl/printers/serialize.ts";

export interface PlaygroundKubeconfigInit {
  /** The site's origin as the client reaches it (`http://127.0.0.1:8787`). */
  origin: string;
  sessionId: string;
  /** The edit key, for a kubeconfig that may write. */
  token?: string;
  /**
   * The origin's certificate is self-signed (npm start's https address): clients are told to skip
   * verifying it (`insecure-skip-tls-verify: true`). There is no CA they could be given instead:
   * the certificate is made anew at every start, and on loopback it protects nothing a learner
   * needs protected; the token still travels only inside TLS, which is what kubectl insists on.
   */
  selfSigned?: boolean;
  /** A session with several clusters: their names, and the one the console's current context names. */
  clusters?: { names: readonly string[]; current: string };
}

/** The context (and cluster and user) name: the session's, so several sessions fit in one file. */
export function contextName(sessionId: string): string {
  return `playground-${sessionId}`;
}

export function playgroundKubeconfig(init: PlaygroundKubeconfigInit): string {
  const tls = init.selfSigned ? { "insecure-skip-tls-verify": true } : {};
  const user = init.token === undefined ? {} : { token: init.token };
  if (init.clusters) {
    const names = init.clusters.names;
    return toYaml({
      apiVersion: "v1",
      kind: "Config",
      clusters: names.map((name) => ({ name, cluster: { server: `${init.origin}/api/sessions/${init.sessionId}/clusters/${encodeURIComponent(name)}/k8s`, ...tls } })),
      users: names.map((name) => ({ name: `${name}-admin`, user })),
      contexts: names.map((name) => ({ name, context: { cluster: name, user: `${name}-admin`, namespace: "default" } })),
      "current-context": init.clusters.current,
      preferences: {},
    });
  }
  const name = contextName(init.sessionId);
  return toYaml({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: `${init.origin}/api/sessions/${init.sessionId}/k8s`, ...(init.selfSigned ? { "insecure-skip-tls-verify": true } : {}) } }],
    users: [{ name, user: init.token === undefined ? {} : { token: init.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
}
