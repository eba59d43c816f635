import type { Viewport } from "next";
import Link from "next/link";
import { env } from "@/lib/env";

// The public status page: no sign-in, no console header, a light page any stakeholder can read.
export const viewport: Viewport = { themeColor: "#ffffff", colorScheme: "light" };

export default function StatusLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="public-page min-h-screen bg-zinc-100 text-zinc-900">
      <header className="border-b border-zinc-300 bg-white">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-4">
          <Link
            href="/status"
            className="text-xl font-bold tracking-tight text-zinc-950 focus-visible:outline-2 focus-visible:outline-sky-700"
          >
            {env.STATUS_PAGE_NAME}
          </Link>
          <nav aria-label="Subscribe" className="flex gap-3 text-sm">
            <a href="/status/history.atom" className="text-sky-800 underline underline-offset-2 hover:text-sky-950">
              Atom feed
            </a>
            <a href="/api/v2/summary.json" className="text-sky-800 underline underline-offset-2 hover:text-sky-950">
              JSON
            </a>
          </nav>
        </div>
      </header>
      <main className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6">{children}</main>
      <footer className="mx-auto max-w-3xl px-4 pb-8 text-xs text-zinc-600">
        This page updates by itself. Times are in UTC. Powered by Backout.
      </footer>
    </div>
  );
}
