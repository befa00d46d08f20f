// `/`: a new session, then its page at `/s/<id>`. The edit key goes into localStorage.
import { useEffect, useState } from "preact/hooks";
import { createSession } from "../api/client.ts";
import { keepKeyOutOfAddressBar } from "../lib/edit-key.ts";
import { TopBar } from "./TopBar.tsx";

export function HomePage(props: { onCreated(id: string, key: string): void }) {
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    createSession({}).then(
      ({ id, editKey }) => {
        if (cancelled) return;
        keepKeyOutOfAddressBar(id, editKey);
        props.onCreated(id, editKey);
      },
      (e) => !cancelled && setError((e as Error).message),
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);
  return (
    <div class="playground">
      <TopBar />
      <main class="starting">
        {error ? (
          <>
            <p role="alert">Could not start a cluster: {error}</p>
            <button type="button" onClick={() => { setError(null); setAttempt(attempt + 1); }}>
              Try again
            </button>
          </>
        ) : (
          <p aria-busy="true">Starting your cluster…</p>
        )}
      </main>
    </div>
  );
}
