import "server-only";
import crypto from "node:crypto";
import type { Redis } from "ioredis";
import { redisPrefix } from "../redis";
import { AppError } from "../errors";
import { log } from "../log";

// Wrong passwords, counted per account and per client address in Redis (so every web process
// agrees) over a fixed window. Past the limit a sign-in is refused before any password is checked.
export const SIGN_IN_WINDOW_S = 15 * 60;
export const ACCOUNT_LIMIT = 10;
export const ADDRESS_LIMIT = 30;

const hash = (s: string) => crypto.createHash("sha256").update(s).digest("hex").slice(0, 32);
const keys = (email: string, address: string) => ({
  account: `${redisPrefix()}:sign-in:account:${hash(email.toLowerCase())}`,
  address: `${redisPrefix()}:sign-in:address:${hash(address)}`,
});

function tooMany(isAccount: boolean, wait: number): AppError {
  return new AppError(
    "TOO_MANY_REQUESTS",
    `Too many wrong passwords ${isAccount ? "for this account" : "from this address"}; try again in ${Math.ceil(wait / 60)} min, or ask an admin to reset the password`,
    { headers: { "retry-after": String(wait) }, details: { retryAfterSeconds: wait } },
  );
}

/** What a reserved attempt turned out to be: a wrong password keeps its count, anything else gives it back. */
export type SignInAttempt = { failed(): Promise<void>; succeeded(): Promise<void>; released(): Promise<void> };

const NOOP: SignInAttempt = { failed: async () => {}, succeeded: async () => {}, released: async () => {} };

/**
 * Counts the attempt before the password is checked (INCR first, atomically): fifty guesses sent at
 * once cannot all pass a check made before any of them is counted. Past the limit the attempt is
 * given back and refused (429 with Retry-After) without a password being looked at.
 */
export async function reserveSignInAttempt(redis: Redis, email: string, address: string): Promise<SignInAttempt> {
  const k = keys(email, address);
  let byAccount: number, accountTtl: number, byAddress: number, addressTtl: number;
  try {
    const r = await redis
      .multi()
      .incr(k.account)
      .expire(k.account, SIGN_IN_WINDOW_S, "NX")
      .ttl(k.account)
      .incr(k.address)
      .expire(k.address, SIGN_IN_WINDOW_S, "NX")
      .ttl(k.address)
      .exec();
    [byAccount, , accountTtl, byAddress, , addressTtl] = (r ?? []).map(([, v]) => Number(v ?? 0)) as number[] as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
  } catch (e) {
    // Redis down: signing in during an incident matters more than counting guesses; say so in the log.
    log.warn({ err: (e as Error).message }, "sign-in throttle unavailable (Redis); allowing the attempt");
    return NOOP;
  }
  const giveBack = async (account: boolean, addr: boolean) => {
    const m = redis.multi();
    if (account) m.decr(k.account);
    if (addr) m.decr(k.address);
    await m.exec().catch(() => {});
  };
  if (byAccount > ACCOUNT_LIMIT || byAddress > ADDRESS_LIMIT) {
    await giveBack(true, true);
    throw tooMany(byAccount > ACCOUNT_LIMIT, Math.max(1, byAccount > ACCOUNT_LIMIT ? accountTtl : addressTtl));
  }
  return {
    failed: async () => {},
    // A right password clears the account's count and gives back the address's attempt.
    succeeded: async () => {
      await redis
        .multi()
        .del(k.account)
        .decr(k.address)
        .exec()
        .catch(() => {});
    },
    released: () => giveBack(true, true),
  };
}

/**
 * Guesses at one's own current password (changing it) count against the account like sign-in
 * guesses: a stolen session cannot be used to find the password. Throws 429 past the limit.
 */
export async function reservePasswordCheck(redis: Redis, email: string): Promise<SignInAttempt> {
  return reserveSignInAttempt(redis, email, `password-change:${email.toLowerCase()}`);
}

/** An admin's reset clears the account's wrong-guess count: the user can sign in with the new password at once. */
export async function clearAccountThrottle(redis: Redis, email: string): Promise<void> {
  await redis.del(keys(email, "").account).catch(() => {});
}
