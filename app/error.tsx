"use client";

import Link from "next/link";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <main className="mx-auto flex max-w-xl flex-col gap-4 px-4 py-16">
      <h1 className="text-2xl font-semibold text-zinc-50">This page could not load</h1>
      <p className="text-zinc-400">
        Backout could not read what this page needs, usually because Postgres, Redis or the targets file is unavailable.
        Runs already started keep going in the worker; nothing was changed by this error.
      </p>
      <ul className="list-disc pl-5 text-sm text-zinc-400">
        <li>
          Check{" "}
          <a href="/health" className="font-mono text-sky-300 underline underline-offset-2">
            /health
          </a>
          : it names what is down.
        </li>
        <li>
          The server log has the details
          {error.digest ? (
            <>
              {" "}
              (error id <span className="font-mono text-zinc-300">{error.digest}</span>)
            </>
          ) : null}
          .
        </li>
      </ul>
      {/* In production Next replaces a server error's message with a generic one, so this never leaks internals. */}
      {error.message && (
        <pre className="overflow-auto rounded-md border border-red-900 bg-red-950/40 p-3 font-mono text-xs whitespace-pre-wrap text-red-200">
          {error.message}
        </pre>
      )}
      <div className="flex gap-2">
        <Button variant="primary" onClick={reset}>
          Try again
        </Button>
        <Link
          href="/"
          className="inline-flex h-10 items-center rounded-md px-4 text-sm text-zinc-300 hover:bg-zinc-800"
        >
          Go to runbooks
        </Link>
      </div>
    </main>
  );
}
