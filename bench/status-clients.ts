// Child process of bench/status-page.ts: holds N live status-page viewers (the public SSE stream)
// and records, per viewer, when each bench update ("bench update <n> @<sent at>") first reached it,
// and every state frame id it was sent (a frame sent twice is a duplicate).
import http from "node:http";

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
const now = () => performance.timeOrigin + performance.now();
type Viewer = { seen: Map<number, number>; frames: string[] };
const viewers: Viewer[] = [];
let connected = 0;
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const requests: http.ClientRequest[] = [];
const UPDATE = /bench update (\d+) @(\d+(?:\.\d+)?)/g;

function open(): void {
  const v: Viewer = { seen: new Map(), frames: [] };
  viewers.push(v);
  const req = http.get(url!, { agent }, (res) => {
    res.setEncoding("utf8");
    let buf = "";
    let isFirst = true;
    res.on("data", (chunk: string) => {
      const t = now();
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (!block.includes("event: state")) continue;
        if (isFirst) {
          isFirst = false;
          connected++;
        }
        v.frames.push(/^id: (.+)$/m.exec(block)?.[1] ?? "");
        for (const m of block.matchAll(UPDATE))
          if (!v.seen.has(Number(m[1]))) v.seen.set(Number(m[1]), t - Number(m[2]));
      }
    });
  });
  req.on("error", () => {});
  requests.push(req);
}

for (let i = 0; i < count; i++) open();
const started = now();
const poll = setInterval(() => {
  if (connected >= count) {
    clearInterval(poll);
    process.send!({ type: "ready", ms: now() - started });
  }
}, 20);
process.on("message", (m: { type: string; updates: number }) => {
  if (m.type !== "stop") return;
  for (const r of requests) r.destroy();
  let lost = 0;
  let duplicated = 0;
  const latencies: number[] = [];
  for (const v of viewers) {
    for (let n = 1; n <= m.updates; n++) {
      const l = v.seen.get(n);
      if (l === undefined) lost++;
      else latencies.push(l);
    }
    duplicated += v.frames.length - new Set(v.frames).size;
  }
  process.send!({ type: "result", latencies, lost, duplicated, viewers: viewers.length, connected });
});
