"use client";

import { useLayoutEffect, useRef } from "react";
import { cn } from "../ui/cn";
import type { LogLine } from "./use-run-events";

const streamClass: Record<LogLine["stream"], string> = {
  stdout: "text-zinc-200",
  stderr: "text-amber-200/90 bg-amber-500/5",
  info: "text-zinc-500",
};

type Props = { lines: LogLine[]; isOpen: boolean; isLive: boolean; testId: string; emptyText: string };

/** A step's output, streaming; sticks to the bottom while the reader is there, stays put when they scroll up. */
export function StepLog({ lines, isOpen, isLive, testId, emptyText }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const isFollowing = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && isOpen && isFollowing.current) el.scrollTop = el.scrollHeight;
  }, [lines.length, isOpen]);

  return (
    <div
      ref={ref}
      data-testid={testId}
      hidden={!isOpen}
      role="log"
      aria-live={isLive ? "polite" : "off"}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        isFollowing.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
      className="max-h-80 overflow-auto rounded-md border border-zinc-800 bg-black/60 px-3 py-2 font-mono text-xs leading-5 focus-visible:outline-2 focus-visible:outline-sky-400"
    >
      {lines.length ? (
        lines.map((l) => (
          <div key={l.seq} className={cn("break-all whitespace-pre-wrap", streamClass[l.stream])}>
            {l.line || "\u00a0"}
          </div>
        ))
      ) : (
        <div className="text-zinc-600 italic">{emptyText}</div>
      )}
    </div>
  );
}
