/** The first thing a newcomer can do: break the demo and roll it back. */
export function DemoCallout({ targetName }: { targetName: string }) {
  return (
    <div className="rounded-lg border border-sky-900/80 bg-sky-950/30 px-4 py-3 text-sm text-sky-100">
      <span className="mr-2 rounded bg-sky-900/70 px-1.5 py-0.5 text-xs font-semibold tracking-wide text-sky-200 uppercase">
        Demo
      </span>
      Deploy <span className="font-mono">v1.1.0</span> (broken: fails ~20% of requests) to{" "}
      <span className="font-mono">{targetName}</span> with{" "}
      <a href="#runbook-deploy" className="font-medium underline underline-offset-2 hover:text-white">
        Deploy a release
      </a>
      , then roll it back with{" "}
      <a href="#runbook-app-code" className="font-medium underline underline-offset-2 hover:text-white">
        Application code rollback
      </a>
      .
    </div>
  );
}
