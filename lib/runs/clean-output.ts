import stripAnsi from "strip-ansi";

/**
 * A line of a step's output as it is kept: plain text. Terminal colour and cursor codes (pm2's
 * coloured output) would show as raw escapes in the browser and in a follower's terminal log, and
 * Postgres refuses NUL. Long lines are cut at 4,000 characters.
 */
export function cleanOutputLine(line: string): string {
  return stripAnsi(line)
    .replace(/\u0000/g, "\uFFFD")
    .slice(0, 4000);
}
