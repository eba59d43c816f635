// The web process: Next.js behind one node:http server, so the public status page's reads (its JSON,
// feed, live stream and cached HTML) are answered from the shared snapshot before Next's request
// pipeline, which costs a few milliseconds a request (measured in bench 5), and the console's live
// streams are written to each socket directly (lib/events/fast-stream.ts, bench 2). Everything else is Next.
//   node --conditions=react-server --import tsx scripts/web-server.ts <port> <host>
import crypto from "node:crypto";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { PublicFastPath } from "../lib/public/fast-path";
import { handleStream } from "../lib/events/fast-stream";
import { publicUrl } from "../lib/env";
import { wellFormedPath } from "../lib/http/well-formed-path";
import { BOARD_CSP, isBoardPath } from "../lib/admin/board-policy";
import type { Socket } from "node:net";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.argv[2] ?? 3001);
const host = process.argv[3] ?? "127.0.0.1";

const app = next({ dev: false, dir: ROOT, hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();
const fast = new PublicFastPath(`http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`);

const isHttps = publicUrl().startsWith("https://");

/**
 * Scripts only from this origin and only with this response's nonce (Next puts it on its own
 * scripts when the request carries the policy); no framing, no plugins, no base or form tricks.
 * Styles may be inline: React and Tailwind write style attributes.
 */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(isHttps ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

const server = http.createServer((req, res) => {
  // The client's address as this server saw it; a client's own claim to one is overwritten.
  req.headers["x-backout-client-ip"] = req.socket.remoteAddress ?? "unknown";
  req.url = wellFormedPath(req.url ?? "/");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader(
    "Permissions-Policy",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  );
  res.setHeader("X-Frame-Options", "DENY");
  if (isHttps) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  const nonce = crypto.randomBytes(18).toString("base64");
  // The queue board's page is not Next's: its own policy (lib/admin/board-policy.ts).
  const csp = isBoardPath(req.url.split("?")[0]!) ? BOARD_CSP : contentSecurityPolicy(nonce);
  res.setHeader("Content-Security-Policy", csp);
  if (fast.handle(req, res)) return;
  if (handleStream(req, res)) return;
  // Next reads the nonce from the request's policy and puts it on every script it renders.
  req.headers["content-security-policy"] = csp;
  void handle(req, res);
});
server.keepAliveTimeout = 65_000;
// Refused before it is a request (headers past Node's 16 KiB, malformed HTTP): still an answer that
// says why, and a line in the log, since no route (and so no audit entry) ever sees it.
server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
  if (err.code === "ECONNRESET" || !socket.writable) return socket.destroy();
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  const body = JSON.stringify({
    error: tooLarge
      ? "The URL and headers together are larger than this server reads (16 KiB); send long values in a JSON body instead"
      : "The request is not well-formed HTTP; send it with an HTTP client such as curl",
  });
  console.warn(
    JSON.stringify({
      level: 40,
      time: Date.now(),
      remote: socket.remoteAddress,
      code: err.code,
      msg: "request refused before parsing",
    }),
  );
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
});
server.listen(port, host, () => console.log(`▲ Backout web (Next.js) on http://${host}:${port}`));

function shutdown() {
  server.close();
  void app.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
