// The map's label in a session with several clusters (issue 18): which context the console is in,
// the cluster the map draws, and a picker that switches the console's context, as
// `kubectl config use-context` does (it types that command, so the transcript shows it).
import type { ClusterView } from "../api/types.ts";
import { contextChoices } from "./contexts.ts";

export function ContextSwitcher(props: { contexts: NonNullable<ClusterView["contexts"]>; onUseContext?(name: string): void }) {
  const { current } = props.contexts;
  const onUse = props.onUseContext;
  if (!onUse) {
    return (
      <span class="map-context">
        context <strong>{current || "(none)"}</strong>
      </span>
    );
  }
  const options = contextChoices(props.contexts);
  return (
    <label class="map-context">
      context{" "}
      <select value={current} onChange={(e) => onUse((e.currentTarget as HTMLSelectElement).value)}>
        {options.map((name) => (
          <option key={name} value={name}>
            {name || "(none)"}
          </option>
        ))}
      </select>
    </label>
  );
}
