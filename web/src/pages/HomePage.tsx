// `/`: a new session, then its page at `/s/<id>`. The edit key goes into localStorage. When this
// browser has a playground with work in it, `/` offers to resume it first (and lists the others);
// `/?new` always starts a new one.
import { useEffect, useState } from "preact/hooks";
import { createSession } from "../api/client.ts";
import { keepKeyOutOfAddressBar } from "../lib/edit-key.ts";
import { storage, type RecentPlayground } from "../lib/storage.ts";
import { TopBar } from "./TopBar.tsx";

export function HomePage(props: { fresh?: boolean; onCreated(id: string, key: string): void; onResume(id: string): void }) {
  const [recent] = useState(() => storage.recent().filter((r) => r.commands > 0 && storage.editKey(r.id) !== null));
  const [starting, setStarting] = useState(() => props.fresh === true || recent.length === 0);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!starting) return;
    let cancelled = false;
    createSession({}).then(
      ({ id, editKey }) => {
        if (cancelled) return;
        // `/?new` asked for this one; the session's address does not carry the question on.
        if (new URLSearchParams(location.search).has("new")) history.replaceState(history.state, "", "/");
        keepKeyOutOfAddressBar(id, editKey);
        props.onCreated(id, editKey);
      },
      (e) => !cancelled && setError((e as Error).message),
    );
    return () => {
      cancelled = true;
    };
  }, [attempt, starting]);
  const resume = (id: string) => {
    history.pushState(null, "", `/s/${id}`);
    props.onResume(id);
  };
  if (!starting) {
    const [last, ...others] = recent;
    return (
      <div class="playground">
        <TopBar />
        <main class="starting resume">
          <h2>Welcome back</h2>
          <p>Your last cluster is still there: {described(last)}.</p>
          <p class="resume-actions">
            <button type="button" class="primary" autoFocus onClick={() => resume(last.id)}>
              Resume my last playground
            </button>{" "}
            <button type="button" onClick={() => setStarting(true)}>
              Start a new cluster
            </button>
          </p>
          {others.length > 0 && (
            <>
              <h3>Your recent playgrounds in this browser</h3>
              <ul class="recent-list">
                {others.map((r) => (
                  <li key={r.id}>
                    <a href={`/s/${r.id}`}>/s/{r.id}</a> — {described(r)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </main>
      </div>
    );
  }
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

function described(r: RecentPlayground): string {
  const when = new Date(r.at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return `${r.commands === 1 ? "1 command" : `${r.commands} commands`}, last used ${when}`;
}
