// Installs dependencies when missing and generates the Prisma client when the schema changed.
// Plain Node on purpose: it runs before anything else is installed.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, env = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

const lock = path.join(root, "package-lock.json");
const marker = path.join(root, "node_modules", ".package-lock.json");
if (!fs.existsSync(path.join(root, "node_modules", ".bin", "next")) || mtime(lock) > mtime(marker)) {
  console.log("› installing dependencies (npm install, at the lock file's versions)…");
  // Not `npm ci`: npm 11 writes lock files without other platforms' optional packages and then
  // refuses them in `npm ci`; `npm install` keeps the locked versions all the same.
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

const schema = path.join(root, "prisma", "schema.prisma");
const client = path.join(root, "generated", "prisma", "client.ts");
if (process.argv.includes("--generate") || mtime(schema) > mtime(client)) {
  console.log("› generating the Prisma client…");
  // `prisma generate` needs no schema engine, but the CLI insists one exists: any file will do.
  run(path.join(root, "node_modules", ".bin", "prisma"), ["generate"], {
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  });
}
