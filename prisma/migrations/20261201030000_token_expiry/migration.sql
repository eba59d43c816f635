-- API tokens may expire (shown in the list); a token without an expiry lasts until revoked.
ALTER TABLE "api_tokens" ADD COLUMN "expiresAt" TIMESTAMPTZ(3);
