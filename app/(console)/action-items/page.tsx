import Link from "next/link";
import { db } from "@/lib/db/client";
import { requireActor } from "@/lib/auth/current";
import { listActionItems } from "@/lib/postmortems/store";

export const dynamic = "force-dynamic";
export const metadata = { title: "Action items · Backout" };

// plan §8.1 "Action Items" across incidents: what the post-mortems said must change, and whether it has.
export default async function ActionItemsPage() {
  await requireActor("/action-items");
  const items = await listActionItems(db(), "all");
  const today = new Date().toISOString().slice(0, 10);
  const open = items.filter((a) => !a.isDone);
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-zinc-50">Action items</h1>
      <p className="text-sm text-zinc-400">
        {open.length} open, {items.length - open.length} done, across incidents. They are added and ticked on each
        incident&apos;s post-mortem.
      </p>
      <table className="w-full text-left text-sm" data-testid="action-items">
        <thead className="text-xs text-zinc-500">
          <tr>
            <th className="py-1">Action</th>
            <th>Owner</th>
            <th>Due</th>
            <th>State</th>
            <th>Incident</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => {
            const isLate = !a.isDone && !!a.dueDate && a.dueDate < today;
            return (
              <tr
                key={a.id}
                className="border-t border-zinc-800 align-top text-zinc-300"
                data-testid="action-items-row"
                data-done={a.isDone}
              >
                <td className="py-1.5 pr-3">{a.title}</td>
                <td className="pr-3">{a.owner || <span className="text-zinc-600">none</span>}</td>
                <td className={isLate ? "pr-3 font-medium text-red-300" : "pr-3"}>
                  {a.dueDate ?? "—"}
                  {isLate ? " (late)" : ""}
                </td>
                <td className="pr-3">
                  {a.isDone ? (
                    <span className="text-emerald-300">done{a.doneBy ? ` by ${a.doneBy}` : ""}</span>
                  ) : (
                    "open"
                  )}
                </td>
                <td>
                  <Link href={`/incidents/${a.incidentId}/postmortem`} className="text-sky-400 hover:underline">
                    {a.incident.severity} {a.incident.title}
                  </Link>
                </td>
              </tr>
            );
          })}
          {!items.length && (
            <tr>
              <td colSpan={5} className="py-3 text-zinc-500">
                No action items yet: they come from post-mortems.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </main>
  );
}
