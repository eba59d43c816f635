import { describe, expect, it } from "vitest";
import { startProcess } from "../../../scripts/stack";
import { supervise } from "../../../scripts/supervise";

const node = (code: string) => () => startProcess("t", [process.execPath, "-e", code], {}, { logFile: "/dev/null" });
const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("npm start's supervisor", () => {
  it("starts a crashed process again, backing off, and says so each time", async () => {
    const said: string[] = [];
    const s = supervise("worker", node("process.exit(3)"), {
      say: (m) => said.push(m),
      initialDelayMs: 50,
      maxDelayMs: 150,
    });
    await until(() => s.restarts >= 3);
    await s.stop();
    expect(said[0]).toMatch(/^worker exited with code 3; restarting it in 50 ms \(restart 1\)/);
    // 50 ms, 100 ms, then capped at 150 ms.
    expect(said.slice(0, 3).map((m) => m.match(/in (\d+ m?s)/)![1])).toEqual(["50 ms", "100 ms", "150 ms"]);
    expect(said.join("\n")).toMatch(/Ctrl-C stops everything/);
  });

  it("names a kill by its signal, and a stop ends it for good", async () => {
    const said: string[] = [];
    const s = supervise("sampler", node("setInterval(() => {}, 1000)"), {
      say: (m) => said.push(m),
      initialDelayMs: 20,
    });
    const first = s.current.child.pid!;
    process.kill(first, "SIGKILL");
    await until(() => s.restarts === 1 && s.current.child.pid !== first);
    expect(said).toEqual([expect.stringMatching(/^sampler was killed \(SIGKILL\); restarting it/)]);
    const second = s.current;
    await s.stop();
    expect(second.child.exitCode !== null || second.child.signalCode !== null).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.restarts).toBe(1);
    expect(said).toHaveLength(1);
  });
});
