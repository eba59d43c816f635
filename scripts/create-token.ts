// `npm run token -- [name] [role]`: creates an API token directly in the database (for the
// person who runs Backout on this machine) and prints it once. Admins can also create tokens
// over the API (POST /api/tokens).
import { stackEnv } from "./stack-env";

Object.assign(process.env, stackEnv("dev"));
const { createDb } = await import("../lib/db/client");
const { createApiToken } = await import("../lib/auth/tokens");
const { TOKEN_ROLES: ROLES } = await import("../lib/auth/roles");

const [name = "cli", role = "engineer"] = process.argv.slice(2);
if (!(ROLES as readonly string[]).includes(role)) {
  console.error(`role must be one of: ${ROLES.join(", ")}`);
  process.exit(2);
}
const db = createDb();
const t = await createApiToken({ db, name, role: role as (typeof ROLES)[number] });
console.log(`API token "${t.name}" (${t.role}), shown once:\n\n  export BACKOUT_TOKEN=${t.token}\n`);
await db.$disconnect();
