// `/p/<snapshotId>`: a frozen cluster; the first command forks it into the visitor's own session
// and the URL becomes that session's.
import { useState } from "preact/hooks";
import { keepKeyOutOfAddressBar } from "../lib/edit-key.ts";
import { ShareMenu } from "../share/ShareMenu.tsx";
import { Playground } from "./Playground.tsx";
import { TopBar } from "./TopBar.tsx";

export function SnapshotPage(props: { snapshotId: string }) {
  const [own, setOwn] = useState<{ id: string; key: string } | null>(null);
  return (
    <Playground
      source={{ kind: "snapshot", snapshotId: props.snapshotId }}
      hooks={{
        onSession(id, key) {
          keepKeyOutOfAddressBar(id, key);
          setOwn({ id, key });
        },
      }}
      header={(session) => (
        <>
          <TopBar connected={own ? session.model.connected : undefined}>
            <ShareMenu sessionId={own?.id} editKey={own?.key} snapshot={session.snapshot} />
          </TopBar>
          {!own && (
            <div class="banner snapshot" role="status">
              A shared snapshot. Type a command and it becomes your own copy; the original stays as it is.
            </div>
          )}
        </>
      )}
    />
  );
}
