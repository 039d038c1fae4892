#!/usr/bin/env bash
# Issue 16's attack on the page cache, measured: normal-page throughput before and after 10,000
# requests for addresses that are not a page's canonical one (distinct Host names, other ports,
# other cases, trailing slashes). Publishes a Release build, starts it on 127.0.0.1 and prints
# one table. Everything stays on loopback; what it starts is stopped when it ends.
#
#   bash bench/cache-attack.sh
#
# Settings (environment): BENCH_SITE_PORT (5105), BENCH_ROUND_SECONDS (8), BENCH_ATTACK_REQUESTS
# (10000). Work files and logs go to bench/out/cache-attack/.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROOT=$PWD
PORT=${BENCH_SITE_PORT:-5105}
ROUND_SECONDS=${BENCH_ROUND_SECONDS:-8}
REQUESTS=${BENCH_ATTACK_REQUESTS:-10000}
SITE=http://127.0.0.1:$PORT
ARTICLE=/healing-trauma-in-relationship
PART=$ARTICLE/safety-is-built-not-assumed
OUT=$ROOT/bench/out/cache-attack

need_tools wrk curl

SITE_PID=""
cleanup() { [ -z "$SITE_PID" ] || stop_pid "$SITE_PID"; }
trap cleanup EXIT INT TERM
rm -rf "$OUT"
mkdir -p "$OUT/data"

echo "Publishing a Release build…"
publish_site "$OUT/publish"

if curl -s -o /dev/null "$SITE/healthz"; then
  echo "something is already listening on $SITE; stop it or set BENCH_SITE_PORT" >&2
  exit 1
fi
# Staging, where Site:PublicOrigin may be left out: without it pages depend on the Host, which is
# what this attack aims at (Production requires the origin, and then every Host gets one copy).
( cd "$OUT/publish" && exec env ASPNETCORE_URLS="$SITE" ASPNETCORE_ENVIRONMENT=Staging \
    Content__Path="$ROOT/content" Content__WatchForChanges=false \
    Progress__DatabasePath="$OUT/data/progress.db" \
    dotnet Relational.Web.dll >>"$OUT/site.log" 2>&1 ) &
SITE_PID=$!
for _ in $(seq 1 3000); do
  curl -fs -o /dev/null "$SITE/healthz" && break
  kill -0 "$SITE_PID" 2>/dev/null || { echo "the site stopped; see $OUT/site.log" >&2; exit 1; }
  sleep 0.01
done

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SITE_PID/status"; }
# Normal reading: the part page, gzip, 32 connections. Prints requests per second.
throughput() {
  wrk -t2 -c32 -d"${ROUND_SECONDS}s" -H 'Accept-Encoding: gzip' "$SITE$PART" >"$OUT/$1.txt" 2>&1
  awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$OUT/$1.txt"
}

echo "Warming up, then measuring normal pages…"
wrk -t2 -c32 -d15s -H 'Accept-Encoding: gzip' "$SITE$PART" >/dev/null 2>&1
before1=$(throughput before-1)
before2=$(throughput before-2)
rss_before=$(rss_kb)
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$SITE_PID/status"; }

echo "Sending ${REQUESTS} requests for non-canonical addresses…"
# One curl config entry per request, written by awk in one go. The four kinds take turns: a made-up
# name, our address on another port, one letter of a page in upper case, a trailing slash.
awk -v n="$REQUESTS" -v site="$SITE" -v own="127.0.0.1:$PORT" -v article="$ARTICLE" -v part="$PART" 'BEGIN {
  split("/ " article " " part " " article "/all /staying-safe /preferences", pages, " ")
  for (i = 1; i <= n; i++) {
    page = pages[1 + i % 6]; named = pages[2 + i % 5]; kind = i % 4
    if (kind == 0) { host = "reader" i ".example"; path = page }
    else if (kind == 1) { host = "127.0.0.1:" (1 + i % 65535); path = page }
    else if (kind == 2) { host = own; at = 2 + i % (length(named) - 1); path = substr(named, 1, at - 1) toupper(substr(named, at, 1)) substr(named, at + 1) }
    else { host = own; path = named "/" }
    printf "url = \"%s%s\"\nheader = \"Host: %s\"\nheader = \"Accept-Encoding: gzip\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code} %%{exitcode} %%{urlnum}\\n\"\nnext\n", site, path, host
  }
}' >"$OUT/attack.curl"
start=$(date +%s%N)
curl -s --parallel --parallel-max 8 -K "$OUT/attack.curl" >"$OUT/attack-statuses.txt" || true
attack_ms=$(( ($(date +%s%N) - start) / 1000000 ))
statuses=$(awk '{ print $1 }' "$OUT/attack-statuses.txt" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
# A transfer without a status (000) says why in curl's exit code (7: refused, 52: empty reply, 56:
# reset). Exit 2 (failed to start) and 42 (aborted) are curl's own, seen now and then with
# --parallel: those requests are sent again one at a time, so every request still reaches the site.
unanswered=$(awk '$1 == "000" { print $2 }' "$OUT/attack-statuses.txt" | sort | uniq -c | awk '{ printf "%scurl exit %s x%s", sep, $2, $1; sep = ", " }')
: >"$OUT/again-statuses.txt"
if [ -n "$unanswered" ]; then
  awk 'NR == FNR { if ($1 == "000" && ($2 == 2 || $2 == 42)) again[$3] = 1; next }
       { entry = int((FNR - 1) / 6) } entry in again { print }' "$OUT/attack-statuses.txt" "$OUT/attack.curl" >"$OUT/again.curl"
  [ -s "$OUT/again.curl" ] && curl -s -K "$OUT/again.curl" >"$OUT/again-statuses.txt" || true
  again=$(awk '{ print $1 }' "$OUT/again-statuses.txt" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
  statuses="$statuses; without a status: $unanswered${again:+; sent again one at a time: $again}"
fi
answered=$(cat "$OUT/attack-statuses.txt" "$OUT/again-statuses.txt" | grep -cE '^(200|301) ' || true)

after1=$(throughput after-1)
after2=$(throughput after-2)
rss_after=$(rss_kb)
peak=$(hwm_kb)
ratio=$(awk -v a="$((after1 + after2))" -v b="$((before1 + before2))" 'BEGIN { printf "%.3f", a / b }')
verdict() { if [ "$1" = 1 ]; then echo pass; else echo FAIL; fi; }

echo
echo "Relational page cache under attack, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before run: $LOAD_BEFORE"
echo
echo "| Measure | Goal | Measured | Result |"
echo "| --- | --- | --- | --- |"
echo "| Non-canonical requests answered (200 page or 301) | all ${REQUESTS} | ${answered} in ${attack_ms} ms (${statuses}) | $(verdict "$([ "$answered" -eq "$REQUESTS" ] && echo 1 || echo 0)") |"
echo "| Part page throughput after / before | >= 0.80x | ${ratio}x (${before1}, ${before2} -> ${after1}, ${after2} req/s) | $(verdict "$(awk -v r="$ratio" 'BEGIN { print (r >= 0.8) }')") |"
echo "| Memory: RSS before -> after the attack, peak | peak <= 200 MB (bench/run.sh's target) | $((rss_before / 1024)) MB -> $((rss_after / 1024)) MB, peak $((peak / 1024)) MB | $(verdict "$([ "$peak" -le $((200 * 1024)) ] && echo 1 || echo 0)") |"
echo
echo "Raw output: bench/out/cache-attack/"
