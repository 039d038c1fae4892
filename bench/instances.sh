#!/usr/bin/env bash
# Several instances, proven (for people; the same test runs in tests/run-all.sh): one throwaway
# PostgreSQL, the site published once and started twice, nginx round robin in front. Readers opt in
# and read every part through nginx; progress, export and resume link must agree on both instances;
# Forget on one is seen by the other; one instance is SIGKILLed mid-reading and restarted. Prints
# one line: readers, opted-in views, kills, acknowledged writes, rows lost, rows seen by the wrong
# reader. Loopback only, bounded (a few hundred requests, about two minutes).
#
#   bash bench/instances.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_tools postgresql nginx
report=$(mktemp)
trap 'rm -f "$report"' EXIT
RELATIONAL_INSTANCES_REPORT=$report dotnet test tests/Relational.Tests -c Release --nologo \
  --filter "FullyQualifiedName~SeveralInstancesTests" --logger "console;verbosity=minimal" >/dev/null \
  || { echo "the several-instances run failed: run the test for details:"; echo "  dotnet test tests/Relational.Tests --filter SeveralInstancesTests"; exit 1; }
cat "$report"
