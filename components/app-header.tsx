"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { ApiError } from "./api/client";
import { useHealth, useMe, useVersion } from "./api/queries";
import { UserMenu } from "./auth/user-menu";
import { NavLinks } from "./nav-links";
import { Badge } from "./ui/badge";
import type { RunnersDetail } from "./api/types";

/** Backout, the target, what it runs and whether Backout itself is healthy; refreshed every 10 s. */
export function AppHeader() {
  const pathname = usePathname();
  // The sign-in page asks nothing of the API (a signed-out browser would only collect 401s).
  const meQuery = useMe({ enabled: pathname !== "/sign-in" });
  const me = meQuery.data;
  const isPasswordPending = !!me?.user?.mustChangePassword;
  // On an incident's page, the incident's target; until a one-time password is replaced the server answers nothing but who you are.
  const incidentId = /^\/incidents\/([0-9a-f-]{36})$/.exec(pathname ?? "")?.[1];
  const version = useVersion({ enabled: !!me && !isPasswordPending, incidentId });
  const health = useHealth();
  const v = version.data;
  // /health answers 503 with its checks when something is down; anything else without checks is unknown.
  const h = health.data?.checks ? health.data : undefined;
  const versionError =
    version.error instanceof ApiError && (version.error.status === 401 || version.error.status === 403)
      ? "sign in to see the version"
      : "version unreachable";
  const running = v?.running?.version;
  const checkedOut = v?.checkedOut.release;
  const isMismatch = !!running && !!checkedOut && checkedOut.replace(/^v/, "") !== running.replace(/^v/, "");

  // Signed out (the sign-in page, an expired session): nothing to report about targets or runs.
  if (pathname === "/sign-in" || meQuery.isError)
    return (
      <header className="border-b border-zinc-800 bg-zinc-950/90 print:hidden">
        <div className="mx-auto flex max-w-7xl items-center gap-3 px-4 py-2.5 sm:px-6">
          <span className="text-lg font-bold tracking-tight text-zinc-50">Backout</span>
          <a
            href="/status"
            className="ml-auto text-sm text-zinc-400 underline-offset-2 hover:text-zinc-200 hover:underline"
          >
            Service status
          </a>
        </div>
      </header>
    );

  return (
    <header className="relative z-20 border-b border-zinc-800 sm:sticky sm:top-0 bg-zinc-950/90 backdrop-blur print:hidden">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-1.5 px-4 py-2.5 sm:px-6">
        <Link
          href="/"
          className="rounded text-lg font-bold tracking-tight text-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-400"
        >
          Backout
        </Link>
        <span aria-hidden className="text-zinc-700">
          /
        </span>
        {v?.target ? (
          <Link
            href={`/targets/${v.target}`}
            data-testid="header-target"
            className="rounded font-mono text-sm text-zinc-200 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-400"
            title="The target's queue, cache and database controls"
          >
            {v.target}
          </Link>
        ) : (
          <span className="font-mono text-sm text-zinc-500">…</span>
        )}
        <div className="flex flex-wrap items-center gap-1.5">
          {version.isError ? (
            <Badge tone="amber" title={version.error?.message}>
              {versionError}
            </Badge>
          ) : v && !v.running ? (
            <Badge tone="red" title={v.error}>
              not responding
            </Badge>
          ) : (
            <Badge
              tone={isMismatch ? "amber" : "zinc"}
              title={v?.running?.sha ? `running sha ${v.running.sha}` : undefined}
            >
              running <span className="font-mono text-zinc-100">{running ? `v${running.replace(/^v/, "")}` : "…"}</span>
            </Badge>
          )}
          {isMismatch && <Badge tone="amber">checked out {checkedOut}</Badge>}
        </div>
        {me && !isPasswordPending && <NavLinks role={me.actor.role} />}
        <div className="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-x-3 gap-y-1.5">
          <Badge
            tone={!h ? "zinc" : h.status === "ok" ? "green" : "red"}
            title={
              h
                ? Object.entries(h.checks)
                    .map(([k, c]) => `${k}: ${c.ok ? "ok" : c.error}`)
                    .join("\n")
                : "checking…"
            }
          >
            <span aria-hidden className="inline-block size-1.5 rounded-full bg-current" />
            {!h
              ? health.isError || health.data
                ? "Backout health unknown"
                : "Backout …"
              : h.status === "ok"
                ? "Backout healthy"
                : `Backout down: ${h.down.join(", ")}`}
          </Badge>
          <RunnerPools detail={h?.checks.worker?.detail as RunnersDetail | undefined} />
          {me && <UserMenu me={me} />}
        </div>
      </div>
      {isPasswordPending && pathname !== "/change-password" && (
        <div role="status" data-testid="must-change-password" className="border-t border-amber-900 bg-amber-950/60">
          <p className="mx-auto max-w-7xl px-4 py-1.5 text-sm text-amber-200 sm:px-6">
            You are using a temporary password.{" "}
            <Link
              href="/change-password"
              className="font-medium text-amber-100 underline underline-offset-2 hover:text-white"
            >
              Choose your own password →
            </Link>
          </p>
        </div>
      )}
    </header>
  );
}

/** Each runner pool and its live runners (from /health): a pool a target names with none is amber. */
function RunnerPools({ detail }: { detail: RunnersDetail | undefined }) {
  if (!detail?.pools) return null;
  const pools = Object.entries(detail.pools);
  const isShort = pools.some(([, n]) => n === 0);
  return (
    <Badge
      tone={isShort ? "amber" : "zinc"}
      data-testid="runner-pools"
      title={detail.waiting?.join("\n") ?? "live runners per pool"}
    >
      runners {pools.map(([pool, n]) => `${pool} ${n}`).join(" · ")}
    </Badge>
  );
}
