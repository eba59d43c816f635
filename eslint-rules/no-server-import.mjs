// Lint rule: browser code (components/) imports no server module, directly or through another file.
// A server module is one that says `import "server-only"`, or imports a Node built-in or a package
// that reaches a database, Redis or a process. Type-only imports are erased at build and are fine.
import fs from "node:fs";
import path from "node:path";

const SERVER_PACKAGES =
  /^(node:|server-only$|pg$|ioredis$|bullmq$|@prisma\/|pino$|@node-rs\/|fs$|child_process$|net$|os$|crypto$)/;
const EXTENSIONS = [".ts", ".tsx", ".mjs", ".js", "/index.ts", "/index.tsx"];
// Runtime imports and re-exports (`import type` / `export type` are erased; `import "x"` counts).
const IMPORT_RE = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;

function resolve(root, fromFile, spec) {
  let base;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(fromFile), spec);
  else return null; // a package
  if (fs.existsSync(base) && fs.statSync(base).isFile()) return base;
  for (const ext of EXTENSIONS) if (fs.existsSync(base + ext)) return base + ext;
  return null;
}

// Per lint process: an editor's long-lived server would want mtimes, a CLI run does not.
const cache = new Map();

/** Why `file` is server code (the chain of imports that leads to it), or null. */
function serverChain(root, file, cache, visiting = new Set()) {
  if (cache.has(file)) return cache.get(file);
  if (visiting.has(file)) return null;
  visiting.add(file);
  let found = null;
  const text = fs.readFileSync(file, "utf8");
  for (const [, spec] of text.matchAll(IMPORT_RE)) {
    if (SERVER_PACKAGES.test(spec)) {
      found = [spec];
      break;
    }
    const next = resolve(root, file, spec);
    if (!next) continue;
    const chain = serverChain(root, next, cache, visiting);
    if (chain) {
      found = [path.relative(root, next), ...chain];
      break;
    }
  }
  cache.set(file, found);
  return found;
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "Browser code imports no server module, directly or through another file." },
    schema: [],
    messages: {
      server:
        'Components run in the browser, but "{{spec}}" is server code ({{chain}}). Import its types with `import type`, move what the browser needs into a pure module (lib/plan/, a *-types.ts file), or fetch it through components/api/.',
    },
  },
  create(context) {
    const root = context.cwd;
    const check = (node) => {
      if (!node.source || node.importKind === "type" || node.exportKind === "type") return;
      if (node.specifiers?.length && node.specifiers.every((s) => s.importKind === "type" || s.exportKind === "type"))
        return;
      const spec = node.source.value;
      let chain;
      if (SERVER_PACKAGES.test(spec)) chain = [spec];
      else {
        const file = resolve(root, context.filename, spec);
        const below = file ? serverChain(root, file, cache) : null;
        chain = below ? [path.relative(root, file), ...below] : null;
      }
      if (chain) context.report({ node: node.source, messageId: "server", data: { spec, chain: chain.join(" → ") } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default rule;
