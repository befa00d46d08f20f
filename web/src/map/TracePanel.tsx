// The route of a request, hop by hop: addresses before and after each NAT, the rule that matched,
// and where and why a request that got no answer stopped.
import type { Endpoint, RouteTrace } from "../../../worker/sim/net/trace.ts";
import { PolicyVerdict } from "./policy-verdict.ts";

export interface TracePanelProps {
  trace: RouteTrace;
  step: number;
  onStep(step: number): void;
  onReplay(): void;
}

const VERDICT: Record<RouteTrace["verdict"], string> = {
  answered: "answered",
  refused: "refused",
  "timed-out": "timed out",
  "not-resolved": "name not resolved",
  "empty-reply": "empty reply",
  "tls-failed": "TLS handshake failed",
};

const addr = (e: Endpoint) => `${e.ip}:${e.port}`;

/** "answered 200", "timed out": how the request ended, as the panel's badge says it. */
export const verdictText = (trace: RouteTrace) => VERDICT[trace.verdict] + (trace.status ? ` ${trace.status}` : "");


export function TracePanel({ trace, step, onStep, onReplay }: TracePanelProps) {
  const hop = trace.hops[step];
  const last = trace.hops.length - 1;
  return (
    <section class={"trace verdict-" + trace.verdict} aria-label="Route of the last request">
      <header class="trace-head">
        <code class="trace-request">{trace.request}</code>
        <span class={"verdict " + trace.verdict}>
          {verdictText(trace)}
        </span>
      </header>
      <ol class="hops">
        {trace.hops.map((h, i) => (
          <li key={i} class={(i === step ? "current " : "") + (i <= step ? "seen" : "")}>
            <button type="button" onClick={() => onStep(i)} aria-current={i === step ? "step" : undefined}>
              {h.label}
            </button>
          </li>
        ))}
      </ol>
      {hop && (
        <div class="hop-detail" aria-live="polite">
          <p class="hop-title">
            {step + 1}/{trace.hops.length} · <strong>{hop.label}</strong> <span class="hop-kind">{hop.kind}</span>
          </p>
          <p class="hop-note">{hop.note}</p>
          {hop.policy && <PolicyVerdict policy={hop.policy} />}
          {(hop.before || hop.after) && (
            <table class="nat">
              <thead>
                <tr>
                  {/* A header that names the column of "before"/"after" (axe: empty-table-header). */}
                  <th scope="col">
                    <span class="visually-hidden">when</span>
                  </th>
                  <th scope="col">source</th>
                  <th scope="col">destination</th>
                </tr>
              </thead>
              <tbody>
                {hop.before && (
                  <tr>
                    <th scope="row">before</th>
                    <td>{addr(hop.before.src)}</td>
                    <td>{addr(hop.before.dst)}</td>
                  </tr>
                )}
                {hop.after && (
                  <tr class={hop.before && (addr(hop.before.dst) !== addr(hop.after.dst) || addr(hop.before.src) !== addr(hop.after.src)) ? "changed" : ""}>
                    <th scope="row">after</th>
                    <td>{addr(hop.after.src)}</td>
                    <td>{addr(hop.after.dst)}</td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
          {hop.rule && <pre class="rule">{hop.rule}</pre>}
          {step === last && <p class={"reason " + trace.verdict}>{trace.reason}</p>}
        </div>
      )}
      <div class="trace-buttons">
        <button type="button" onClick={() => onStep(Math.max(0, step - 1))} disabled={step <= 0}>
          ◀ Back
        </button>
        <button type="button" onClick={() => onStep(Math.min(last, step + 1))} disabled={step >= last}>
          Next ▶
        </button>
        <button type="button" onClick={onReplay}>
          Replay
        </button>
      </div>
    </section>
  );
}
