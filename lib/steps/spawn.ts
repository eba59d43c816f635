import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import type { Readable, Writable } from "node:stream";
import { baseChildEnv } from "../env";
import { StepFailure, throwIfAborted, type StepContext } from "./context";
import { redactSpec } from "../runs/redact";

export type SpawnOptions = {
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Pipe this stream into the child's stdin. */
  stdin?: Readable;
  /** Send stdout here instead of streaming it line by line. */
  stdoutTo?: Writable;
  expectExitCodes?: number[];
  /** Keep stdout lines in the result (for small outputs such as git rev-parse). */
  captureStdout?: boolean;
};

const KILL_GRACE_MS = 2000;

/** Kills a whole process group: npm, sh -c and their children go together. */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGTERM"): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs argv (never through a shell) in its own process group, streaming output line by line.
 * On abort (cancel or timeout) the group gets SIGTERM, then SIGKILL after a grace period.
 */
export async function runProcess(
  opts: SpawnOptions,
  ctx: StepContext,
): Promise<{ exitCode: number; stdout: string[] }> {
  throwIfAborted(ctx.signal);
  const [cmd, ...args] = opts.argv;
  // The command waits at a gate (a line on fd 3) until its pid is on record: a worker killed in
  // between leaves nothing running that no one knows of, since the gate's pipe closes with it and
  // the command never starts. `exec` keeps the pid (and the process group) the recorded ones.
  const child: ChildProcess = spawn(
    "/bin/sh",
    ["-c", 'IFS= read -r _ <&3 || exit 125; exec 3<&-; exec "$@"', "sh", cmd!, ...args],
    {
      cwd: opts.cwd,
      env: { ...baseChildEnv(), ...opts.env } as NodeJS.ProcessEnv,
      detached: true,
      stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe", "pipe"],
    },
  );
  const gate = child.stdio[3] as Writable | null;
  try {
    if (child.pid) await ctx.onSpawn?.(child.pid);
    // Cancelled (or timed out) while the pid was being recorded: the abort listener below is not
    // attached yet, so the command must not start at all.
    throwIfAborted(ctx.signal);
  } catch (e) {
    // Not on record, or no longer wanted: the command must not start.
    if (child.pid) killGroup(child.pid, "SIGKILL");
    throw e;
  }
  gate?.end("go\n");
  if (opts.stdin && child.stdin) opts.stdin.pipe(child.stdin);

  const stdout: string[] = [];
  if (opts.stdoutTo) child.stdout!.pipe(opts.stdoutTo);
  else
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (opts.captureStdout) stdout.push(line);
      ctx.output("stdout", line);
    });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => ctx.output("stderr", line));

  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (!child.pid) return;
    killGroup(child.pid, "SIGTERM");
    killTimer = setTimeout(() => child.pid && killGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });

  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once("error", (e: NodeJS.ErrnoException) =>
        reject(
          new StepFailure(
            e.code === "ENOENT"
              ? `${cmd}: command not found; install it or fix the target's commands in the targets file`
              : `${cmd}: ${e.message}`,
          ),
        ),
      );
      child.once("close", (code: number | null, signal: NodeJS.Signals | null) => resolve(code ?? (signal ? 128 : 1)));
    });
    throwIfAborted(ctx.signal);
    // The shell that starts the command says 127 when there is no such command.
    if (exitCode === 127 && !(opts.expectExitCodes ?? [0]).includes(127))
      throw new StepFailure(
        `${cmd}: command not found (or it exited with 127); install it or fix the target's commands in the targets file`,
        { exitCode },
      );
    const expected = opts.expectExitCodes ?? [0];
    if (!expected.includes(exitCode))
      throw new StepFailure(
        `${redactSpec(opts.argv.join(" "))} exited with ${exitCode} (expected ${expected.join(" or ")})`,
        {
          exitCode,
        },
      );
    return { exitCode, stdout };
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    if (killTimer) clearTimeout(killTimer);
  }
}
