#!/usr/bin/env bash
# `npm test`: every suite. PostgreSQL suites run when TEST_DATABASE_URL_PG is set
# (e.g. postgresql://postgres@127.0.0.1:5432/test); .ci/run sets it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

echo "== typecheck"
npx tsc --noEmit

echo "== vitest: unit, integration, concurrency, multi-process"
npx vitest run

echo "== next build"
npx next build

echo "== playwright: multi-tab end-to-end"
npx playwright test
