"use client";

import "./globals.css";

/** Last resort when the root layout itself fails; keeps the dark theme and a way back. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <main className="mx-auto flex max-w-xl flex-col gap-4 px-4 py-16">
          <h1 className="text-2xl font-semibold text-zinc-50">Backout could not start this page</h1>
          <p className="text-zinc-400">
            Check{" "}
            <a href="/health" className="font-mono text-sky-300 underline">
              /health
            </a>{" "}
            and the server log
            {error.digest ? ` (error id ${error.digest})` : ""}. Runs already started keep going in the worker.
          </p>
          <button
            type="button"
            onClick={reset}
            className="w-fit rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white hover:bg-blue-500"
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
