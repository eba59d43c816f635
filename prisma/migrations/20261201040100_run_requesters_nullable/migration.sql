-- Prisma keeps scalar lists in nullable arrays (its own migration for `String[] @default([])`);
-- schema.prisma and the database must agree. The default still fills every new row.
ALTER TABLE "runs" ALTER COLUMN "requestedByIds" DROP NOT NULL;
