"use client";

import type { PitrComparison } from "@/lib/schemas/pitr";
import { cn } from "../ui/cn";

/** The compare step's result, if the step has one. */
export function comparisonOf(result: unknown): PitrComparison | null {
  const c = (result as { comparison?: PitrComparison } | null)?.comparison;
  return c && Array.isArray(c.tables) && Array.isArray(c.queries) ? c : null;
}

const time = (iso: string | null) => (iso ? iso.replace("T", " ").replace("Z", "") : "—");

/** The live database and the restored copy side by side: what a swap would change, for the approver. */
export function ComparisonTable({ comparison }: { comparison: PitrComparison }) {
  return (
    <div data-testid="pitr-comparison" className="overflow-x-auto rounded-md border border-zinc-800 bg-zinc-950/70">
      <table className="w-full text-left text-xs tabular-nums">
        <thead className="text-zinc-500">
          <tr className="border-b border-zinc-800">
            <th className="px-2 py-1.5 font-medium">Table</th>
            <th className="px-2 py-1.5 font-medium">Live rows</th>
            <th className="px-2 py-1.5 font-medium">Copy rows</th>
            <th className="px-2 py-1.5 font-medium">Difference</th>
            <th className="px-2 py-1.5 font-medium">Newest row, live</th>
            <th className="px-2 py-1.5 font-medium">Newest row, copy</th>
          </tr>
        </thead>
        <tbody>
          {comparison.tables.map((t) => (
            <tr key={t.table} data-testid={`pitr-table-${t.table}`} className="border-b border-zinc-900 text-zinc-300">
              <td className="px-2 py-1 font-mono">{t.table}</td>
              <td className="px-2 py-1">{t.live.rows}</td>
              <td className="px-2 py-1">{t.copy.rows}</td>
              <td
                className={cn(
                  "px-2 py-1 font-medium",
                  t.rowsDifference < 0 ? "text-amber-300" : t.rowsDifference > 0 ? "text-sky-300" : "text-zinc-500",
                )}
              >
                {t.rowsDifference > 0 ? "+" : ""}
                {t.rowsDifference}
              </td>
              <td className="px-2 py-1 font-mono">{time(t.live.newest)}</td>
              <td className="px-2 py-1 font-mono">{time(t.copy.newest)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {comparison.queries.length > 0 && (
        <ul className="flex flex-col gap-0.5 px-2 py-1.5 text-xs">
          {comparison.queries.map((q) => (
            <li key={q.name} className={q.isSame ? "text-zinc-400" : "text-amber-300"}>
              {q.isSame ? "=" : "≠"} {q.name}: {q.isSame ? "the same on both" : "differs between live and copy"}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
