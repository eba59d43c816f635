"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { cn } from "./cn";

export type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  /** Buttons row; rendered right-aligned under the content. */
  footer?: ReactNode;
  tone?: "default" | "danger";
  /** "wide" for editors (a message, a long list). */
  size?: "default" | "wide";
};

/**
 * A modal on the native <dialog>: the browser traps focus, closes it on Escape and restores
 * focus afterwards. Put data-autofocus on the element that should take focus when it opens.
 */
export function Dialog({ open, onClose, title, children, footer, tone = "default", size = "default" }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose(); // a click on the backdrop
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] rounded-xl",
        size === "wide" ? "max-w-3xl" : "max-w-lg",
        " border bg-zinc-900 p-0 text-zinc-100 shadow-2xl backdrop:bg-black/70 backdrop:backdrop-blur-[2px]",
        tone === "danger" ? "border-red-800" : "border-zinc-700",
      )}
    >
      {open && (
        <div className="flex flex-col gap-4 p-5">
          <h2 id={titleId} className="text-base font-semibold text-zinc-50">
            {title}
          </h2>
          <div className="text-sm text-zinc-300">{children}</div>
          {footer && <div className="flex flex-wrap justify-end gap-2">{footer}</div>}
        </div>
      )}
    </dialog>
  );
}
