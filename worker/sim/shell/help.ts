// `help` and `man` at the console. bash's `help` lists its builtins; here, at a console a newcomer
// opens first, it says what this console is and has. `man` answers as man-db does on a machine
// without manual pages installed (the lab's minimal images): "No manual entry for ls".

import type { ProgramContext } from "./types.ts";

const HELP = `This console is a workstation outside the cluster (student@workstation). kubectl here
talks to the cluster's API server; curl from here reaches the nodes' addresses, not the
Service IPs or the pods' IPs, which only answer inside the cluster.

Commands on the workstation:
  kubectl   run, create, apply -f, expose, get, describe, logs, exec, delete, scale,
            edit, label, patch, rollout, ... (kubectl --help lists them)
  curl      curl http://<node IP>:<NodePort>  (kubectl get nodes -o wide lists the IPs)
  ssh       ssh node01: a shell on a node, inside the cluster; exit comes back
  helm      helm install ngf oci://ghcr.io/nginx/charts/nginx-gateway-fabric -n nginx-gateway
            --create-namespace, then helm list -A, upgrade, rollback, uninstall (helm v3.19)
  also      nslookup, ping, ip, cat, ls, cp, mv, rm, mkdir, touch, tee, sed, diff,
            echo, printf, grep, head, tail, wc, base64, env, vi, vim, nano, history, clear

Inside the cluster: ssh to a node (curl a ClusterIP there), or kubectl exec -it <pod> -- sh
(a pod has only the tools its image ships).

YAML: write it in a file with vi or nano and kubectl apply -f <file>, or paste it inline:
  kubectl apply -f - <<EOF
  apiVersion: v1
  kind: Pod
  ...
  EOF
The lines after <<EOF continue on "> " until the EOF line.

The lecture's path: kubectl run nginx --image=nginx, then
  kubectl expose pod nginx --port 80 --type NodePort, kubectl get svc,
  curl http://<node IP>:<NodePort>

Keys: Tab completes, Up/Down recall earlier commands, Ctrl+C drops the line, Ctrl+L clears.
history lists what you ran; !N runs entry N again, !! the last one.
Lessons: "Start a lesson" at the top of the page.
`;

/** `help`: this console's commands and where to go next; `help NAME` as bash answers a topic it has no text for. */
export function help(ctx: ProgramContext): number {
  const topics = ctx.argv.slice(1).filter((a) => a !== "--");
  if (topics.length === 0) {
    ctx.out(HELP);
    return 0;
  }
  const name = ctx.shell[ctx.shell.length - 1].kind === "pod" ? "bash" : "-bash";
  const topic = topics[topics.length - 1];
  ctx.err(`${name}: help: no help topics match \`${topic}'.  Try \`help help' or \`man -k ${topic}' or \`info ${topic}'.\n`);
  return 1;
}

/** man-db 2.12 with no manual pages installed. */
export function man(ctx: ProgramContext): number {
  const args = ctx.argv.slice(1);
  const option = args.find((a) => a.startsWith("-") && a !== "-k" && a !== "--");
  if (option) {
    ctx.err(`man: ${option.startsWith("--") ? `unrecognized option '${option}'` : `invalid option -- '${option.slice(1, 2)}'`}\nTry 'man --help' or 'man --usage' for more information.\n`);
    return 1;
  }
  if (args[0] === "-k") {
    const words = args.slice(1);
    if (words.length === 0) {
      ctx.err("apropos what?\n");
      return 1;
    }
    ctx.err(words.map((w) => `${w}: nothing appropriate.\n`).join(""));
    return 16;
  }
  let pages = args.filter((a) => a !== "--");
  if (pages.length === 0) {
    ctx.err("What manual page do you want?\nFor example, try 'man man'.\n");
    return 1;
  }
  // `man 5 crontab`: a section first.
  let section: string | undefined;
  if (pages.length > 1 && /^[1-9n]\w*$/.test(pages[0]) && /^\d/.test(pages[0])) {
    section = pages[0];
    pages = pages.slice(1);
  }
  ctx.err(pages.map((p) => `No manual entry for ${p}${section ? ` in section ${section}` : ""}\n`).join(""));
  return 16;
}
