// exit and logout: leave the innermost shell. Leaving an ssh session prints what OpenSSH prints;
// leaving a `kubectl run --rm -it` shell deletes its pod, as kubectl does after the session.

import { deleteObject } from "../cluster/api-server.ts";
import { endAttachSession } from "./pod-exec.ts";
import type { ProgramContext } from "./types.ts";

export function exit(ctx: ProgramContext): number {
  const code = ctx.argv[1] !== undefined && /^\d+$/.test(ctx.argv[1]) ? Number(ctx.argv[1]) % 256 : 0;
  const frame = ctx.shell[ctx.shell.length - 1];
  if (ctx.argv[0] === "logout" && frame.kind === "pod") {
    ctx.err(frame.shell === "bash" ? "bash: logout: not login shell: use `exit'\n" : "sh: logout: not found\n");
    return frame.shell === "bash" ? 1 : 127;
  }
  switch (frame.kind) {
    case "workstation":
      // The console's own shell: there is nothing to return to, so it stays open.
      return code;
    case "node":
      ctx.shell.pop();
      ctx.out(`logout\nConnection to ${frame.node} closed.\n`);
      return code;
    case "pod": {
      ctx.shell.pop();
      if (frame.shell === "bash") ctx.out("exit\n");
      if (frame.attached) {
        // The shell was the container's main process: it ends, and kubectl run takes over.
        const pod = ctx.tx.state.pods[`${frame.namespace}/${frame.pod}`];
        const tty = pod?.spec.containers.find((c) => c.name === frame.container)?.tty === true;
        return endAttachSession(ctx, { namespace: frame.namespace, pod: frame.pod, container: frame.container, tty, removeOnExit: frame.removeOnExit === true }, code);
      }
      if (frame.removeOnExit) {
        const result = deleteObject(ctx.tx, "pods", frame.namespace, frame.pod, { now: ctx.now, random: ctx.random });
        if (result.ok) ctx.out(`pod "${frame.pod}" deleted from ${frame.namespace} namespace\n`);
      }
      return code;
    }
  }
}
