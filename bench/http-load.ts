// Child process of bench/status-page.ts: sends GET requests at a fixed rate (open loop: a slow
// server is not given a rest) over keep-alive connections, and reports each request's latency.
// Kept apart from the server and the publisher so its own work does not bend their clocks.
import http from "node:http";

const [url, rateArg, secondsArg, connectionsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connectionsArg ?? 64) });
const now = () => performance.timeOrigin + performance.now();

const latencies: number[] = [];
let errors = 0;
let non200 = 0;
let sent = 0;
let inFlight = 0;

function one(): void {
  const t0 = now();
  sent++;
  inFlight++;
  const req = http.get(url!, { agent }, (res) => {
    res.resume();
    res.on("end", () => {
      inFlight--;
      if (res.statusCode !== 200) non200++;
      latencies.push(now() - t0);
    });
  });
  req.on("error", () => {
    inFlight--;
    errors++;
  });
}

const started = now();
const total = rate * seconds;
// Every millisecond, send what the schedule says should have gone by now.
const tick = setInterval(() => {
  const due = Math.min(total, Math.floor(((now() - started) / 1000) * rate));
  while (sent < due) one();
  if (sent >= total) {
    clearInterval(tick);
    const wait = setInterval(() => {
      if (inFlight === 0 || now() - started > (seconds + 10) * 1000) {
        clearInterval(wait);
        process.send!({ type: "result", latencies, errors, non200, sent, seconds: (now() - started) / 1000 });
        agent.destroy();
      }
    }, 20);
  }
}, 1);
