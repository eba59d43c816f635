-- Who started a run, as principals ("user:<id>", "token:<id>"): a person is the same whether they
-- act with their session or with a token they made, so they cannot approve their own high-risk run
-- by switching credentials.
ALTER TABLE "runs" ADD COLUMN "requestedByIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
