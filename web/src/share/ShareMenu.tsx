// One button, three links: a snapshot (everyone gets a copy), the edit link (it carries the edit
// key, the only place the page still shows it), the watch link; and the session's kubeconfigs, for
// a learner's own kubectl (read-only, and the editor's, whose token is the edit key).
import { useEffect, useRef, useState } from "preact/hooks";
import { copyText } from "../lib/clipboard.ts";
import { absolute, sessionPath } from "../lib/route.ts";
import { usePopover } from "../lib/use-popover.ts";

export interface ShareMenuProps {
  sessionId?: string;
  editKey?: string;
  /** Freezes the current state and returns the snapshot's id. */
  snapshot(): Promise<string>;
}

type Kind = "snapshot" | "live" | "watch";

export function ShareMenu(props: ShareMenuProps) {
  const { open, setOpen, root } = usePopover<HTMLDivElement>();
  const [link, setLink] = useState<{ kind: Kind; url: string; copied: boolean } | null>(null);
  const [busy, setBusy] = useState<Kind | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The link just made takes the focus: the button chosen is disabled while it worked, and the
  // keyboard must not fall back to the page's start.
  const linkInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (link) linkInput.current?.focus();
  }, [link]);

  const share = async (kind: Kind) => {
    setBusy(kind);
    setError(null);
    try {
      const url =
        kind === "snapshot"
          ? absolute(`/p/${await props.snapshot()}`)
          : absolute(sessionPath(props.sessionId!, kind === "live" ? props.editKey : undefined));
      const copied = await copyText(url);
      setLink({ kind, url, copied });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  // The editor's kubeconfig needs the key in a header, so the page fetches it and saves a Blob.
  const downloadKubeconfig = async (withKey: boolean) => {
    setError(null);
    try {
      const response = await fetch(`/api/sessions/${props.sessionId}/kubeconfig`, withKey && props.editKey ? { headers: { Authorization: `Bearer ${props.editKey}` } } : {});
      if (!response.ok) throw new Error(`kubeconfig: ${response.status}`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([await response.text()], { type: "application/yaml" }));
      link.download = "playground.kubeconfig";
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  // kubectl sends a token only over TLS: npm start's plain http address gives a kubeconfig that reads only.
  const plainHttp = location.protocol === "http:";

  const item = (kind: Kind, title: string, detail: string, enabled = true) =>
    enabled && (
      <li>
        <button type="button" class={kind === "live" ? "share-item edit" : "share-item"} data-share={kind} onClick={() => share(kind)} disabled={busy !== null}>
          <strong>{title}</strong>
          <span>{detail}</span>
        </button>
      </li>
    );

  return (
    <div class="share" ref={root}>
      <button type="button" class="share-button primary" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)}>
        Share
      </button>
      {open && (
        <div class="share-menu" role="dialog" tabIndex={-1} aria-label="Share this cluster">
          <ul>
            {item("snapshot", "Copy link", "others get their own copy")}
            {item("live", "Edit link", "anyone with it can change this cluster", !!props.sessionId && !!props.editKey)}
            {item("watch", "Watch link", "read-only", !!props.sessionId)}
          </ul>
          {props.sessionId && (
            <div class="share-kubeconfig">
              <p>Your own kubectl:</p>
              <button type="button" class="share-item" data-kubeconfig="read-only" onClick={() => downloadKubeconfig(false)}>
                <strong>kubeconfig</strong>
                <span>read-only: get, describe, watch, logs</span>
              </button>
              {props.editKey && (
                <button type="button" class="share-item edit" data-kubeconfig="edit" onClick={() => downloadKubeconfig(true)}>
                  <strong>Editor's kubeconfig</strong>
                  <span>holds the edit key: may change this cluster</span>
                </button>
              )}
              <code class="share-hint">kubectl --kubeconfig playground.kubeconfig get pods</code>
              {plainHttp && props.editKey && (
                <p class="share-note" role="note">
                  kubectl sends the editor's token only over https: with npm start, open the page at its https address (8788 beside 8787) to download one that may write.
                </p>
              )}
            </div>
          )}
          {link && (
            <div class="share-result">
              <input ref={linkInput} class="share-url" readOnly value={link.url} data-kind={link.kind} aria-label="Link" onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
              <span class="copied" role="status">
                {link.copied ? "Copied" : "Select and copy the link"}
              </span>
            </div>
          )}
          {link?.kind === "live" && (
            <p class="share-warning" role="note">
              This link holds the edit key: share it only with people who may change this cluster.
            </p>
          )}
          {error && <p class="error" role="alert">{error}</p>}
        </div>
      )}
    </div>
  );
}
