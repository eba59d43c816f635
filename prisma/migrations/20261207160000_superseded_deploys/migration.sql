-- Issue 16: a deploy announced by CI whose watch a later deploy run of Backout's own replaced.
ALTER TYPE "DeployStatus" ADD VALUE IF NOT EXISTS 'superseded';
