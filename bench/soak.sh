#!/usr/bin/env bash
# The 5-minute soak (issue: "Safe under hostile input, faults and load"). Publishes a Release
# build, starts it on 127.0.0.1 with a fresh SQLite file, opts a set of readers in, then drives a
# steady mix for SOAK_SECONDS in equal segments: anonymous readers, opted-in readers opening parts
# (a database write each), progress forms, and hostile requests. After each segment it records the
# site's memory (RSS), latency (p50, p99), throughput and 5xx count. Ends with first vs last segment;
# exits 1 if memory or p99 latency grew by more than half, or if any 5xx was seen.
#
#   bash bench/soak.sh
#
# Settings (environment): SOAK_PORT (5104), SOAK_SECONDS (300), SOAK_SEGMENTS (10),
# SOAK_CONNECTIONS (16), SOAK_READERS (50). Logs and the database go to bench/out/soak/.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROOT=$PWD
PORT=${SOAK_PORT:-5104}
SECONDS_TOTAL=${SOAK_SECONDS:-300}
SEGMENTS=${SOAK_SEGMENTS:-10}
CONNECTIONS=${SOAK_CONNECTIONS:-16}
READERS=${SOAK_READERS:-50}
SITE=http://127.0.0.1:$PORT
ARTICLE=healing-trauma-in-relationship
OUT=$ROOT/bench/out/soak

need_tools wrk curl

rm -rf "$OUT" && mkdir -p "$OUT"
echo "Publishing a Release build…"
publish_site "$OUT/app"

SITE_PID=""
stop_site() { [ -z "$SITE_PID" ] || stop_pid "$SITE_PID"; }
trap stop_site EXIT

ASPNETCORE_URLS=$SITE ASPNETCORE_ENVIRONMENT=Production Site__PublicOrigin=$SITE \
  Content__Path="$ROOT/content" Content__WatchForChanges=false \
  Progress__DatabasePath="$OUT/progress.db" \
  Safety__PostsPerWindow=1000000 \
  dotnet "$OUT/app/Relational.Web.dll" >"$OUT/site.log" 2>&1 &
SITE_PID=$!
for _ in $(seq 1 100); do curl -fs "$SITE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$SITE/healthz" >/dev/null || { echo "the site did not start"; cat "$OUT/site.log"; exit 1; }

# The parts, from the contents page.
PARTS=$(curl -fs "$SITE/$ARTICLE" | grep -o "href=\"/$ARTICLE/[a-z0-9-]*\"" | cut -d'"' -f2 | grep -v '/all$' | sort -u | tr '\n' ' ')

# Opted-in readers: each asks to be remembered, as the form on a part does.
: >"$OUT/cookies.txt"
for _ in $(seq 1 "$READERS"); do
  curl -s -o /dev/null -D - -X POST -H 'Sec-Fetch-Site: same-origin' \
    --data "article=$ARTICLE&part=trauma-was-formed-in-relationship" "$SITE/progress/remember" \
    | grep -io 'relational-reader=[^;]*' >>"$OUT/cookies.txt" || true
done
[ -s "$OUT/cookies.txt" ] || { echo "no reader could opt in"; exit 1; }

cat >"$OUT/mix.lua" <<'LUA'
-- One request in ten is anonymous reading, most are opted-in readers opening parts, a few post a
-- progress form, and one in twenty is hostile (odd path, forged cookie or token).
local parts, cookies, threads = {}, {}, {}
for p in string.gmatch(os.getenv("SOAK_PARTS"), "%S+") do parts[#parts + 1] = p end
for line in io.lines(os.getenv("SOAK_COOKIES")) do cookies[#cookies + 1] = line end
local n, errors = 0, 0

function setup(thread) threads[#threads + 1] = thread end

function request()
  n = n + 1
  local part = parts[(n % #parts) + 1]
  local cookie = cookies[(n % #cookies) + 1]
  local roll = n % 20
  if roll == 0 then
    return wrk.format("GET", "/%2e%2e/" .. n .. "/%c0%ae?q=<x>")
  elseif roll == 1 then
    return wrk.format("GET", part, { ["Cookie"] = "relational-reader=forged" .. n })
  elseif roll == 2 then
    return wrk.format("GET", "/progress/resume/forged" .. n)
  elseif roll == 3 then
    local slug = string.match(part, "/([^/]+)$")
    return wrk.format("POST", "/progress/finished", {
      ["Cookie"] = cookie, ["Sec-Fetch-Site"] = "same-origin",
      ["Content-Type"] = "application/x-www-form-urlencoded" }, "article=healing-trauma-in-relationship&part=" .. slug)
  elseif roll < 6 then
    return wrk.format("GET", part)
  end
  return wrk.format("GET", part, { ["Cookie"] = cookie })
end

function response(status) if status >= 500 then errors = errors + 1 end end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("errors") or 0) end
  io.write(string.format("SEGMENT p50=%.1f p99=%.1f rps=%.0f requests=%d errors5xx=%d socket=%d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6),
    summary.requests, total, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SITE_PID/status"; }
SEGMENT_SECONDS=$((SECONDS_TOTAL / SEGMENTS))
echo "Soak: ${SECONDS_TOTAL}s in $SEGMENTS segments, $CONNECTIONS connections, $(wc -l <"$OUT/cookies.txt") opted-in readers"
printf '%-8s %8s %9s %9s %8s %6s\n' segment rss_mb p50_ms p99_ms req/s 5xx
results=()
for i in $(seq 1 "$SEGMENTS"); do
  line=$(SOAK_PARTS="$PARTS" SOAK_COOKIES="$OUT/cookies.txt" \
    wrk -t2 -c"$CONNECTIONS" -d"${SEGMENT_SECONDS}s" -s "$OUT/mix.lua" "$SITE" | grep '^SEGMENT')
  p50=$(sed -E 's/.*p50=([0-9.]+).*/\1/' <<<"$line")
  p99=$(sed -E 's/.*p99=([0-9.]+).*/\1/' <<<"$line")
  rps=$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$line")
  e5=$(sed -E 's/.*errors5xx=([0-9]+).*/\1/' <<<"$line")
  mem=$(rss)
  printf '%-8s %8s %9s %9s %8s %6s\n' "$i" "$mem" "$p50" "$p99" "$rps" "$e5"
  results+=("$mem $p50 $p99 $e5")
done

read -r mem1 _ p99_1 _ <<<"${results[0]}"
read -r memN _ p99_N _ <<<"${results[-1]}"
errors=$(printf '%s\n' "${results[@]}" | awk '{s += $4} END {print s + 0}')
rows=$(grep -c . "$OUT/cookies.txt")
echo "first vs last: memory ${mem1} MB -> ${memN} MB, p99 ${p99_1} ms -> ${p99_N} ms, 5xx in all: ${errors}, readers: ${rows}"
# Saves that failed gently (the reader was told "couldn't save"), and anything worse.
failed_saves=$(grep -c 'database is locked' "$OUT/site.log" || true)
others=$(grep '"@l":"Error"\|"@l":"Fatal"' "$OUT/site.log" | grep -vc 'database is locked' || true)
echo "storage: ${failed_saves} spells of 'database is locked' (writes given up after the busy wait; reading went on); other errors logged: ${others}"
awk -v a="$mem1" -v b="$memN" -v p="$p99_1" -v q="$p99_N" -v e="$errors" \
  -v o="$others" 'BEGIN { if (b > a * 1.5 || q > p * 1.5 + 5 || e > 0 || o > 0) { print "NOT FLAT"; exit 1 } print "flat" }'
