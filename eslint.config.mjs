// Lint: Next's rules (React, hooks, core web vitals), typescript-eslint's, and the architecture's own
// boundaries (DEVELOPERS.md § Layout), so they cannot drift. Formatting is Prettier's, not lint's.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";
import noServerImport from "./eslint-rules/no-server-import.mjs";

/** Modules that reach a database, Redis, a process or the file system: I/O. */
const IO_MODULES = [
  "node:fs",
  "node:fs/promises",
  "fs",
  "node:child_process",
  "child_process",
  "node:net",
  "node:http",
  "node:https",
  "pg",
  "ioredis",
  "bullmq",
  "@prisma/*",
  "**/generated/**",
];

/** A boundary: files matching `files` may not import `group`, because `why`. */
const boundary = (files, groups, why, options = {}) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [{ group: groups, message: why, ...options }] }] },
});

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  prettier,
  globalIgnores([
    ".next/**",
    ".data/**",
    "generated/**",
    "node_modules/**",
    "demo/template*/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
  ]),
  {
    rules: {
      // `_name` marks a parameter kept for its position.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
      // A closure defined first may read a variable assigned just after (a stream's stop and its timer).
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  // Later blocks replace an earlier block's no-restricted-imports for the files they share (flat
  // config does not merge a rule's options): lib/plan's own, stricter list comes after this one.
  {
    // One home for what talks to a target (a database client, a process, git): lib/target-ops/.
    // Executors, Backout's own database layer and the sampler's readings are the others that may.
    files: ["lib/**"],
    ignores: ["lib/target-ops/**", "lib/steps/**", "lib/db/**", "lib/metrics/sample-target.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["pg", "node:child_process", "child_process"].map((name) => ({
            name,
            message:
              "Code that talks to a target (its database, a process, git) lives in lib/target-ops/; call it from there.",
          })),
        },
      ],
    },
  },
  boundary(
    ["app/api/**"],
    ["**/lib/steps/executors/**"],
    "Route handlers do not call step executors: what talks to a target lives in lib/target-ops/ (executors call it too).",
  ),
  boundary(
    ["lib/plan/**"],
    // Only its own modules (./x): nothing from the rest of lib, which reaches databases and processes.
    ["../*", "@/*", ...IO_MODULES, "server-only"],
    "lib/plan is the plan as pure data and pure functions: no I/O, so it can be read, tested and shipped to the browser as is.",
  ),
  boundary(
    ["workers/**"],
    ["next", "next/*", "react", "react-dom", "@/components/*", "**/components/**", "**/app/**"],
    "Workers know nothing of Next or React: they share lib/ with the web app, nothing else.",
  ),
  {
    // Components run in the browser: types, lib/plan and other pure modules, never server code.
    files: ["components/**"],
    plugins: { backout: { rules: { "no-server-import": noServerImport } } },
    rules: { "backout/no-server-import": "error" },
  },
  {
    // Tests and the bench read untyped JSON answers.
    files: ["tests/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
]);
