#!/usr/bin/env bash
# `npm test`: every suite. PostgreSQL suites run when TEST_DATABASE_URL_PG is set
# (e.g. postgresql://postgres@127.0.0.1:5432/test); .ci/run sets it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

echo "== typecheck"
npx tsc --noEmit

# Tests are arranged by kind: unit tests beside the code in src/, then
# tests/<kind>/<domain> for integration, concurrency, api, db, multiprocess and e2e.
echo "== vitest: unit, integration, concurrency, api, db"
npx vitest run --exclude "tests/multiprocess/**"

# The multi-process suites start 4 servers (and 4 client processes) each; on a
# 2-core machine they get the machine to themselves, one file at a time.
echo "== vitest: multi-process (real OS processes)"
npx vitest run tests/multiprocess --no-file-parallelism

echo "== next build"
npx next build

echo "== playwright: multi-tab end-to-end"
npx playwright test
