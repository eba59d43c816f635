"use client";

import type { ReactNode } from "react";
import { useTargets } from "../api/queries";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";

/** The targets of targets.json as an admin reads them; changed on the server, not here. */
export function TargetsSection() {
  const targets = useTargets();
  const data = targets.data;
  return (
    <Card>
      <div className="border-b border-zinc-800 px-4 py-2">
        <h2 className="text-sm font-semibold text-zinc-200">Targets</h2>
        <p className="text-xs text-zinc-500">
          Configured in <code className="font-mono text-zinc-400">{data?.file ?? "targets.json"}</code> on the Backout
          server, checked at start-up; restart Backout after editing it. Not editable here on purpose: these commands
          run on that machine, so changing them takes access to it.
        </p>
      </div>
      {targets.error && <p className="px-4 py-2 text-sm text-red-300">{targets.error.message}</p>}
      <ul className="divide-y divide-zinc-800">
        {(data?.targets ?? []).map((t) => (
          <li key={t.name} data-testid={`target-${t.name}`}>
            <details className="group px-4 py-2" open={data?.targets.length === 1}>
              <summary className="flex cursor-pointer list-none items-center gap-2 text-sm focus-visible:outline-2 focus-visible:outline-sky-400">
                <span aria-hidden className="text-zinc-500 transition-transform group-open:rotate-90">
                  ›
                </span>
                <span className="font-mono text-zinc-100">{t.name}</span>
                {t.name === data?.defaultTarget && <Badge tone="sky">default</Badge>}
                <span className="min-w-0 truncate text-xs text-zinc-500">{t.description}</span>
              </summary>
              {t.config && (
                <dl className="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 text-xs sm:grid-cols-[10rem_minmax(0,1fr)]">
                  <Row label="Repository">{t.config.repoPath}</Row>
                  <Row label="Releases">{t.config.releasePattern}</Row>
                  {Object.entries(t.config.commands).map(([name, argv]) => (
                    <Row key={name} label={`Command: ${name}`}>
                      {argv}
                    </Row>
                  ))}
                  <Row label="HTTP">{t.config.http.baseUrl}</Row>
                  <Row label="Redis">
                    {t.config.redis.url} · queues {t.config.redis.queues.join(", ") || "none"} · cache{" "}
                    {t.config.redis.cachePatterns.join(", ") || "none"}
                  </Row>
                  <Row label="Postgres">{t.config.postgres.url}</Row>
                  <Row label="Backups">
                    {t.config.postgres.backupDir} (keeps {t.config.postgres.keepBackups})
                  </Row>
                  <Row label="Log file">{t.config.logFile}</Row>
                  {t.config.envKeys.length > 0 && <Row label="Environment">{t.config.envKeys.join(", ")}</Row>}
                </dl>
              )}
            </details>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="font-mono break-all text-zinc-300">{children}</dd>
    </>
  );
}
