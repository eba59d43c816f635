import type { Proc } from "./stack";

/**
 * Keeps one of `npm start`'s processes running: when it exits on its own, it is started again after a
 * back-off (1 s, doubling to 30 s; back to 1 s once it has stayed up a minute), and the log says so.
 * Only `stop()` (Ctrl-C) ends it for good. Like pm2's restart with exponential back-off, in a page.
 */
export type Supervised = {
  readonly name: string;
  readonly current: Proc;
  readonly restarts: number;
  stop: () => Promise<void>;
};

export type SuperviseOptions = {
  say?: (msg: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Up this long, and the next crash waits the initial delay again. */
  healthyAfterMs?: number;
};

export function supervise(name: string, start: () => Proc, opts: SuperviseOptions = {}): Supervised {
  const say = opts.say ?? ((m: string) => console.error(`› ${m}`));
  const initial = opts.initialDelayMs ?? 1000;
  const max = opts.maxDelayMs ?? 30_000;
  const healthyAfter = opts.healthyAfterMs ?? 60_000;

  let delay = initial;
  let restarts = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Proc;

  const launch = () => {
    const startedAt = Date.now();
    current = start();
    current.child.once("exit", (code, signal) => {
      if (stopped) return;
      if (Date.now() - startedAt >= healthyAfter) delay = initial;
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      say(
        `${name} ${how}; restarting it in ${delay < 1000 ? `${delay} ms` : `${Math.round(delay / 1000)} s`} (restart ${restarts + 1}). The rest keeps running; Ctrl-C stops everything.`,
      );
      timer = setTimeout(() => {
        timer = undefined;
        if (stopped) return;
        restarts++;
        launch();
      }, delay);
      delay = Math.min(max, delay * 2);
    });
  };
  launch();

  return {
    name,
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.stop();
    },
  };
}
