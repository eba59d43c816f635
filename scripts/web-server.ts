// The web process: Next.js behind one node:http server, so the public status page's reads (its JSON,
// feed, live stream and cached HTML) are answered from the shared snapshot before Next's request
// pipeline, which costs a few milliseconds a request (measured in bench 5). Everything else is Next.
//   node --conditions=react-server --import tsx scripts/web-server.ts <port> <host>
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { PublicFastPath } from "../lib/public/fast-path";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.argv[2] ?? 3001);
const host = process.argv[3] ?? "127.0.0.1";

const app = next({ dev: false, dir: ROOT, hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();
const fast = new PublicFastPath(`http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`);

const server = http.createServer((req, res) => {
  if (fast.handle(req, res)) return;
  void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`▲ Backout web (Next.js) on http://${host}:${port}`));

function shutdown() {
  server.close();
  void app.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
