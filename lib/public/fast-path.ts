import "server-only";
import crypto from "node:crypto";
import zlib from "node:zlib";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isUuid } from "../targets/of-request";
import { publicState, type PublicSnapshot } from "./live";

/**
 * The public status page's reads, answered before Next.js sees them: a crowd of stakeholders costs
 * a map lookup and a write per request. The JSON, the feed and the live stream come straight from
 * the shared snapshot; the HTML pages are rendered by Next once per change of the snapshot (a
 * request to this same server, marked so it passes through) and the bytes served to everyone.
 * Next's own routes for these paths stay: `next dev` and plain `next start` use them.
 */
const RENDER_HEADER = "x-backout-render";
const CACHE = "public, max-age=1, stale-while-revalidate=5";
const FORMATS: Record<string, [Parameters<PublicSnapshot["format"]>[0], string]> = {
  "/api/v2/summary.json": ["summary", "application/json; charset=utf-8"],
  "/api/v2/status.json": ["status", "application/json; charset=utf-8"],
  "/api/v2/components.json": ["components", "application/json; charset=utf-8"],
  "/api/v2/incidents.json": ["incidents", "application/json; charset=utf-8"],
  "/api/v2/incidents/unresolved.json": ["unresolved", "application/json; charset=utf-8"],
  "/status/history.atom": ["atom", "application/atom+xml; charset=utf-8"],
};
const HEARTBEAT_MS = 15_000;

type Rendered = { etag: string; status: number; headers: Record<string, string>; body: Buffer; gzipped: Buffer };

export class PublicFastPath {
  private html = new Map<string, Rendered>();
  private rendering = new Map<string, Promise<Rendered>>();
  // Only this process's own render requests pass through to Next with the header.
  private secret = crypto.randomBytes(16).toString("hex");

  constructor(private origin: string) {}

  /** True when the request was answered here; false to hand it to Next. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (req.headers[RENDER_HEADER] === this.secret) return false;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q >= 0 ? url.slice(0, q) : url;
    const format = FORMATS[path];
    if (format) {
      void this.serveFormat(req, res, format[0], format[1]);
      return true;
    }
    if (path === "/api/public/events") {
      void this.serveStream(req, res);
      return true;
    }
    // A client-side navigation asks Next for its RSC payload (a header, or ?_rsc=): Next answers those.
    const isRsc = q >= 0 || !!req.headers.rsc || !!req.headers["next-router-state-tree"] || !!req.headers["next-router-prefetch"];
    if (!isRsc && (path === "/status" || (path.startsWith("/status/incidents/") && isUuid(path.slice("/status/incidents/".length))))) {
      void this.servePage(req, res, path);
      return true;
    }
    return false;
  }

  private notModified(req: IncomingMessage, etag: string): boolean {
    const inm = req.headers["if-none-match"];
    return !!inm && inm.split(",").some((t) => t.trim() === etag);
  }

  private async serveFormat(req: IncomingMessage, res: ServerResponse, name: Parameters<PublicSnapshot["format"]>[0], type: string) {
    try {
      const snap = await publicState().get();
      const etag = `W/${snap.etag}`;
      const headers = { "content-type": type, etag, "cache-control": CACHE, "access-control-allow-origin": "*", "x-content-type-options": "nosniff" };
      if (this.notModified(req, etag)) return void res.writeHead(304, headers).end();
      res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : snap.format(name));
    } catch {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "5" }).end(JSON.stringify({ error: "The status is not available right now; try again in a few seconds" }));
    }
  }

  private async servePage(req: IncomingMessage, res: ServerResponse, path: string) {
    try {
      const snap = await publicState().get();
      const isLive = path === "/status" || [...snap.state.incidents, ...snap.state.recentlyResolved].some((i) => path.endsWith(i.id));
      const page = isLive ? await this.rendered(path, snap) : await this.renderNow(path, snap.etag);
      const isGzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      const headers: Record<string, string> = {
        ...page.headers,
        etag: `W/"${page.etag.slice(1, -1)}-html"`,
        "cache-control": isLive ? CACHE : "public, max-age=10",
        // Next's own (the RSC headers a shared cache must tell apart), with the encoding.
        vary: page.headers.vary?.includes("Accept-Encoding") ? page.headers.vary : [page.headers.vary, "Accept-Encoding"].filter(Boolean).join(", "),
        ...(isGzip ? { "content-encoding": "gzip" } : {}),
      };
      if (page.status === 200 && this.notModified(req, headers.etag!)) return void res.writeHead(304, headers).end();
      res.writeHead(page.status, headers).end(req.method === "HEAD" ? undefined : isGzip ? page.gzipped : page.body);
    } catch {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "5" }).end("The status page is not available right now; try again in a few seconds.");
    }
  }

  /** The page as rendered for this snapshot, rendering it once if nobody has yet. */
  private rendered(path: string, snap: PublicSnapshot): Promise<Rendered> {
    const have = this.html.get(path);
    if (have?.etag === snap.etag) return Promise.resolve(have);
    const key = `${path}\u0000${snap.etag}`;
    let p = this.rendering.get(key);
    if (!p) {
      p = this.renderNow(path, snap.etag).finally(() => this.rendering.delete(key));
      this.rendering.set(key, p);
      void p.then((r) => {
        if (r.status === 200) {
          this.html.set(path, r);
          // Pages of incidents no longer live fall out; the list page stays.
          if (this.html.size > 200) this.html.delete(this.html.keys().next().value!);
        }
      });
    }
    return p;
  }

  private async renderNow(path: string, etag: string): Promise<Rendered> {
    const res = await fetch(`${this.origin}${path}`, { headers: { [RENDER_HEADER]: this.secret } });
    const keep = ["content-type", "vary", "x-content-type-options", "content-security-policy", "referrer-policy", "permissions-policy", "x-frame-options", "strict-transport-security"];
    const headers: Record<string, string> = {};
    for (const k of keep) {
      const v = res.headers.get(k);
      if (v) headers[k] = v;
    }
    const body = Buffer.from(await res.arrayBuffer());
    // Compressed once per render, not per request.
    return { etag, status: res.status, headers, body, gzipped: zlib.gzipSync(body) };
  }

  /** The live stream: the whole state now, then again each time it changes; one encoded frame for everyone. */
  private async serveStream(req: IncomingMessage, res: ServerResponse) {
    let first: PublicSnapshot;
    try {
      first = await publicState().get();
    } catch {
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "5" }).end("try again in a few seconds");
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "access-control-allow-origin": "*",
    });
    res.socket?.setNoDelay(true);
    let sent = first.etag;
    res.write("retry: 3000\n\n");
    res.write(first.frame);
    const unsubscribe = publicState().subscribe((snap) => {
      if (snap.etag === sent) return;
      sent = snap.etag;
      res.write(snap.frame);
    });
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), HEARTBEAT_MS);
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    req.on("close", stop);
    res.on("error", stop);
  }
}
