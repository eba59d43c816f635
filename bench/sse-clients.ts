// Child process of bench/run.ts: holds N SSE connections and reports, per event, when it arrived.
// Kept apart from the publisher so neither's work delays the other's clock readings; node:http
// rather than fetch because web streams cost far more per chunk than the server does.
import http from "node:http";
const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const now = () => performance.timeOrigin + performance.now();
type Conn = { seqs: number[]; lat: number[] };
const conns: Conn[] = [];
let connected = 0;

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const requests: http.ClientRequest[] = [];

function open(): Promise<void> {
  const c: Conn = { seqs: [], lat: [] };
  conns.push(c);
  return new Promise((resolve) => {
    const req = http.get(url!, { agent, headers: { authorization: `Bearer ${process.env.BENCH_TOKEN}` } }, (res) => {
      res.setEncoding("utf8");
      let buf = "";
      let ready = false;
      res.on("data", (chunk: string) => {
        const t = now();
        buf += chunk;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (!ready && block.includes(": connected")) {
            ready = true;
            connected++;
            continue;
          }
          if (!block.startsWith("id: ")) continue;
          const seq = Number(block.slice(4, block.indexOf("\n")));
          const at = block.indexOf('"sentAt":');
          c.seqs.push(seq);
          c.lat.push(t - Number.parseFloat(block.slice(at + 9)));
        }
      });
      res.on("close", resolve);
      res.on("error", () => resolve());
    });
    req.on("error", () => resolve());
    requests.push(req);
  });
}

const readers = Array.from({ length: count }, open);
const started = now();
const poll = setInterval(() => {
  if (connected >= count) {
    clearInterval(poll);
    process.send!({ type: "ready", ms: now() - started });
  }
}, 20);
process.on("message", async (m: { type: string; last: number; timeoutMs: number }) => {
  if (m.type !== "stop") return;
  // Until every connection has the last event, or time runs out: late is counted as late, not lost.
  const t0 = now();
  while (now() - t0 < m.timeoutMs && conns.some((c) => !c.seqs.includes(m.last)))
    await new Promise((r) => setTimeout(r, 20));
  const waitedMs = now() - t0;
  for (const r of requests) r.destroy();
  await Promise.allSettled(readers);
  process.send!({ type: "result", conns, waitedMs }, () => process.exit(0));
});
