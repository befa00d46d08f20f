// How the kubelet stops a container of a deleted pod (kuberuntime_container.go killContainer):
// the preStop hook runs first, for at most the grace period; then the runtime sends the image's
// stop signal and, when the process has not exited once the rest of the grace period (at least
// minimumGracePeriodInSeconds, 2 s) is over, SIGKILL (exit code 137).
import { findImage, isSystemImage } from "./images.ts";
import { processBehaviour, runsImageServer } from "./process.ts";
import type { Container, ContainerRuntime, LifecycleHandler } from "./types.ts";

/** killContainer always leaves the stop signal this long before SIGKILL, even after a long preStop hook. */
export const MINIMUM_GRACE_MS = 2000;
/** A process that handles the stop signal is seen gone on the kubelet's next relist (PLEG, once a second). */
export const STOP_NOTICE_MS = 1000;

/** When a running container stops, and how (its exit code), once the kubelet starts killing it at `now`. */
export interface ContainerStop {
  at: number;
  exitCode: number;
}

/**
 * How long the preStop hook keeps the kubelet before the stop signal: exec runs its command in the
 * container (`sleep 180` takes 180 s; a command that never ends takes the whole grace period),
 * httpGet answers at once, the sleep action sleeps. `quits` when the hook itself stops the main
 * process (nginx's `nginx -s quit`, the hello-frontend sample's preStop).
 */
function preStopMs(container: Container, hook: LifecycleHandler | undefined): { ms: number; quits: boolean } {
  if (!hook) return { ms: 0, quits: false };
  if (hook.sleep) return { ms: hook.sleep.seconds * 1000, quits: false };
  const argv = hook.exec?.command;
  if (!argv?.length) return { ms: 0, quits: false };
  const program = argv[0].split("/").pop() ?? argv[0];
  if (program === "nginx" && findImage(container.image)?.server?.kind === "nginx") {
    const signal = argv[argv.indexOf("-s") + 1];
    if (argv.includes("-s") && (signal === "quit" || signal === "stop")) return { ms: 0, quits: true };
  }
  const behaviour = processBehaviour({ name: container.name, image: container.image, command: argv });
  if (behaviour.kind === "forever" || behaviour.kind === "attached") return { ms: Infinity, quits: false };
  return { ms: behaviour.afterMs, quits: false };
}

/**
 * What the container's main process does with the stop signal. The servers of the catalogue's
 * images shut down (nginx takes SIGQUIT, its image's STOPSIGNAL, and exits 0). A shell or `sleep`
 * running as PID 1 has no handler for SIGTERM, and the kernel ignores unhandled signals for PID 1,
 * so it runs on until SIGKILL, unless the script traps TERM with an `exit`.
 */
function stopSignalExit(container: Container): number | undefined {
  if (isSystemImage(container.image) || runsImageServer(container)) return 0;
  const script = [...(container.command ?? []), ...(container.args ?? [])].join(" ");
  const trap = /\btrap\s+(['"])([^'"]*)\1\s+(?:[A-Z0-9 ]*\s)?(?:SIG)?(?:TERM|15)\b/.exec(script);
  if (trap) {
    const exit = /\bexit\s+(\d+)/.exec(trap[2]);
    return exit ? Number(exit[1]) % 256 : 0;
  }
  return undefined;
}

/**
 * When a running container stops after the kubelet begins killing it at `now` with `graceMs`;
 * undefined when its process ends by itself before that (it keeps its own end and exit code).
 */
export function containerStop(container: Container, c: ContainerRuntime, now: number, graceMs: number): ContainerStop | undefined {
  const hook = graceMs > 0 ? preStopMs(container, container.lifecycle?.preStop) : { ms: 0, quits: false };
  const hookMs = Math.min(hook.ms, graceMs);
  const signalAt = now + hookMs;
  const killAt = signalAt + Math.max(graceMs - hookMs, MINIMUM_GRACE_MS);
  let stop: ContainerStop;
  if (hook.quits) stop = { at: now + STOP_NOTICE_MS, exitCode: 0 };
  else {
    const code = stopSignalExit(container);
    stop = code === undefined ? { at: killAt, exitCode: 137 } : { at: signalAt + STOP_NOTICE_MS, exitCode: code };
  }
  return c.until !== undefined && c.until <= stop.at ? undefined : stop;
}
