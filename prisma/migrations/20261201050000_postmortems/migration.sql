-- plan §8: a post-mortem per incident (the commander's words; the facts are read from the record
-- each time, so they cannot be edited away) and action items with an owner, a due date and a state.
CREATE TYPE "PostmortemStatus" AS ENUM ('draft', 'in_review', 'published');

CREATE TABLE "postmortems" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "incidentId" UUID NOT NULL,
    "status" "PostmortemStatus" NOT NULL DEFAULT 'draft',
    "rootCause" TEXT NOT NULL DEFAULT '',
    "detection" TEXT NOT NULL DEFAULT '',
    "wentWell" TEXT NOT NULL DEFAULT '',
    "wentWrong" TEXT NOT NULL DEFAULT '',
    "preventive" TEXT NOT NULL DEFAULT '',
    "history" JSONB NOT NULL DEFAULT '[]',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "postmortems_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "postmortems_incidentId_key" ON "postmortems"("incidentId");
ALTER TABLE "postmortems" ADD CONSTRAINT "postmortems_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "action_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "incidentId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "owner" TEXT NOT NULL DEFAULT '',
    "dueDate" DATE,
    "isDone" BOOLEAN NOT NULL DEFAULT false,
    "doneBy" TEXT,
    "doneAt" TIMESTAMPTZ(3),
    "source" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "action_items_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "action_items_incidentId_idx" ON "action_items"("incidentId");
CREATE INDEX "action_items_isDone_dueDate_idx" ON "action_items"("isDone", "dueDate");
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
