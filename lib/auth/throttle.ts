import "server-only";
import crypto from "node:crypto";
import type { Redis } from "ioredis";
import { env } from "../env";
import { AppError } from "../errors";
import { log } from "../log";

// Wrong passwords, counted per account and per client address in Redis (so every web process
// agrees) over a fixed window. Past the limit a sign-in is refused before any password is checked.
export const SIGN_IN_WINDOW_S = 15 * 60;
export const ACCOUNT_LIMIT = 10;
export const ADDRESS_LIMIT = 30;

const hash = (s: string) => crypto.createHash("sha256").update(s).digest("hex").slice(0, 32);
const keys = (email: string, address: string) => ({
  account: `${env.BACKOUT_REDIS_PREFIX}:sign-in:account:${hash(email.toLowerCase())}`,
  address: `${env.BACKOUT_REDIS_PREFIX}:sign-in:address:${hash(address)}`,
});

/** Refuses (429 with Retry-After) when the account or the address has used up its wrong guesses. */
export async function assertSignInAllowed(redis: Redis, email: string, address: string): Promise<void> {
  const k = keys(email, address);
  let counts: [number, number, number, number];
  try {
    const r = await redis.multi().get(k.account).ttl(k.account).get(k.address).ttl(k.address).exec();
    counts = (r ?? []).map(([, v]) => Number(v ?? 0)) as [number, number, number, number];
  } catch (e) {
    // Redis down: signing in during an incident matters more than counting guesses; say so in the log.
    log.warn({ err: (e as Error).message }, "sign-in throttle unavailable (Redis); allowing the attempt");
    return;
  }
  const [byAccount, accountTtl, byAddress, addressTtl] = counts;
  const wait = byAccount >= ACCOUNT_LIMIT ? accountTtl : byAddress >= ADDRESS_LIMIT ? addressTtl : 0;
  if (wait > 0)
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `Too many wrong passwords ${byAccount >= ACCOUNT_LIMIT ? "for this account" : "from this address"}; try again in ${Math.ceil(wait / 60)} min, or ask an admin to reset the password`,
      { headers: { "retry-after": String(wait) }, details: { retryAfterSeconds: wait } },
    );
}

export async function recordSignInFailure(redis: Redis, email: string, address: string): Promise<void> {
  const k = keys(email, address);
  await redis
    .multi()
    .incr(k.account)
    .expire(k.account, SIGN_IN_WINDOW_S, "NX")
    .incr(k.address)
    .expire(k.address, SIGN_IN_WINDOW_S, "NX")
    .exec()
    .catch(() => {});
}

/** A right password clears the account's count (the address keeps its own). */
export async function clearSignInFailures(redis: Redis, email: string, address: string): Promise<void> {
  await redis.del(keys(email, address).account).catch(() => {});
}
