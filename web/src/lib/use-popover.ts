// A button's popover menu: open until Escape or a press outside its root element. It manages
// focus as a dialog must (WCAG 2.4.3): opening moves the focus to its first button, Escape gives
// it back to the button that opened it.
import { useEffect, useRef, useState } from "preact/hooks";

export function usePopover<T extends HTMLElement>() {
  const [open, setOpen] = useState(false);
  const root = useRef<T>(null);

  useEffect(() => {
    if (!open) return;
    // The dialog itself when it has no button yet (a list still loading).
    const first = root.current?.querySelector<HTMLElement>("[role=dialog] button:not([disabled]), [role=dialog] input") ?? root.current?.querySelector<HTMLElement>("[role=dialog]");
    first?.focus();
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent) {
        if (event.key !== "Escape") return;
        setOpen(false);
        // The opening button is the root's first focusable element.
        root.current?.querySelector<HTMLElement>("button")?.focus();
      } else if (!root.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener("pointerdown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("pointerdown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return { open, setOpen, root };
}
