#!/usr/bin/env bash
# Progress writes per second over HTTP: starts the site (Release) with a throwaway database, opts
# in N readers, then has wrk open part pages as those readers for a few seconds. Every part page an
# opted-in reader opens is one write transaction (started, the part before finished, last activity).
# For scale, the same pages are then read anonymously (no database work at all).
# Usage: bash bench/progress-writes.sh [port] [readers] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-5101}
readers=${2:-32}
seconds=${3:-10}
threads=$(( readers < 2 ? readers : 2 ))
site=http://127.0.0.1:$port
data=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -- -"$pid" 2>/dev/null; rm -rf "$data"' EXIT

dotnet build src/Relational.Web -c Release -v quiet -nologo >/dev/null
ASPNETCORE_URLS=$site ASPNETCORE_ENVIRONMENT=Production Site__PublicOrigin=$site Progress__DatabasePath="$data/progress.db" \
  Content__WatchForChanges=false \
  setsid dotnet run --no-build -c Release --no-launch-profile --project src/Relational.Web >"$data/site.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -fs "$site/healthz" >/dev/null && break; sleep 0.5; done

for _ in $(seq 1 "$readers"); do
  curl -s -o /dev/null -D - -X POST -H 'Sec-Fetch-Site: same-origin' --data "article=healing-trauma-in-relationship" \
    "$site/progress/remember" | sed -n 's/^[Ss]et-[Cc]ookie: relational-reader=\([^;]*\);.*/\1/p'
done >"$data/cookies"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf 'opted-in (%s readers, a write each): ' "$(wc -l <"$data/cookies")"
PROGRESS_COOKIES="$data/cookies" wrk -t"$threads" -c"$readers" -d"${seconds}s" -s bench/progress-writes.lua "$site" | sed -n 's/^RESULT //p'
printf 'anonymous (no database work):        '
PROGRESS_COOKIES="" wrk -t"$threads" -c"$readers" -d"${seconds}s" -s bench/progress-writes.lua "$site" | sed -n 's/^RESULT //p'
echo "rows in part_progress: $(sqlite3 "$data/progress.db" 'SELECT count(*) FROM part_progress') (readers x parts at most)"
