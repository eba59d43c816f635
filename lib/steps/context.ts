export type OutputStream = "stdout" | "stderr" | "info";

export type StepContext = {
  /** Aborted on cancel or timeout; `signal.reason` is a StepAbort. */
  signal: AbortSignal;
  output: (stream: OutputStream, line: string) => void;
  progress: (percent: number, message?: string) => void;
  /** Lets the engine remember a child's process group so a crashed run can clean it up. */
  /** The child is started only once this resolves (its pid durably recorded). */
  onSpawn?: (pid: number) => Promise<void> | void;
};

export type StepResult = Record<string, unknown>;

/** A step that ran and did not do what it should: the message says what and what to do next. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly result?: StepResult,
  ) {
    super(message);
    this.name = "StepFailure";
  }
}

export class StepAbort extends Error {
  constructor(
    readonly why: "cancelled" | "timeout",
    message: string,
  ) {
    super(message);
    this.name = "StepAbort";
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new StepAbort("cancelled", "cancelled");
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
