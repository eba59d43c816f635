#!/usr/bin/env bash
# plan §11.2 Database Backup Script, driven through Backout: pg_dump | gzip into the target's
# backup folder, size reported, only the newest N kept (targets.json: postgres.keepBackups).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/follow-run.mjs db-backup
