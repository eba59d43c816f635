import { z } from "zod";
import { json, route } from "@/lib/http/route";
import { callTarget } from "@/lib/target-ops/http";

// plan §5.1: "STOP all writes to database: curl -X POST .../api/maintenance/enable"
export const POST = route(
  {
    role: "engineer",
    target: "of-request",
    params: z.object({
      action: z.enum(["enable", "disable"], { error: "use /api/maintenance/enable or /api/maintenance/disable" }),
    }),
  },
  async ({ params, target }) => {
    const path = params.action === "enable" ? target.http.maintenanceEnablePath : target.http.maintenanceDisablePath;
    const res = await callTarget(target, "POST", path, `maintenance ${params.action}`);
    return json({ target: target.name, maintenance: params.action === "enable", result: res.body }, res.status);
  },
);
