// The place a program runs in, from the shell stack, and what it needs to make requests.

import { findImage, type Tool } from "../../cluster/images.ts";
import type { ProgramContext } from "../../shell/types.ts";
import type { ExchangeEnv } from "../exchange.ts";
import { netIndex } from "../index.ts";
import { placeOf, type Place } from "../places.ts";
import { labCluster, labTrace } from "../lab.ts";

export function currentPlace(ctx: ProgramContext): Place | undefined {
  const state = ctx.tx.state;
  return placeOf(ctx.shell[ctx.shell.length - 1], state, netIndex(state));
}

export function exchangeEnv(ctx: ProgramContext): ExchangeEnv {
  return { tx: ctx.tx, random: ctx.random, now: ctx.now, trace: ctx.trace, ...(ctx.forwards ? { forwards: ctx.forwards } : {}), ...(ctx.clusters ? { lab: ctx.clusters } : {}) };
}

/**
 * The program's context for a request from the workstation to `host`: another cluster's when the
 * host is that cluster's node or load-balancer address (lab.ts), else the program's own.
 */
export function labContext(ctx: ProgramContext, place: Place, host: string): ProgramContext {
  const other = labCluster(ctx.clusters, ctx.tx, place, host, ctx.now);
  if (!other || !ctx.clusters) return ctx;
  return { ...ctx, tx: other.tx, trace: labTrace(ctx.trace, other.name), clusters: { ...ctx.clusters, acting: other.name } };
}

/** The image repository of the container a pod place runs in (tools differ per image). */
export function imageOf(ctx: ProgramContext, place: Place): string | undefined {
  if (place.kind !== "pod") return undefined;
  const pod = ctx.tx.state.pods[place.key];
  const container = pod?.spec.containers.find((c) => c.name === place.container) ?? pod?.spec.containers[0];
  return container ? findImage(container.image)?.repository : undefined;
}

/**
 * The place is a pod whose image's tools are busybox's applets (busybox, alpine, curlimages/curl);
 * given a tool, whether that tool is the applet (a package may have installed its own over it).
 */
export function usesBusybox(ctx: ProgramContext, place: Place, tool?: Tool): boolean {
  if (place.kind !== "pod") return false;
  const pod = ctx.tx.state.pods[place.key];
  const container = pod?.spec.containers.find((c) => c.name === place.container) ?? pod?.spec.containers[0];
  const image = container ? findImage(container.image) : undefined;
  return image?.busybox === true && !(tool !== undefined && image.packaged?.includes(tool));
}

/** The command line as typed, for traces (argv joined, quoting words that need it). */
export function commandText(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}
