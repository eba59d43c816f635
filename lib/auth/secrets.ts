import "server-only";
import crypto from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

/** argon2id with the library's defaults (19 MiB, 2 passes): memory-hard, as OWASP recommends. */
export const hashPassword = (password: string) => hash(password);
export const verifyPassword = (passwordHash: string, password: string) =>
  verify(passwordHash, password).catch(() => false);

/** A random secret for a cookie or API token, and the hash we keep of it. */
export function newSecret(prefix: string): { value: string; hash: string } {
  const value = `${prefix}${crypto.randomBytes(32).toString("base64url")}`;
  return { value, hash: hashSecret(value) };
}

// Secrets are 256 random bits: a fast hash is enough (no dictionary to defend against).
export const hashSecret = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

export function randomPassword(): string {
  return crypto.randomBytes(15).toString("base64url");
}
