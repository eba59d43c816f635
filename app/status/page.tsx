import type { Metadata } from "next";
import { env } from "@/lib/env";
import { publicState } from "@/lib/public/live";
import { StatusPageLive } from "@/components/status/status-live";

export const dynamic = "force-dynamic";
export const metadata: Metadata = {
  title: env.STATUS_PAGE_NAME,
  alternates: { types: { "application/atom+xml": "/status/history.atom" } },
};

/** Served from the shared snapshot (no database per request); live in the browser, refreshed without JavaScript. */
export default async function StatusPage() {
  const { state } = await publicState().get();
  return (
    <>
      {/* With JavaScript off the page is still right: it reloads itself every 30 s. */}
      <noscript>
        <meta httpEquiv="refresh" content="30" />
      </noscript>
      <h1 className="sr-only">{env.STATUS_PAGE_NAME}</h1>
      <StatusPageLive initial={state} />
    </>
  );
}
