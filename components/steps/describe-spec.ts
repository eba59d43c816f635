import type { StepSpec } from "../api/types";

/** Hides a password in a connection URL: postgresql://u:secret@h/db → postgresql://u:•••@h/db. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, "$1:•••@");
}

const quote = (arg: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

/**
 * What a resolved step will do, as close to what the worker executes as fits on a line or two:
 * the argv, the HTTP call, the git command, the SQL file. One string per line.
 */
export function describeSpec(spec: StepSpec): string[] {
  switch (spec.kind) {
    case "shell":
      return [`$ ${(spec.argv ?? []).map(quote).join(" ")}`, ...(spec.cwd ? [`  in ${spec.cwd}`] : [])];
    case "http":
      return [`${spec.method ?? "GET"} ${spec.url ?? ""}`];
    case "git": {
      const repo = spec.repoPath ? ` (${spec.repoPath})` : "";
      switch (spec.action) {
        case "fetch":
          return [`git fetch --tags --prune${repo}`];
        case "checkout":
          return [`git checkout --force ${spec.ref ?? ""}${repo}`];
        case "checkout-paths":
          return [`git checkout ${spec.ref ?? ""} -- ${(spec.paths ?? []).join(" ")}${repo}`];
        case "rev-parse":
          return [`git rev-parse ${spec.ref ?? "HEAD"}${repo}`];
        case "log":
          return [`git log --oneline --decorate -10${repo}`];
        default: // a step recorded by another version of Backout
          return [`git ${(spec as { action?: string }).action ?? ""}${repo}`];
      }
    }
    case "queue": {
      const queues = (spec.queues ?? []).join(", ");
      const verb: Record<string, string> = {
        pause: "pause",
        resume: "resume",
        "clean-failed": "clean failed jobs in",
        "wait-idle": "wait until no active jobs in",
        stats: "read stats of",
      };
      return [
        `queue: ${verb[spec.action ?? ""] ?? spec.action} ${queues}${spec.prefix ? `  (prefix ${spec.prefix})` : ""}`,
      ];
    }
    case "cache": {
      const on = spec.redisUrl ? ` on ${redactUrl(spec.redisUrl)}` : "";
      switch (spec.action) {
        case "flush":
          return [`redis FLUSHDB${on}`];
        case "delete-pattern":
          return [`redis SCAN MATCH ${spec.pattern ?? ""} → DEL${on}`];
        case "ping":
          return [`redis PING${on}`];
        case "warm":
          return [`POST ${spec.warmUrl ?? ""}`];
        default:
          return [`redis ${(spec as { action?: string }).action ?? ""}${on}`];
      }
    }
    case "postgres": {
      const db = spec.databaseUrl ? redactUrl(spec.databaseUrl) : "";
      switch (spec.action) {
        case "backup":
          return [`pg_dump --no-owner --no-privileges ${db} | gzip > ${spec.backupDir ?? ""}/…`];
        case "run-sql-file":
          return [`psql -X -v ON_ERROR_STOP=1 --single-transaction -d ${db} -f ${spec.file ?? ""}`];
        case "restore":
          return [`dropdb + createdb + psql ${db} < ${spec.file ?? ""}`];
        case "verify":
          return (spec.queries ?? []).map((q) => `${q.name}: ${q.sql}`);
        case "restore-records":
          return [`restore ${spec.table ?? ""} ids ${(spec.ids ?? []).join(", ")} from ${spec.file ?? ""} into ${db}`];
        default:
          return [`postgres ${(spec as { action?: string }).action ?? ""} ${db}`];
      }
    }
    case "pitr": {
      switch (spec.action) {
        case "restore-beside":
          return [
            `pg_basebackup copy ${spec.backup ?? ""} → ${spec.copyDir ?? "a folder beside the live one"}${spec.copyPort ? ` (port ${spec.copyPort})` : ""}`,
            `replay archived WAL${spec.archiveDir ? ` from ${spec.archiveDir}` : ""} to recovery_target_time ${spec.at ?? ""}, promote`,
          ];
        case "compare":
          return [
            `rows and newest row of ${(spec.tables ?? []).join(", ") || "each data table"}, and each verification query, on live and copy`,
          ];
        case "swap":
          return [
            `pg_ctl stop ${spec.dataDir ?? "the live cluster"}; keep it as ${spec.keepAs ?? "a folder beside it"}`,
            `move ${spec.incoming ?? "the copy"} into its place; pg_ctl start with the live options`,
          ];
        default:
          return [`pitr ${(spec as { action?: string }).action ?? ""}`];
      }
    }
    case "wait":
      return [`sleep ${((spec.ms ?? 0) / 1000).toString()} s`];
    case "health-gate":
      return [`GET ${spec.url ?? ""} until ${spec.successes ?? 2}× ${String(spec.expectStatus ?? 200)}`];
    case "approval-gate":
      return [`needs approval: ${spec.prompt ?? ""}`];
    default:
      return [(spec as { kind: string }).kind];
  }
}
