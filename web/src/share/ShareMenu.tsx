// One button, three links: a snapshot (everyone gets a copy), the edit link (it carries the edit
// key, the only place the page still shows it), the watch link.
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
