import type { Tone } from "../ui/badge";

/** A deploy's status in words, for its page, the target page and the incident list. */
export const DEPLOY_STATUS: Record<string, { words: string; tone: Tone }> = {
  watching: { words: "Watching", tone: "sky" },
  passed: { words: "Kept: passed", tone: "green" },
  marginal: { words: "Kept: marginal", tone: "amber" },
  failed: { words: "Failed", tone: "red" },
  pending_rollback: { words: "Rolling back soon — veto?", tone: "orange" },
  vetoed: { words: "Vetoed: kept", tone: "zinc" },
  rolling_back: { words: "Rolling back", tone: "orange" },
  restored: { words: "Rolled back: health restored", tone: "green" },
  still_unhealthy: { words: "Rolled back: still unhealthy", tone: "red" },
  superseded: { words: "Superseded by a later deploy", tone: "zinc" },
};

export const deployStatus = (s: string) => DEPLOY_STATUS[s] ?? { words: s.replaceAll("_", " "), tone: "zinc" as Tone };

/** Still being watched or rolled back. */
export const isDeployOpen = (s: string) => s === "watching" || s === "pending_rollback" || s === "rolling_back";
