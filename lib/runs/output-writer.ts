import "server-only";
import { durably, type EngineDeps } from "./durable";
import { appendEvents, LeaseLost, publishEvents, type RunEventInput } from "./events";

/** Batches output lines into few transactions; keeps them until Postgres has them. */
export class OutputWriter {
  private pending: RunEventInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private deps: EngineDeps,
    private runId: string,
  ) {}

  push(e: RunEventInput): void {
    // Progress is a level, not a log: only the newest per step matters.
    if (e.type === "step.progress") {
      const i = this.pending.findIndex((p) => p.type === "step.progress" && p.stepIndex === e.stepIndex);
      if (i >= 0) this.pending.splice(i, 1);
    }
    this.pending.push(e);
    if (this.pending.length >= 200) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), 40);
  }

  /**
   * The lines not yet written, taken to go out with the step's next transition (one statement
   * instead of two: the engine's per-step cost), after every write already under way.
   */
  async take(): Promise<RunEventInput[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      try {
        const records = await durably(this.deps, "output", () =>
          appendEvents(this.deps.db, this.runId, batch, this.deps.workerId),
        );
        // Not awaited: one connection keeps publishes in order, and Postgres already has them.
        void publishEvents(this.deps.redis, records);
      } catch (e) {
        if (e instanceof LeaseLost) return; // the run is another worker's now
        // Keep the lines (in order, ahead of newer ones) for the next flush; never drop them.
        this.pending = [...batch, ...this.pending];
        this.deps.log.error(
          { runId: this.runId, err: (e as Error).message, lines: batch.length },
          "output not recorded yet; will retry",
        );
        this.timer ??= setTimeout(() => void this.flush(), 1000);
      }
    });
    return this.chain;
  }
}
