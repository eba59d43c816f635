import { afterAll } from "vitest";
import { backoutSql } from "./api";

// A run on a target lands on the timeline of the incident open on it, wherever it was started.
// Each file closes the incidents it left open, so the next file's runs do not join them.
afterAll(async () => {
  await backoutSql(`UPDATE incidents SET status = 'resolved', "resolvedAt" = now() WHERE status <> 'resolved'`);
});
