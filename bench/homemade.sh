#!/usr/bin/env bash
# The site's home-made pieces against the package or framework way (issue 26). Publishes the site
# as it is and once more with the other way built in (-p:BenchVariant, see Relational.Web.csproj),
# starts the two side by side on 127.0.0.1 and measures them with wrk in alternating rounds, the
# order swapped every round, so only their ratio in the same run counts. The piece left to weigh:
# Performance/ContentCodings.cs against Response Compression's own IResponseCompressionProvider
# choosing the coding, on the part page (kept pages are looked up by that coding).
#
#   bash bench/homemade.sh
#
# Settings (environment): BENCH_SITE_PORT (5121; the other way on the next port, management
# addresses ten ports up), BENCH_ROUNDS (3), BENCH_ROUND_SECONDS (10), BENCH_WARMUP_SECONDS (15).
# Work files and logs go to bench/out/homemade/.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROOT=$PWD
BENCH=$ROOT/bench
PORT=${BENCH_SITE_PORT:-5121}
ROUNDS=${BENCH_ROUNDS:-3}
ROUND_SECONDS=${BENCH_ROUND_SECONDS:-10}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-15}
HOME_MADE=http://127.0.0.1:$PORT
FRAMEWORK_WAY=http://127.0.0.1:$((PORT + 1))
ARTICLE=/healing-trauma-in-relationship
PART=$ARTICLE/safety-is-built-not-assumed
OUT=$BENCH/out/homemade

need_tools wrk curl

PIDS=()
stop_sites() {
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  PIDS=()
}
trap stop_sites EXIT INT TERM
rm -rf "$OUT"
mkdir -p "$OUT/data"

# publish NAME [VARIANT]: the Release build, or one with the other way built in.
publish() {
  local name=$1 variant=${2:-}
  echo "Publishing $name…"
  publish_site "$OUT/$name" ${variant:+-p:BenchVariant=$variant}
}

# start BUILD URL LOG [ENV=VALUE…]: a published build on URL (its management address ten ports
# up), its output to LOG; waits for /healthz.
start() {
  local build=$1 url=$2 log=$3 pid
  shift 3
  if curl -s -o /dev/null "$url/healthz"; then
    echo "something is already listening on $url; stop it or set BENCH_SITE_PORT" >&2; exit 1
  fi
  ( cd "$OUT/$build" && exec env ASPNETCORE_URLS="$url" ASPNETCORE_ENVIRONMENT=Production Site__PublicOrigin="$HOME_MADE" \
      Content__Path="$ROOT/content" Content__WatchForChanges=false \
      Progress__DatabasePath="$OUT/data/$build-$(date +%s%N).db" Safety__PostsPerWindow=1000 \
      Management__Urls="http://127.0.0.1:$(( ${url##*:} + 10 ))" "$@" \
      dotnet Relational.Web.dll >"$log" 2>&1 ) &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$url/healthz" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$build did not answer /healthz within 60 s; see $log" >&2; exit 1
}

# wrk_round URL SECONDS FILE: the part page, gzip, 32 connections; prints "req/s errors".
wrk_round() {
  wrk -t2 -c32 -d"${2}s" -H 'Accept-Encoding: gzip' "$1" >"$3" 2>&1
  awk '/^Requests\/sec:/ { rps = $2 } /Non-2xx or 3xx responses:/ { e += $NF }
       /Socket errors:/ { gsub(",", ""); e += $4 + $6 + $8 + $10 } END { printf "%.0f %d\n", rps, e }' "$3"
}

publish home-made
publish framework-coding FRAMEWORK_CODING
start home-made "$HOME_MADE" "$OUT/home-made.log"
start framework-coding "$FRAMEWORK_WAY" "$OUT/framework-coding.log"

echo "Warming up…"
wrk_round "$HOME_MADE$PART" "$WARMUP_SECONDS" "$OUT/warm-home-made.txt" >/dev/null
wrk_round "$FRAMEWORK_WAY$PART" "$WARMUP_SECONDS" "$OUT/warm-framework-coding.txt" >/dev/null
declare -A RPS SUM
errors=0
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="home-made framework-coding"; else order="framework-coding home-made"; fi
  for who in $order; do
    if [ "$who" = home-made ]; then url=$HOME_MADE$PART; else url=$FRAMEWORK_WAY$PART; fi
    read -r rps errs < <(wrk_round "$url" "$ROUND_SECONDS" "$OUT/round$round-$who.txt")
    echo "  round $round $who: $rps req/s, errors $errs"
    RPS[$who]="${RPS[$who]:-}${RPS[$who]:+, }$rps"
    SUM[$who]=$(( ${SUM[$who]:-0} + rps ))
    errors=$((errors + errs))
  done
done
ratio=$(awk -v h="${SUM[home-made]}" -v f="${SUM[framework-coding]}" 'BEGIN { printf "%.3f", (f > 0 ? h / f : 0) }')

echo
echo "Home-made pieces against the package or framework way, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load before run: $LOAD_BEFORE"
echo "$ROUNDS rounds of $ROUND_SECONDS s each side, alternating, after $WARMUP_SECONDS s of warm-up each"
echo
echo "| Piece, load | Home-made | Package or framework way | Home-made req/s (each round) | Other way req/s (each round) | Home-made / other | Errors |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
echo "| coding, part page (kept) | ContentCodings.Preferred | IResponseCompressionProvider | ${RPS[home-made]} | ${RPS[framework-coding]} | ${ratio}x | $errors |"
echo
echo "Raw output: bench/out/homemade/"
