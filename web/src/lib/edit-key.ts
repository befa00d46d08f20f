// The edit key lives in this browser's storage, not in the address bar: a key in the URL would
// stay in the tab's history, in screenshots and in whatever the address is pasted into.
import { examPath, sessionPath } from "./route.ts";
import { storage } from "./storage.ts";

/**
 * Remembers the session's key and shows `/s/<id>` (an exam's `/exam/<id>`) in the address bar in place of the current
 * entry (replaceState: the entry with the key does not stay in the tab's history). Where storage
 * refuses the key (some private modes, sandboxed frames), the key stays in the fragment, or a
 * reload would lose the right to edit.
 */
export function keepKeyOutOfAddressBar(id: string, key: string, page: "session" | "exam" = "session"): void {
  const remembered = storage.setEditKey(id, key);
  const path = page === "exam" ? examPath : sessionPath;
  history.replaceState(history.state, "", path(id, remembered ? undefined : key) + location.search);
}
