import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client";
import { env } from "../env";

export type Db = PrismaClient;

export function createDb(url = env.DATABASE_URL, max = 10): Db {
  const adapter = new PrismaPg({ connectionString: url, max });
  return new PrismaClient({ adapter });
}

// One client per process; kept on globalThis so Next's dev reloads don't open new pools.
const g = globalThis as unknown as { backoutDb?: Db };

export function db(): Db {
  g.backoutDb ??= createDb();
  return g.backoutDb;
}
