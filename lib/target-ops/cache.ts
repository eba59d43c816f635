import "server-only";
import { AppError } from "../errors";
import { createTargetRedis } from "../redis";
import type { Target } from "../targets/schema";

/** plan §4.3 gradual invalidation: DELETE /api/cache/{entity}/{id}. */
export async function invalidateEntity(target: Target, entity: "project" | "analysis", id: string) {
  const template = target.redis.entityKeys[entity];
  if (!template)
    throw new AppError(
      "NOT_FOUND",
      `Target "${target.name}" has no ${entity} cache key configured (targets file: redis.entityKeys.${entity})`,
    );
  const key = template.replace("{id}", id);
  const r = createTargetRedis(target.redis.url);
  try {
    const deleted = await r.unlink(key);
    return { key, deleted };
  } catch (e) {
    throw new AppError("UNAVAILABLE", `Cannot reach ${target.name}'s Redis (${(e as Error).message})`);
  } finally {
    r.disconnect();
  }
}
