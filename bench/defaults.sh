#!/usr/bin/env bash
# The image's own settings against a configured site (issue 22): publishes a Release build and
# starts it with the Dockerfile's ENV lines (read from the Dockerfile; only the port and the paths
# inside the image changed), behind a proxy that passes its own Host (nginx's `Host $http_host`):
#   1. as shipped, nothing added: it refuses to start, or (if it starts) is measured too;
#   2. as shipped plus the one setting it asks for, Site__PublicOrigin (compose's PUBLIC_ORIGIN);
#   3. configured: the public origin and AllowedHosts naming it.
# Rounds of 2 and 3 alternate; prints req/s, p99, whether the page came from memory (Age) and
# the ratio 2 / 3 (goal: >= 0.90). Everything stays on loopback and is stopped when it ends.
#
#   bash bench/defaults.sh
#
# Settings (environment): BENCH_SITE_PORT (5107), BENCH_ROUNDS (3), BENCH_ROUND_SECONDS (10).
# Work files and logs go to bench/out/defaults/.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROOT=$PWD
PORT=${BENCH_SITE_PORT:-5107}
ROUNDS=${BENCH_ROUNDS:-3}
ROUND_SECONDS=${BENCH_ROUND_SECONDS:-10}
SITE=http://127.0.0.1:$PORT
NAME=reading.example.org
PART=/healing-trauma-in-relationship/safety-is-built-not-assumed
OUT=$ROOT/bench/out/defaults

need_tools wrk curl

SITE_PID=""
stop_site() {
  [ -z "$SITE_PID" ] || stop_pid "$SITE_PID"
  SITE_PID=""
}
trap stop_site EXIT INT TERM
rm -rf "$OUT"
mkdir -p "$OUT/data"

echo "Publishing a Release build…"
publish_site "$OUT/publish"

# The Dockerfile's ENV pairs, one per line, without the port and the paths inside the image.
IMAGE_ENV=()
while IFS= read -r pair; do IMAGE_ENV+=("$pair"); done < <(
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' Dockerfile | awk '/^ENV / { for (i = 2; i <= NF; i++) print $i }' |
    grep -vE '^(ASPNETCORE_HTTP_PORTS|Content__Path|Progress__DatabasePath)=')

# start NAME [ENV=VALUE…]: the published site, as the image runs it, on $SITE. Returns 1 if it exits.
start() {
  local name=$1; shift
  if curl -s -o /dev/null "$SITE/healthz"; then
    echo "something is already listening on $SITE; stop it or set BENCH_SITE_PORT" >&2; exit 1
  fi
  ( cd "$OUT/publish" && exec env -u Site__PublicOrigin -u AllowedHosts "${IMAGE_ENV[@]}" ASPNETCORE_URLS="$SITE" \
      Content__Path="$ROOT/content" Progress__DatabasePath="$OUT/data/$name.db" "$@" \
      dotnet Relational.Web.dll >"$OUT/$name.log" 2>"$OUT/$name.err" ) &
  SITE_PID=$!
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$SITE/healthz" && return 0
    kill -0 "$SITE_PID" 2>/dev/null || { wait "$SITE_PID" || echo $? >"$OUT/$name.exit"; SITE_PID=""; return 1; }
    sleep 0.1
  done
  echo "the site ($name) did not start within 60 s" >&2; exit 1
}

# round NAME: the part page, gzip, 32 connections, Host as the proxy passes it. Prints "req/s p99".
round() {
  local file
  file="$OUT/$1-$(date +%s%N).txt"
  wrk -t2 -c32 -d"${ROUND_SECONDS}s" --latency -H "Host: $NAME" -H 'Accept-Encoding: gzip' "$SITE$PART" >"$file" 2>&1
  awk '/^Requests\/sec:/ { rps = $2 } /^ +99%/ { p99 = $2 } END { printf "%.0f %s\n", rps, p99 }' "$file"
}

kept() { curl -s -o /dev/null -D - -H "Host: $NAME" -H 'Accept-Encoding: gzip' "$SITE$PART" | grep -qi '^age:' && echo yes || echo no; }

declare -A RPS P99 KEPT
measure() {
  local name=$1
  wrk -t2 -c32 -d3s -H "Host: $NAME" -H 'Accept-Encoding: gzip' "$SITE$PART" >/dev/null 2>&1
  KEPT[$name]=$(kept)
  read -r rps p99 < <(round "$name")
  RPS[$name]="${RPS[$name]:-}${RPS[$name]:+, }$rps"
  P99[$name]="${P99[$name]:-}${P99[$name]:+, }$p99"
}

echo "1. As shipped…"
if start bare; then
  bare="starts"
  measure bare
  stop_site
else
  bare="refuses: exit $(cat "$OUT/bare.exit" 2>/dev/null || echo '?'): $(head -c 300 "$OUT/bare.err")"
fi

for r in $(seq 1 "$ROUNDS"); do
  echo "Round $r of $ROUNDS…"
  start origin Site__PublicOrigin="https://$NAME" || { echo "the site with its origin stopped: $(cat "$OUT/origin.err")" >&2; exit 1; }
  measure origin
  stop_site
  start configured Site__PublicOrigin="https://$NAME" AllowedHosts="$NAME" || { echo "the configured site stopped: $(cat "$OUT/configured.err")" >&2; exit 1; }
  measure configured
  stop_site
done

sum() { echo "$1" | tr ',' '\n' | awk '{ s += $1 } END { print s + 0 }'; }
ratio=$(awk -v a="$(sum "${RPS[origin]}")" -v b="$(sum "${RPS[configured]}")" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')

echo
echo "Relational as the image ships it against a configured site, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before run: $LOAD_BEFORE"
echo "Image ENV used: ${IMAGE_ENV[*]}; requests name Host: $NAME"
echo
echo "| Site | Kept in memory | req/s (each round) | p99 (each round) |"
echo "| --- | --- | --- | --- |"
if [ "$bare" = starts ]; then
  echo "| 1. as shipped | ${KEPT[bare]} | ${RPS[bare]} | ${P99[bare]} |"
else
  echo "| 1. as shipped | $bare | | |"
fi
echo "| 2. as shipped + Site__PublicOrigin | ${KEPT[origin]} | ${RPS[origin]} | ${P99[origin]} |"
echo "| 3. configured (+ AllowedHosts) | ${KEPT[configured]} | ${RPS[configured]} | ${P99[configured]} |"
echo
echo "Ratio 2 / 3: ${ratio}x (goal >= 0.90x: $(awk -v r="$ratio" 'BEGIN { print (r >= 0.9 ? "pass" : "FAIL") }'))"
echo "Raw output: bench/out/defaults/"
