import pino from "pino";
import { env } from "./env";

// Structured logs: ids, never payloads or secrets.
export const log = pino({ level: env.LOG_LEVEL, base: undefined });
