import "server-only";
import { createTargetRedis } from "../../redis";
import { StepFailure, throwIfAborted, type StepContext, type StepResult } from "../context";
import type { StepOf } from "../schema";

/** Deletes keys matching a glob with SCAN + UNLINK, never KEYS (which blocks Redis). */
export async function deleteByPattern(
  redisUrl: string,
  pattern: string,
  signal?: AbortSignal,
  onBatch?: (deletedSoFar: number) => void,
): Promise<number> {
  const r = createTargetRedis(redisUrl);
  try {
    let cursor = "0";
    let deleted = 0;
    do {
      if (signal) throwIfAborted(signal);
      const [next, found] = await r.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (found.length) {
        deleted += await r.unlink(...found);
        onBatch?.(deleted);
      }
    } while (cursor !== "0");
    return deleted;
  } finally {
    r.disconnect();
  }
}

export async function runCache(spec: StepOf<"cache">, ctx: StepContext): Promise<StepResult> {
  switch (spec.action) {
    case "flush": {
      // FLUSHDB, not FLUSHALL: the target's cache is its logical database; FLUSHALL would also
      // wipe every other database on the same server (including Backout's own queue).
      const r = createTargetRedis(spec.redisUrl);
      try {
        const before = await r.dbsize();
        await r.flushdb();
        ctx.output("info", `FLUSHDB on ${redactRedis(spec.redisUrl)}: ${before} keys removed`);
        return { removed: before };
      } finally {
        r.disconnect();
      }
    }
    case "delete-pattern": {
      const deleted = await deleteByPattern(spec.redisUrl, spec.pattern!, ctx.signal, (n) =>
        ctx.output("info", `deleted ${n} keys matching ${spec.pattern} so far`),
      );
      ctx.output("info", `deleted ${deleted} keys matching ${spec.pattern}`);
      return { deleted, pattern: spec.pattern };
    }
    case "ping": {
      const r = createTargetRedis(spec.redisUrl);
      try {
        const pong = await r.ping();
        ctx.output("stdout", pong);
        if (pong !== "PONG") throw new StepFailure(`Redis answered ${pong} to PING`);
        return { pong };
      } finally {
        r.disconnect();
      }
    }
    case "warm": {
      ctx.output("info", `POST ${spec.warmUrl}`);
      let res: Response;
      try {
        res = await fetch(spec.warmUrl!, { method: "POST", signal: ctx.signal });
      } catch (e) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw new StepFailure(`POST ${spec.warmUrl} failed (${(e as Error).message}); is the target running?`);
      }
      const body = await res.text();
      ctx.output("stdout", body.slice(0, 2000));
      if (!res.ok) throw new StepFailure(`cache warm answered ${res.status}`);
      return { status: res.status };
    }
  }
}

export function redactRedis(url: string): string {
  const u = new URL(url);
  u.password = u.password ? "***" : "";
  return u.toString();
}
