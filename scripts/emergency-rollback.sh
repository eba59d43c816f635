#!/usr/bin/env bash
# plan §11.1 Emergency Rollback Script, driven through Backout: the worker runs the eight steps,
# this follows them live. Usage: ./scripts/emergency-rollback.sh [release]   (default: the
# release before the one deployed now). Exits non-zero when the rollback fails.
set -euo pipefail

echo "🚨 EMERGENCY ROLLBACK INITIATED 🚨"
cd "$(dirname "$0")/.."

# Our output goes through tee into the log; the follower draws its progress bar if a terminal is behind it.
if [ -t 1 ]; then export BACKOUT_FOLLOW_TTY=1; fi

LOG_DIR="${BACKOUT_LOG_DIR:-.data/logs}"
mkdir -p "$LOG_DIR"
LOG_FILE="$LOG_DIR/rollback_$(date +%Y%m%d_%H%M%S).log"
exec > >(tee -a "$LOG_FILE")
exec 2>&1

echo "Rollback to: ${1:-previous release}"
echo "Started at: $(date)"
status=0
node scripts/follow-run.mjs emergency ${1:+"release=$1"} || status=$?
echo "Completed at: $(date)"
echo "Log file: $LOG_FILE"
exit $status
