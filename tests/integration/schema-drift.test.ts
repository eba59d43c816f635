import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { backoutSql } from "./support/api";

// prisma migrate diff needs the schema engine, which cannot be downloaded here; this test does
// the same job for the features our schema uses: it fails when schema.prisma and the migrated
// database disagree on tables, columns, types, nullability, enums, keys or indexes.

type Column = { name: string; type: string; nullable: boolean };
type Table = { name: string; columns: Column[]; primaryKey: string[]; unique: string[][]; indexes: string[][] };

function parseSchema(text: string) {
  const enums = new Map<string, string[]>();
  for (const m of text.matchAll(/^enum (\w+) \{\n([\s\S]*?)^\}/gm))
    enums.set(
      m[1]!,
      m[2]!
        .split("\n")
        .map((l) => l.replace(/\/\/.*/, "").trim())
        .filter(Boolean),
    );
  const modelNames = [...text.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]!);
  const tables: Table[] = [];
  for (const m of text.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const body = m[2]!;
    const tableName = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? m[1]!;
    const table: Table = { name: tableName, columns: [], primaryKey: [], unique: [], indexes: [] };
    const colName = new Map<string, string>();
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*/, "").trim();
      if (!line || line.startsWith("@@")) continue;
      const [field, typeDecl] = line.split(/\s+/);
      const base = typeDecl!.replace(/[?[\]]/g, "");
      if (modelNames.includes(base)) continue; // relation field
      const isList = typeDecl!.endsWith("[]");
      const name = /@map\("([^"]+)"\)/.exec(line)?.[1] ?? field!;
      colName.set(field!, name);
      let type: string;
      // Prisma keeps scalar lists in nullable Postgres arrays.
      if (isList) type = "ARRAY";
      else if (enums.has(base)) type = `enum:${base}`;
      else if (/@db\.Uuid/.test(line)) type = "uuid";
      else if (/@db\.Date\b/.test(line)) type = "date";
      else if (/@db\.Timestamptz\((\d)\)/.test(line))
        type = `timestamp with time zone(${/@db\.Timestamptz\((\d)\)/.exec(line)![1]})`;
      else
        type =
          (
            {
              String: "text",
              Int: "integer",
              BigInt: "bigint",
              Boolean: "boolean",
              Json: "jsonb",
              DateTime: "timestamp without time zone(3)",
              Float: "double precision",
            } as Record<string, string>
          )[base] ?? `?${base}`;
      table.columns.push({ name, type, nullable: typeDecl!.endsWith("?") || isList });
      if (/@id\b/.test(line)) table.primaryKey = [name];
      if (/@unique\b/.test(line)) table.unique.push([name]);
    }
    const cols = (s: string) => s.split(",").map((f) => colName.get(f.trim()) ?? f.trim());
    for (const u of body.matchAll(/@@unique\(\[([^\]]+)\]/g)) table.unique.push(cols(u[1]!));
    for (const u of body.matchAll(/@@index\(\[([^\]]+)\]/g)) table.indexes.push(cols(u[1]!));
    for (const u of body.matchAll(/@@id\(\[([^\]]+)\]/g)) table.primaryKey = cols(u[1]!);
    tables.push(table);
  }
  return { enums, tables };
}

async function readDatabase() {
  const enumRows = await backoutSql<{ name: string; values: string[] }>(
    `SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  const columns = await backoutSql<{
    table: string;
    name: string;
    type: string;
    udt: string;
    nullable: string;
    precision: number | null;
  }>(
    `SELECT table_name AS table, column_name AS name, data_type AS type, udt_name AS udt, is_nullable AS nullable, datetime_precision AS precision
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  );
  const indexes = await backoutSql<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(
    `SELECT c.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
     WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
     GROUP BY i.indexrelid, c.relname, i.indisunique, i.indisprimary`,
  );
  const tables = new Map<string, Table>();
  for (const c of columns) {
    const t = tables.get(c.table) ?? { name: c.table, columns: [], primaryKey: [], unique: [], indexes: [] };
    tables.set(c.table, t);
    const type =
      c.type === "USER-DEFINED"
        ? `enum:${c.udt}`
        : c.type.startsWith("timestamp")
          ? `${c.type}(${c.precision})`
          : c.type;
    t.columns.push({ name: c.name, type, nullable: c.nullable === "YES" });
  }
  for (const i of indexes) {
    const t = tables.get(i.table)!;
    if (i.primary) t.primaryKey = i.columns;
    else if (i.unique) t.unique.push(i.columns);
    else t.indexes.push(i.columns);
  }
  return { enums: new Map(enumRows.map((e) => [e.name, e.values])), tables: [...tables.values()] };
}

const normal = (tables: Table[]) =>
  Object.fromEntries(
    tables.map((t) => [
      t.name,
      {
        columns: Object.fromEntries(
          [...t.columns]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((c) => [c.name, `${c.type}${c.nullable ? " NULL" : " NOT NULL"}`]),
        ),
        primaryKey: t.primaryKey,
        unique: t.unique.map((u) => u.join(",")).sort(),
        indexes: t.indexes.map((u) => u.join(",")).sort(),
      },
    ]),
  );

describe("schema.prisma and the migrated database", () => {
  it("agree on every table, column, type, nullability, enum, key and index", async () => {
    const schema = parseSchema(fs.readFileSync(path.join(import.meta.dirname, "../../prisma/schema.prisma"), "utf8"));
    const db = await readDatabase();
    expect(Object.fromEntries(db.enums)).toEqual(Object.fromEntries(schema.enums));
    expect(normal(db.tables)).toEqual(normal(schema.tables));
  });

  it("records every migration folder as applied, as prisma migrate deploy would", async () => {
    const dirs = fs
      .readdirSync(path.join(import.meta.dirname, "../../prisma/migrations"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    const rows = await backoutSql<{ migration_name: string; finished_at: Date | null; checksum: string }>(
      `SELECT migration_name, finished_at, checksum FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(dirs);
    expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });
});
