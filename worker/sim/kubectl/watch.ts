// `kubectl get -w`: the list, then one line each time an object's row changes. A real watch never
// ends; here simulated time moves on (as `kubectl wait` does) until nothing has changed for a
// while, so a learner sees pods go Pending -> ContainerCreating -> Running and gets the prompt back.

import { stepClock } from "../shell/clock-step.ts";
import type { Kubectl } from "./context.ts";
import { tableCells, type TableOptions } from "./printers/output.ts";
import type { AnyObject } from "./printers/tables.ts";
import { tableWriter } from "./printers/tabwriter.ts";
import type { ResourceType } from "./resources.ts";

/** How long the watch may run at most, and how long without a change ends it. */
const WATCH_LIMIT_MS = 60_000;
const QUIET_MS = 8_000;
const STEP_MS = 1_000;

/**
 * Lines printed one at a time keep the column widths they have reached: kubectl's watch writes
 * each event through the same tabwriter, so a wider STATUS pushes later columns right for good.
 */
class WatchWriter {
  private widths: number[] = [];

  constructor(private readonly write: (text: string) => void) {}

  line(cells: string[]): void {
    this.widen(cells);
    this.write(cells.map((cell, i) => (i < cells.length - 1 ? cell.padEnd(this.widths[i]) : cell)).join("") + "\n");
  }

  /** The initial table sets the widths, as one block through the tabwriter would. */
  block(rows: string[][]): void {
    for (const cells of rows) this.widen(cells);
    for (const cells of rows) this.line(cells);
  }

  /** Every cell but the last is padded: widths only grow. */
  private widen(cells: string[]): void {
    cells.forEach((cell, i) => {
      if (i < cells.length - 1) this.widths[i] = Math.max(this.widths[i] ?? 0, tableWriter.minwidth, [...cell].length + tableWriter.padding);
    });
  }
}

export interface WatchRequest {
  type: ResourceType;
  /** The objects of the watched type as they are now (re-read after each step). */
  read(): AnyObject[];
  options: TableOptions;
  /** --watch-only: skip the initial list. */
  only: boolean;
  /** What to say when there is nothing to list at first (kubectl's "No resources found ..."). */
  empty: string;
}

export function watch(k: Kubectl, request: WatchRequest): void {
  const writer = new WatchWriter((text) => k.out(text));
  const { type, options } = request;
  const key = (o: AnyObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  // AGE moves every second; a line is worth printing when anything else in it changed.
  const age = (header: string[]) => header.indexOf("AGE");
  const signature = (cells: string[], ageAt: number) => cells.filter((_, i) => i !== ageAt).join("\t");

  let table = tableCells(type, request.read(), { ...options, now: k.ctx.tx.state.now });
  const ageAt = age(table.header);
  let headerShown = false;
  const last = new Map<string, string>();
  /** The objects as last seen: a deleted one is printed once more, as the DELETED event carries it. */
  let seen = new Map<string, AnyObject>();
  const objects = request.read();
  objects.forEach((o, i) => {
    last.set(key(o), signature(table.rows[i], ageAt));
    seen.set(key(o), o);
  });
  if (!request.only) {
    if (table.rows.length > 0) {
      writer.block(options.noHeaders ? table.rows : [table.header, ...table.rows]);
      headerShown = true;
    } else k.err(request.empty);
  }

  const start = k.ctx.tx.state.now;
  let lastChange = start;
  for (let t = start + STEP_MS; t <= start + WATCH_LIMIT_MS && t - lastChange <= QUIET_MS; t += STEP_MS) {
    stepClock(k.ctx, t);
    const now = request.read();
    table = tableCells(type, now, { ...options, now: t });
    const print = (cells: string[]) => {
      lastChange = t;
      if (!headerShown && !options.noHeaders) writer.line(table.header);
      headerShown = true;
      writer.line(cells);
    };
    const current = new Map<string, AnyObject>();
    now.forEach((o, i) => {
      current.set(key(o), o);
      const sig = signature(table.rows[i], ageAt);
      if (last.get(key(o)) === sig) return;
      last.set(key(o), sig);
      print(table.rows[i]);
    });
    for (const [k0, gone] of seen) {
      if (current.has(k0)) continue;
      last.delete(k0);
      print(tableCells(type, [gone], { ...options, now: t }).rows[0]);
    }
    seen = current;
  }
}
