import "server-only";
import crypto from "node:crypto";
import zlib from "node:zlib";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isUuid } from "../targets/of-request";
import { olderPublicIncident, publicState, type PublicSnapshot } from "./live";
import { streamOpened } from "../events/gauges";

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
const NOT_FOUND_HTML = `<!doctype html><meta charset="utf-8"><title>Not found</title><body style="font:16px system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem"><h1>No such incident</h1><p><a href="/status">See the current status</a>.</p>`;
// About twenty full states: a viewer further behind than that is not reading.
const MAX_BUFFERED_BYTES = 1 << 20;

type Rendered = {
  version: string;
  etag: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  gzipped: Buffer;
};

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
    const isRsc =
      /(^|&)_rsc=/.test(q >= 0 ? url.slice(q + 1) : "") ||
      !!req.headers.rsc ||
      !!req.headers["next-router-state-tree"] ||
      !!req.headers["next-router-prefetch"];
    if (isRsc) return false;
    if (path === "/status") {
      void this.servePage(req, res, path, null);
      return true;
    }
    const id = path.startsWith("/status/incidents/") ? path.slice("/status/incidents/".length) : "";
    if (isUuid(id)) {
      // One address per incident: a link with upper-case letters is sent to the canonical one.
      if (id !== id.toLowerCase()) res.writeHead(301, { location: `/status/incidents/${id.toLowerCase()}` }).end();
      else void this.servePage(req, res, path, id);
      return true;
    }
    return false;
  }

  private notModified(req: IncomingMessage, etag: string): boolean {
    const inm = req.headers["if-none-match"];
    return !!inm && inm.split(",").some((t) => t.trim() === etag);
  }

  private async serveFormat(
    req: IncomingMessage,
    res: ServerResponse,
    name: Parameters<PublicSnapshot["format"]>[0],
    type: string,
  ) {
    try {
      const snap = await publicState().get();
      const etag = `W/${snap.etag}`;
      const headers = {
        "content-type": type,
        etag,
        "cache-control": CACHE,
        "access-control-allow-origin": "*",
        "x-content-type-options": "nosniff",
      };
      if (this.notModified(req, etag)) return void res.writeHead(304, headers).end();
      res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : snap.format(name));
    } catch {
      res
        .writeHead(503, { "content-type": "application/json", "retry-after": "5" })
        .end(JSON.stringify({ error: "The status is not available right now; try again in a few seconds" }));
    }
  }

  private async servePage(req: IncomingMessage, res: ServerResponse, path: string, incidentId: string | null) {
    try {
      const snap = await publicState().get();
      const isLive =
        !incidentId || [...snap.state.incidents, ...snap.state.recentlyResolved].some((i) => i.id === incidentId);
      // An older incident's page is rendered at most once per 10 s; an id that is no incident at all never reaches Next.
      if (!isLive && !(await olderPublicIncident(incidentId!))) {
        res
          .writeHead(404, { "content-type": "text/html; charset=utf-8", "cache-control": "public, max-age=10" })
          .end(NOT_FOUND_HTML);
        return;
      }
      const page = await this.rendered(path, isLive ? snap.etag : `older-${Math.floor(Date.now() / 10_000)}`);
      const isGzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      const headers: Record<string, string> = {
        ...page.headers,
        etag: page.etag,
        "cache-control": isLive ? CACHE : "public, max-age=10",
        // Next's own (the RSC headers a shared cache must tell apart), with the encoding.
        vary: page.headers.vary?.includes("Accept-Encoding")
          ? page.headers.vary
          : [page.headers.vary, "Accept-Encoding"].filter(Boolean).join(", "),
        ...(isGzip ? { "content-encoding": "gzip" } : {}),
      };
      if (page.status === 200 && this.notModified(req, headers.etag!)) return void res.writeHead(304, headers).end();
      res.writeHead(page.status, headers).end(req.method === "HEAD" ? undefined : isGzip ? page.gzipped : page.body);
    } catch {
      res
        .writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "5" })
        .end("The status page is not available right now; try again in a few seconds.");
    }
  }

  /** The page as rendered for this version (the snapshot's tag, or a 10 s slot), rendering it once if nobody has yet. */
  private rendered(path: string, version: string): Promise<Rendered> {
    const have = this.html.get(path);
    if (have?.version === version) return Promise.resolve(have);
    const key = `${path}\u0000${version}`;
    let p = this.rendering.get(key);
    if (!p) {
      p = this.renderNow(path, version).finally(() => this.rendering.delete(key));
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

  private async renderNow(path: string, version: string): Promise<Rendered> {
    const res = await fetch(`${this.origin}${path}`, { headers: { [RENDER_HEADER]: this.secret } });
    const keep = [
      "content-type",
      "vary",
      "x-content-type-options",
      "content-security-policy",
      "referrer-policy",
      "permissions-policy",
      "x-frame-options",
      "strict-transport-security",
    ];
    const headers: Record<string, string> = {};
    for (const k of keep) {
      const v = res.headers.get(k);
      if (v) headers[k] = v;
    }
    const body = Buffer.from(await res.arrayBuffer());
    // Tagged by what it says, so a 304 is only ever for the same bytes; compressed once per render, not per request.
    const etag = `W/"${crypto.createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    return { version, etag, status: res.status, headers, body, gzipped: zlib.gzipSync(body) };
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
    // Gone while the first snapshot was computed (a crowd reconnecting after a restart): nothing to hold.
    if (req.destroyed || res.destroyed) return;
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
    // A viewer that stops reading is let go rather than buffered for without end; its browser reconnects.
    const write = (chunk: string | Uint8Array) => {
      if (res.destroyed) return stop();
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        stop();
        res.destroy();
        return;
      }
      res.write(chunk);
    };
    const unsubscribe = publicState().subscribe((snap) => {
      if (snap.etag === sent) return;
      sent = snap.etag;
      write(snap.frame);
    });
    const heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);
    let isStopped = false;
    const counted = streamOpened("public");
    function stop() {
      if (isStopped) return;
      isStopped = true;
      counted();
      clearInterval(heartbeat);
      unsubscribe();
    }
    req.on("close", stop);
    res.on("close", stop);
    res.on("error", stop);
  }
}
