import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { prometheusText } from "@/lib/metrics/prometheus";

export const dynamic = "force-dynamic";

// Prometheus scrapes this with an API token (a viewer's is enough):
//   scrape_configs: [{ job_name: backout, metrics_path: /metrics, authorization: { credentials: bk_… } }]
export const GET = route(
  { role: "viewer", produces: "text/plain", summary: "Prometheus metrics (text exposition format)" },
  async () =>
    new Response(await prometheusText(db()), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    }),
);
