import fs from "node:fs";
import path from "node:path";

/** Every HTTP route Backout serves, read from the app's own route files: "POST /api/runs/[id]/cancel". */
export type RouteKey = `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} /${string}`;
export type DiscoveredRoute = { key: RouteKey; method: string; pattern: string; file: string; params: string[] };

const APP = path.resolve(__dirname, "../../../app");
const METHOD = /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g;

export function discoverRoutes(): DiscoveredRoute[] {
  const found: DiscoveredRoute[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        // Route groups "(console)" are not part of the URL.
        const segments = path
          .relative(APP, dir)
          .split(path.sep)
          // …nor is an optional catch-all (the queue board's own sub-paths): the route is its page.
          .filter((s) => s && !/^\(.*\)$/.test(s) && !/^\[\[\.\.\..*\]\]$/.test(s));
        const pattern = `/${segments.join("/")}`;
        const params = segments.filter((s) => s.startsWith("[")).map((s) => s.slice(1, -1));
        for (const m of fs.readFileSync(full, "utf8").matchAll(METHOD))
          found.push({
            key: `${m[1]} ${pattern}` as RouteKey,
            method: m[1]!,
            pattern,
            file: path.relative(APP, full),
            params,
          });
      }
    }
  };
  walk(APP);
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/** A concrete path for a pattern, each [param] replaced by what `fill` gives for its name. */
export function fillPath(pattern: string, fill: (param: string) => string): string {
  return pattern.replace(/\[([^\]]+)\]/g, (_, name: string) => encode(fill(name)));
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as the bytes a careless client would send. */
export function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .split(/([\ud800-\udfff])/)
      .map((part) => (/^[\ud800-\udfff]$/.test(part) ? "%ED%A0%80" : encodeURIComponent(part)))
      .join("");
  }
}
