import { defineConfig } from "prisma/config";

// Used by the Prisma CLI only (generate here; migrate deploy where its engine exists).
// The app itself connects through @prisma/adapter-pg with the URL from lib/env.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/backout",
  },
});
