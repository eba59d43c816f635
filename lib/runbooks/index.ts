import type { Runbook } from "./types";
import { appCode } from "./definitions/app-code";
import { queueSystem } from "./definitions/queue-system";
import { cache } from "./definitions/cache";
import { frontend } from "./definitions/frontend";
import { dbSchema } from "./definitions/db-schema";
import { dbRestore } from "./definitions/db-restore";
import { pitrRestore, pitrUndo } from "./definitions/pitr";
import { dataRollback } from "./definitions/data-rollback";
import { emergency } from "./definitions/emergency";
import { dbBackup } from "./definitions/db-backup";
import { deploy } from "./definitions/deploy";

// In the plan's order; the UI lists them this way.
export const runbooks = [
  appCode,
  queueSystem,
  cache,
  frontend,
  dbSchema,
  dbRestore,
  pitrRestore,
  pitrUndo,
  dataRollback,
  emergency,
  dbBackup,
  deploy,
] as Runbook<unknown>[];

export function findRunbook(id: string): Runbook<unknown> | undefined {
  return runbooks.find((r) => r.id === id);
}
