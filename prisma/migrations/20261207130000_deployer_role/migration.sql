-- Issue 16: API tokens for CI that announce deploys and read their verdicts, and nothing else.
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'deployer' BEFORE 'viewer';
