// The root CA publisher (pkg/controller/certificates/rootcacertpublisher): every namespace has a
// ConfigMap kube-root-ca.crt holding the cluster's CA certificate, created when the namespace
// appears and put back when it is deleted or changed. Pods read it through their service
// account volume (service-account.ts mounts its ca.crt).
import { createRandom } from "../random.ts";
import { createObject, updateObject } from "./api-server.ts";
import { fnv32a, newUid } from "./ids.ts";
import type { Tx } from "./tx.ts";

export const ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";

/** The cluster CA's certificate (a self-signed CN=kubernetes CA, as kubeadm makes one); the same for every session. */
export const CLUSTER_CA_CERT = [
  "-----BEGIN CERTIFICATE-----\n",
  "MIIDGzCCAgOgAwIBAgIUSAKrVeolc4kI5DgdTqfA2B+9gdwwDQYJKoZIhvcNAQEL\n",
  "BQAwFTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjEyMDcwNjM2NTRaFw0zNjEy\n",
  "MDQwNjM2NTRaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEB\n",
  "AQUAA4IBDwAwggEKAoIBAQDT0eEWGjoEkUbohvnSS0/YzExMx4DZEHYJxMT/M3aR\n",
  "/jrCykOiVI01Sqmf3Nma2IMWmoljnxHKIJDWyaMS7+BHGzT8t3oEicKWH+0Zs/au\n",
  "VtuVMEL7qwYpJoVHvL77J8PNZNwIT6ekcr+is8zjt8HxMEwlLMQLVK+8USvPEzdK\n",
  "mae8TTR7iaCVWGvcLrb1+bFzME7yJ27ZZQjbLe0loHOqaUm0X8Yz2afPGf4WVneB\n",
  "7bBlQYaDhs/LFeejsrEj2/KhH5LJ9h8yzHIlzvYt7YuPSFjqvnI/FluGN4KOJrH+\n",
  "lTtS7U0WYT+IlR3svBptrTxVPn/bs76FdoWbftIq7aPTAgMBAAGjYzBhMB0GA1Ud\n",
  "DgQWBBS/Vv/fCeKxk+oWhh/JECboRccb/TAfBgNVHSMEGDAWgBS/Vv/fCeKxk+oW\n",
  "hh/JECboRccb/TAOBgNVHQ8BAf8EBAMCAqQwDwYDVR0TAQH/BAUwAwEB/zANBgkq\n",
  "hkiG9w0BAQsFAAOCAQEAfp0Z/hHt+SdaowxdY+Y2ZoMY3tKWvHW5jbPr1NOd2Emu\n",
  "59Lr2lrwTBUh2Harj0QqJG8WCEH5pMeG1xMNG1MWdir6b3Dle8sUg9Czm8Mrhq/Y\n",
  "dKbSGxus8FzMRfuaN9E36aABqwQZd6sLaqKbFDYxc9T9VnR+1lTzC2sKtjA37I5j\n",
  "T+C+1pACwTwSTLwZpjtX1hs0dBZP2E5o5CNmOQr3ev8pPZudN0EoFycVngg/gawr\n",
  "It+6tBqOOWuDyedgXxJyoMgW7666s2ezQgo+UDSVuvq7kfBkNInidjaqEnd9/KVo\n",
  "5BTuXICP0sASgKPyYA/nFZI+QIYNR3cAc8mBLJ7MAg==\n",
  "-----END CERTIFICATE-----\n",
].join("");

const DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

export function rootCAPublisher(tx: Tx, ctx: { now: number }): void {
  for (const ns of Object.values(tx.state.namespaces)) {
    if (ns.status.phase !== "Active") continue;
    const namespace = ns.metadata.name;
    const current = tx.state.objects?.configmaps?.[`${namespace}/${ROOT_CA_CONFIG_MAP}`] as { data?: Record<string, string> } | undefined;
    if (current && current.data?.["ca.crt"] === CLUSTER_CA_CERT) continue;
    const object = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: ROOT_CA_CONFIG_MAP, namespace, annotations: { "kubernetes.io/description": DESCRIPTION } },
      data: { "ca.crt": CLUSTER_CA_CERT },
    };
    // The uid comes from the namespace's, so publishing takes nothing from the session's random stream.
    const random = createRandom(fnv32a(`${ns.metadata.uid}/${ROOT_CA_CONFIG_MAP}`));
    if (current) updateObject(tx, object, { now: ctx.now, random });
    else createObject(tx, object, { now: ctx.now, random }, newUid(random));
  }
}
