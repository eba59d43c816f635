-- CreateTable
CREATE TABLE "checklist_ticks" (
    "id" BIGSERIAL NOT NULL,
    "incidentId" UUID NOT NULL,
    "checklistId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "isTicked" BOOLEAN NOT NULL,
    "isOverride" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "actorLabel" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checklist_ticks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "checklist_ticks_incidentId_itemId_id_idx" ON "checklist_ticks"("incidentId", "itemId", "id");
