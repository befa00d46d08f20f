// The few files a learner reads with cat: resolver and hosts configuration of each place.

import type { ClusterState } from "../cluster/types.ts";
import { hostAliasLines, hostsFile, podHostsLines, resolvConf, resolvConfText, usesClusterDNS } from "../net/dns.ts";
import { netIndex, type NetIndex } from "../net/index.ts";
import { hostNameOf, type Place } from "../net/places.ts";

/** `lab`: every cluster's node index, for the workstation of a session with several clusters (net/lab.ts). */
export function readFile(state: ClusterState, place: Place, path: string, lab?: () => readonly NetIndex[]): string | undefined {
  const index = netIndex(state);
  const clusterDNS = usesClusterDNS(place, state);
  const hostname = hostNameOf(place, state);
  switch (normalize(path)) {
    case "/etc/resolv.conf":
      if (clusterDNS) return resolvConfText(resolvConf(state, place));
      return (
        "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n" +
        "# Do not edit.\n#\n" +
        "# This file might be symlinked as /etc/resolv.conf. If you're looking at\n" +
        "# /etc/resolv.conf and seeing this text, you have followed the symlink.\n#\n" +
        "# This is a dynamic resolv.conf file for connecting local clients to the\n" +
        "# internal DNS stub resolver of systemd-resolved. This file lists all\n" +
        "# configured search domains.\n#\n" +
        "# Run \"resolvectl status\" to see details about the uplink DNS servers\n" +
        "# currently in use.\n#\n" +
        "# Third party programs should typically not access this file directly, but only\n" +
        "# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n" +
        "# different way, replace this symlink by a static file or a different symlink.\n#\n" +
        "# See man:systemd-resolved.service(8) for details about the supported modes of\n" +
        "# operation for /etc/resolv.conf.\n\n" +
        "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n"
      );
    case "/etc/hosts": {
      const pod = place.kind === "pod" ? state.pods[place.key] : undefined;
      // The kubelet's own lines name a pod's address tab-separated, the others space-separated.
      const own =
        pod && place.kind === "pod" && !place.hostNetwork
          ? "# Kubernetes-managed hosts file.\n" + podHostsLines(pod, state.config.clusterDomain).map(([ip, names], i, all) => `${ip}\t${names.join(i === all.length - 1 && ip === pod.status.podIP ? "\t" : " ")}\n`).join("")
          : hostsFile(index, hostname, place.kind === "workstation" ? lab?.() : undefined)
              .map(([ip, names]) => `${ip}\t${names.join(" ")}\n`)
              .join("");
      const aliases = hostAliasLines(pod);
      return aliases.length ? `${own}\n# Entries added by HostAliases.\n${aliases.map(([ip, names]) => `${ip}\t${names.join("\t")}\n`).join("")}` : own;
    }
    case "/etc/hostname":
      return `${hostname}\n`;
    case "/etc/os-release":
      if (place.kind !== "pod") {
        return 'PRETTY_NAME="Ubuntu 24.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.3 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\nBUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\nPRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n';
      }
      return undefined;
    default:
      return undefined;
  }
}

function normalize(path: string): string {
  return path.replace(/\/+/g, "/").replace(/\/$/, "");
}
