// The in-memory data of a database process, kept in its pod's runtime beside the container's run:
// a restart (new container ID) starts empty, as a server without a volume does. Bounded so a
// pod's runtime row stays small: past the limit a write fails as a server out of memory would.

import type { Tx } from "../../cluster/tx.ts";
import type { ServerData } from "../../cluster/types.ts";

/** The most a database's data may take, as JSON. */
export const SERVER_DATA_MAX_BYTES = 64 * 1024;

/** The data of the container's current run (empty when it restarted since it was written). */
export function readServerData(tx: Tx, podKey: string, container: string): ServerData | undefined {
  const runtime = tx.state.podRuntime[podKey];
  const containerID = runtime?.containers?.find((c) => c.name === container)?.containerID;
  if (!containerID) return undefined;
  const data = runtime?.serverData?.[container];
  return data && data.containerID === containerID ? data : { containerID };
}

/** Stores the data; false (nothing written) when it would pass SERVER_DATA_MAX_BYTES. */
export function writeServerData(tx: Tx, podKey: string, container: string, data: ServerData): boolean {
  if (JSON.stringify(data).length > SERVER_DATA_MAX_BYTES) return false;
  const runtime = tx.state.podRuntime[podKey];
  if (!runtime) return false;
  tx.write("podRuntime")[podKey] = { ...runtime, serverData: { ...runtime.serverData, [container]: data } };
  return true;
}
