import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, BASE, backoutSql, bearer, env, countRows } from "./support/api";
import { STANDBY } from "./support/env";
import { discoverRoutes, encode, fillPath, type RouteKey } from "./support/routes";
import { VALID } from "./support/valid-bodies";

/**
 * A bounded, seeded fuzz over every route that changes something. Each request is built to be
 * wrong in one way at least — malformed or non-object JSON, a body past the limit, nesting
 * thousands deep, NUL bytes and lone surrogates, prototype keys, a wrong type, injection strings in
 * every parameter (path, query, header, each body field) — so every answer must be a 4xx that says
 * why, never a 5xx, and nothing but the audit table may change: one audit entry per request.
 * FUZZ_SEED=<n> repeats a run; the seed is printed.
 */
const SEED = Number(process.env.FUZZ_SEED ?? crypto.randomInt(1, 2 ** 31));
const CASES_PER_ROUTE = 14;
const MARKER = `/tmp/backout-fuzz-${process.pid}`;

/** Routes whose target is the request's (?target=, X-Backout-Incident), so those are parameters too. */
const TAKES_TARGET = (file: string) =>
  /target:\s*"of-request"/.test(fs.readFileSync(path.resolve(__dirname, "../../app", file), "utf8"));

const INJECTIONS = [
  "'; DROP TABLE runs; --",
  `$(touch ${MARKER})`,
  `\`touch ${MARKER}\``,
  `; touch ${MARKER}`,
  `| touch ${MARKER}`,
  `&& touch ${MARKER} #`,
  "../../../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "<script>alert(1)</script>",
  "{{7*7}}${7*7}",
  "' OR '1'='1",
  "-rf --no-preserve-root /",
  "\r\nX-Injected: yes",
  "%n%s%x%p",
  "\u202egnp.exe",
  "💥".repeat(300),
  "A".repeat(20_000),
];
/** In a URL: the same, but short enough for the request line (a 20,000-character one is refused before it is a request; see below). */
const URL_INJECTIONS = INJECTIONS.map((v) => v.slice(0, 2000));
/** Each makes a string wrong everywhere a string is taken. */
const POISON = ["\u0000", "\ud800", "\udfff", "\u0007", "\u001b[31m", "a\u0000b"];

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const poisoned = () => (rand() < 0.5 ? pick(INJECTIONS) + pick(POISON) : pick(POISON) + pick(INJECTIONS));

/** Paths of every leaf in a value: ["facts", "dataCorruption"], ["channels"]… */
function leaves(v: unknown, at: string[] = []): string[][] {
  if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length)
    return Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k]));
  return at.length ? [at] : [];
}
function setAt(obj: Record<string, unknown>, at: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let o: any = copy;
  for (const k of at.slice(0, -1)) o = o[k];
  o[at.at(-1)!] = value;
  return copy;
}
/** A value of another type than `v` (never null or a missing key: some fields take those). */
function wrongType(v: unknown): unknown {
  if (typeof v === "string") return pick([12, true, {}, [], [poisoned()], { $ne: "" }]);
  if (typeof v === "boolean") return pick(["true", 1, {}, [true]]);
  if (typeof v === "number") return pick(["7", 1.5, -1, 1e309, 2 ** 53 + 2, {}]);
  if (Array.isArray(v)) return pick(["application", {}, 7, [{}], [poisoned()]]);
  return pick(["x", 7, [], [{}]]);
}
const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

type Case = {
  kind: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
};

