// `/s/<id>`: the owner's playground with the key, the read-only watch view without it. A key that
// arrives in the fragment (`/s/<id>#key=...`) moves into this browser's storage at once.
import { useEffect, useState } from "preact/hooks";
import { getExam } from "../api/client.ts";
import { keepKeyOutOfAddressBar } from "../lib/edit-key.ts";
import { examPath, sessionPath } from "../lib/route.ts";
import { storage } from "../lib/storage.ts";
import { ShareMenu } from "../share/ShareMenu.tsx";
import { Playground } from "./Playground.tsx";
import { TopBar } from "./TopBar.tsx";

export function SessionPage(props: { id: string; urlKey?: string; onExam?(): void }) {
  const key = props.urlKey ?? storage.editKey(props.id) ?? undefined;
  useEffect(() => {
    if (props.urlKey) keepKeyOutOfAddressBar(props.id, props.urlKey);
  }, [props.id, props.urlKey]);
  // A session started for an exam opens as the exam (its report once over): its watch link shares the report.
  useEffect(() => {
    if (!props.onExam) return;
    let cancelled = false;
    getExam(props.id).then(
      (exam) => {
        if (!exam || cancelled) return;
        history.replaceState(history.state, "", examPath(props.id));
        props.onExam?.();
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [props.id]);
  return (
    <Playground
      source={{ kind: "session", id: props.id, key }}
      header={(session) => (
        <>
          <TopBar connected={session.model.connected}>
            <ShareMenu sessionId={props.id} editKey={key} snapshot={session.snapshot} />
          </TopBar>
          {!key && <WatchBanner fork={session.fork} />}
          {key && session.model.loaded && !session.model.error && <RememberRecent id={props.id} commands={session.model.transcript.filter((e) => !e.setup).length} />}
        </>
      )}
    />
  );
}

function WatchBanner(props: { fork(): Promise<{ id: string; key: string }> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="banner watch" role="status">
      <span>You are watching this session live. It is read-only.</span>
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const { id, key } = await props.fork();
            location.assign(sessionPath(id, key));
          } catch (e) {
            setError((e as Error).message);
            setBusy(false);
          }
        }}
      >
        Make my own copy
      </button>
      {error && <span class="error">{error}</span>}
    </div>
  );
}

/** Keeps this playground in the browser's recent list, for `/` to offer it back. */
function RememberRecent(props: { id: string; commands: number }) {
  useEffect(() => {
    storage.rememberRecent({ id: props.id, commands: props.commands, at: Date.now() });
  }, [props.id, props.commands]);
  return null;
}
