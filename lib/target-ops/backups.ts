import fs from "node:fs";
import path from "node:path";

// A target's database backups on disk (plan §11.2): named, listed newest first, sized. The one home
// for reading them: the backup step, the console's pickers, the checks and the API read from here.

export const BACKUP_RE = /^backup_[a-z0-9_]*\d{8}_\d{6}(_\d+)?\.sql(\.gz)?$/;

export function humanSize(bytes: number): string {
  const units = ["B", "K", "M", "G"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n < 10 && u > 0 ? n.toFixed(1) : Math.round(n)}${units[u]}`;
}

export type BackupInfo = { name: string; file: string; bytes: number; createdAt: string };

/** Newest first, as `ls -t` lists them in plan §11.2. */
export function listBackups(dir: string): BackupInfo[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => BACKUP_RE.test(n))
    .map((name) => {
      const file = path.join(dir, name);
      const st = fs.statSync(file);
      return { name, file, bytes: st.size, createdAt: st.mtime.toISOString(), mtime: st.mtimeMs };
    })
    .sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name))
    .map(({ mtime: _m, ...b }) => b);
}
