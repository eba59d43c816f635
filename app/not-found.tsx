import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-3 px-4 py-16">
      <p className="font-mono text-sm text-zinc-500">404</p>
      <h1 className="text-2xl font-semibold text-zinc-50">Nothing here</h1>
      <p className="text-zinc-400">
        That page or run does not exist. Run links look like{" "}
        <span className="font-mono text-zinc-300">/runs/&lt;uuid&gt;</span>; a run created on another Backout database
        will not be found on this one.
      </p>
      <div className="flex gap-4 text-sm">
        <Link href="/" className="font-medium text-sky-300 underline underline-offset-2 hover:text-sky-200">
          Runbooks and recent runs
        </Link>
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a JSON answer, not a page */}
        <a href="/api/runs?limit=15" className="text-zinc-400 underline underline-offset-2 hover:text-zinc-200">
          GET /api/runs
        </a>
      </div>
    </main>
  );
}
