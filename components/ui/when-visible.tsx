"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * Mounts `children` once the place they go scrolls near the screen. A panel that asks the server
 * for something (§3 information, queue and cache state, backups) costs nothing while nobody looks
 * at it: twenty incident pages open on a wall display read only what they show. The placeholder
 * keeps the panel's height so the page does not jump.
 */
export function WhenVisible({ children, minHeight, name }: { children: ReactNode; minHeight: number; name: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [isShown, setIsShown] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || isShown) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- no observer in this browser: show at once
    if (typeof IntersectionObserver === "undefined") return setIsShown(true);
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setIsShown(true), {
      rootMargin: "300px 0px",
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, [isShown]);
  if (isShown) return <>{children}</>;
  return (
    <div
      ref={ref}
      data-testid={`waiting-${name}`}
      style={{ minHeight }}
      className="rounded-lg border border-dashed border-zinc-800 px-4 py-3 text-xs text-zinc-600"
    >
      Loads when scrolled into view
    </div>
  );
}