function casesFor(
  key: RouteKey,
  method: string,
  pattern: string,
  params: string[],
  takesTarget: boolean,
  incidentId: string,
): Case[] {
  const valid = VALID[key];
  const base = (): Case => ({
    kind: "",
    method,
    path: fillPath(pattern, (p) =>
      p === "id"
        ? crypto.randomUUID()
        : p === "action"
          ? "enable"
          : p === "name"
            ? "ai-analysis"
            : p === "role"
              ? "incident_commander"
              : "x",
    ),
    query: "",
    headers: { "content-type": "application/json" },
    body: valid ? JSON.stringify(valid) : undefined,
  });
  const kinds: ((c: Case) => void)[] = [];
  // Parameters: each path parameter, the target and the incident header get an injection string.
  for (const p of params)
    kinds.push((c) => {
      c.kind = `path ${p}`;
      c.path = fillPath(pattern, (q) =>
        q === p
          ? pick([...URL_INJECTIONS, ...POISON, poisoned().slice(0, 2000)])
          : q === "id"
            ? crypto.randomUUID()
            : "enable",
      );
    });
  if (takesTarget) {
    kinds.push((c) => {
      c.kind = "query target";
      c.query = `?target=${encode(pick([...URL_INJECTIONS, poisoned().slice(0, 2000)]))}`;
    });
    kinds.push((c) => {
      c.kind = "incident header";
      // Header values cannot carry control characters; the printable injections can.
      c.headers["x-backout-incident"] = pick(URL_INJECTIONS.filter((s) => !/[\r\n\u0080-\uffff]/.test(s))).slice(
        0,
        200,
      );
    });
  }
  if (valid) {
    kinds.push((c) => {
      c.kind = "malformed JSON";
      const text = JSON.stringify(valid);
      c.body = pick([
        text.slice(0, Math.max(1, Math.floor(rand() * text.length))),
        `${text}}`,
        "{'single': 'quotes'}",
        "\u0000\u0001\u0002",
        '{"a":}',
        text.replace(/"/g, ""),
      ]);
    });
    kinds.push((c) => {
      c.kind = "not an object";
      c.body = pick(["[]", '"a string"', "42", "null", "true", "[{}]"]);
    });
    kinds.push((c) => {
      c.kind = "oversized";
      c.body = JSON.stringify({ ...valid, pad: "x".repeat(70 * 1024) });
    });
    kinds.push((c) => {
      c.kind = "nested 5,000 deep";
      c.body = `${JSON.stringify(valid).slice(0, -1)}${Object.keys(valid).length ? "," : ""}"nest":${deep(5000)}}`;
    });
    if (leaves(valid).length)
      kinds.push((c) => {
        // Objects inside objects, in a field: what the audit walks for secrets must be cut first.
        const at = pick(leaves(valid));
        c.kind = `field ${at.join(".")} nested 5,000 deep`;
        // Spliced in as text: JSON.stringify of a value this deep overflows the test's own stack.
        c.body = JSON.stringify(setAt(valid, at, "\u0000DEEP")).replace(
          '"\\u0000DEEP"',
          `${'{"k":'.repeat(5000)}1${"}".repeat(5000)}`,
        );
      });
    kinds.push((c) => {
      c.kind = "prototype keys";
      c.body = `${JSON.stringify(valid).slice(0, -1)}${Object.keys(valid).length ? "," : ""}${pick([
        `"__proto__":{"role":"admin","isAdmin":true}`,
        `"constructor":{"prototype":{"role":"admin"}}`,
        `"__proto__":null`,
      ])}}`;
    });
    for (const at of leaves(valid)) {
      kinds.push((c) => {
        c.kind = `field ${at.join(".")} poisoned`;
        c.body = JSON.stringify(setAt(valid, at, poisoned()));
      });
      kinds.push((c) => {
        c.kind = `field ${at.join(".")} wrong type`;
        c.body = JSON.stringify(setAt(valid, at, wrongType(at.reduce<any>((o, k) => o[k], valid))));
      });
    }
  }
  if (kinds.length === 0) return [];
  // Every kind once, then seeded picks up to the budget; some sent for an incident that exists.
  const out: Case[] = [];
  for (let i = 0; i < Math.max(CASES_PER_ROUTE, kinds.length); i++) {
    const c = base();
    (i < kinds.length ? kinds[i]! : pick(kinds))(c);
    if (takesTarget && !c.headers["x-backout-incident"] && !c.query && rand() < 0.3)
      c.headers["x-backout-incident"] = incidentId;
    out.push(c);
  }
  return out;
}

let incidentId = "";
let before: { counts: Record<string, number>; audit: number; queues: unknown };

const maxAudit = async () =>
  Number((await backoutSql<{ n: string }>(`SELECT coalesce(max(id), 0)::text AS n FROM audit_entries`))[0]!.n);
const queueState = async () =>
  Object.entries((await api("GET", "/api/queue/stats")).body.queues as Record<string, { isPaused: boolean }>).map(
    ([name, q]) => ({ name, isPaused: q.isPaused }),
  );

beforeAll(async () => {
  const made = await api(
    "POST",
    "/api/incidents",
    { title: "Fuzz target incident", severity: "P3", target: STANDBY },
    bearer("commander"),
  );
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  incidentId = made.body.id;
  before = { counts: await countRows(), audit: await maxAudit(), queues: await queueState() };
});

afterAll(async () => {
  if (incidentId)
    await backoutSql(`UPDATE incidents SET status = 'resolved', "resolvedAt" = now() WHERE id = $1`, [incidentId]);
  // The fuzzed sign-ins count against this address; later tests sign in from it too.
  const r = new Redis(env.REDIS_URL!);
  for (const k of await r.keys(`{${env.BACKOUT_REDIS_PREFIX}}:sign-in:*`)) await r.del(k);
  r.disconnect();
  fs.rmSync(MARKER, { force: true });
});

describe(`fuzz over every mutating route (FUZZ_SEED=${SEED})`, () => {
  it("answers every malformed, oversized, deep, poisoned or injected request with a 4xx that says why, and records each one", async () => {
    console.log(`fuzz: FUZZ_SEED=${SEED}`);
    const routes = discoverRoutes().filter((r) => r.method !== "GET");
    expect(
      routes.filter((r) => !(r.key in VALID)).map((r) => r.key),
      "mutating routes the fuzz has no body for: add them to VALID",
    ).toEqual([]);

    const wrong: string[] = [];
    let sent = 0;
    for (const r of routes) {
      const takesTarget = TAKES_TARGET(r.file);
      // Sign-out takes nothing and always answers 200 (it ends the caller's session, if any): nothing to fuzz.
      if (r.key === "POST /api/auth/sign-out") continue;
      // The queue board's page takes nothing; its API below it is Bull Board's (queue-board.test.ts).
      if (r.pattern === "/admin/queues") continue;
      const cases = casesFor(r.key, r.method, r.pattern, r.params, takesTarget, incidentId);
      expect(cases.length, `${r.key} has nothing to fuzz`).toBeGreaterThan(0);
      for (const c of cases) {
        // The admin's token: past every role check, so the parsing itself is what answers.
        const headers = { ...c.headers, ...(r.key === "POST /api/auth/sign-in" ? { origin: BASE } : bearer("admin")) };
        const res = await fetch(`${BASE}${c.path}${c.query}`, { method: c.method, headers, body: c.body });
        const text = await res.text();
        sent++;
        const what = `${r.key} [${c.kind}] → ${res.status}`;
        if (res.status < 400 || res.status >= 500) wrong.push(`${what}: ${text.slice(0, 200)}`);
        else {
          let body: { error?: unknown } = {};
          try {
            body = JSON.parse(text);
          } catch {
            wrong.push(`${what}: not JSON: ${text.slice(0, 100)}`);
          }
          if (typeof body.error !== "string" || body.error.length < 10) wrong.push(`${what}: no error saying why`);
          // Nothing sent is echoed at length: the answer stays small whatever came in.
          if (text.length > 8192) wrong.push(`${what}: a ${text.length}-character answer`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(sent).toBeGreaterThan(300);

    // Nothing but audit entries written, and one of those for every request.
    expect(await countRows()).toEqual(before.counts);
    const audited = await backoutSql<{ n: string }>(`SELECT count(*)::text AS n FROM audit_entries WHERE id > $1`, [
      before.audit,
    ]);
    expect(Number(audited[0]!.n)).toBe(sent);
    expect(await queueState()).toEqual(before.queues);
    expect(fs.existsSync(MARKER), "an injected command ran").toBe(false);
  });

  it("a URL too long to read is refused with a JSON answer saying what to do, before it reaches any route", async () => {
    const res = await fetch(`${BASE}/api/queue/${"A".repeat(20_000)}/pause`, {
      method: "POST",
      headers: bearer("admin"),
    });
    expect(res.status).toBe(431);
    expect((await res.json()).error).toMatch(/send long values in a JSON body/);
  });
});
