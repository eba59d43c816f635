import { route } from "@/lib/http/route";
import { checklists } from "@/lib/plan";

export const dynamic = "force-dynamic";

// The plan's checklists (§3, §6, §8.2, §9) as data: ids, texts in the plan's words, probes.
export const GET = route({ role: "viewer" }, async () => ({ checklists }));
