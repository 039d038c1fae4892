#!/usr/bin/env bash
# The site's home-made pieces against the package or framework way (issue 26). Publishes the site
# as it is and once more for each piece with the other way built in (-p:BenchVariant, see
# Relational.Web.csproj), starts the two side by side on 127.0.0.1 and measures them with wrk in
# alternating rounds, the order swapped every round, so only their ratio in the same run counts:
#
#   log        Site/SiteLog.cs against Serilog.Sinks.Async + Serilog.Sinks.Console (the same bound
#              of 10,000 queued events, dropping beyond): the section page with every request
#              logged, one line a request to a file, as a flood of refused requests writes by default.
#              Also the lines each side wrote against the requests it answered.
#   coding     Performance/ContentCodings.cs against Response Compression's own
#              IResponseCompressionProvider choosing the coding: the section page (kept pages are
#              looked up by it).
#
#   bash bench/homemade.sh [log] [coding]      (both when none is named)
#
# Settings (environment): BENCH_SITE_PORT (5121; the other way on the next port, management
# addresses ten ports up), BENCH_ROUNDS (3),
# BENCH_ROUND_SECONDS (10), BENCH_WARMUP_SECONDS (15). Work files and logs go to bench/out/homemade/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BENCH=$ROOT/bench
PORT=${BENCH_SITE_PORT:-5121}
ROUNDS=${BENCH_ROUNDS:-3}
ROUND_SECONDS=${BENCH_ROUND_SECONDS:-10}
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-15}
HOME_MADE=http://127.0.0.1:$PORT
PACKAGE_WAY=http://127.0.0.1:$((PORT + 1))
ARTICLE=/healing-trauma-in-relationship
SECTION=$ARTICLE/safety-is-built-not-assumed
OUT=$BENCH/out/homemade
PIECES=("$@")
[ ${#PIECES[@]} -gt 0 ] || PIECES=(log coding)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (bench/run.sh installs it)"; exit 1; }
done
for piece in "${PIECES[@]}"; do
  case "$piece" in log | coding) ;; *) echo "unknown piece: $piece (log or coding)"; exit 1 ;; esac
done

PIDS=()
stop_sites() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap stop_sites EXIT INT TERM
rm -rf "$OUT"
mkdir -p "$OUT/data"

# publish NAME [VARIANT]: a Release build for this runtime (ReadyToRun, as bench/run.sh and the Dockerfile).
publish() {
  local name=$1 variant=${2:-}
  echo "Publishing $name…"
  case "$(uname -m)" in aarch64 | arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
  dotnet publish src/Relational.Web/Relational.Web.csproj -c Release -r "$rid" --self-contained false \
    ${variant:+-p:BenchVariant=$variant} -o "$OUT/$name" --nologo -v quiet >"$OUT/publish-$name.log" 2>&1 \
    || { cat "$OUT/publish-$name.log"; exit 1; }
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

# wrk_round URL SECONDS FILE [wrk options…]: prints "req/s requests errors".
wrk_round() {
  local url=$1 seconds=$2 file=$3
  shift 3
  wrk -t2 -c32 -d"${seconds}s" -H 'Accept-Encoding: gzip' "$@" "$url" >"$file" 2>&1
  awk '/^Requests\/sec:/ { rps = $2 } / requests in / { n = $1 } /Non-2xx or 3xx responses:/ { e += $NF }
       /Socket errors:/ { gsub(",", ""); e += $4 + $6 + $8 + $10 } END { printf "%.0f %d %d\n", rps, n, e }' "$file"
}

# compare NAME [wrk options…]: warms both sites up, then alternating rounds on URL_OF[who]; sets
# RPS_OF, REQUESTS_OF and ERRORS (each side's req/s per round, its requests, all errors).
declare -A URL_OF RPS_OF REQUESTS_OF SUM_OF
compare() {
  local name=$1 who order rps requests errs
  shift
  ERRORS=0
  for who in home package; do
    wrk_round "${URL_OF[$who]}" "$WARMUP_SECONDS" "$OUT/$name-warm-$who.txt" "$@" >/dev/null
    RPS_OF[$who]=""; REQUESTS_OF[$who]=0; SUM_OF[$who]=0
  done
  MARK_HOME=$(wc -l <"$OUT/$name-home.log"); MARK_PACKAGE=$(wc -l <"$OUT/$name-package.log")
  for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then order="home package"; else order="package home"; fi
    for who in $order; do
      read -r rps requests errs < <(wrk_round "${URL_OF[$who]}" "$ROUND_SECONDS" "$OUT/$name-round$round-$who.txt" "$@")
      echo "  $name round $round $who: $rps req/s, errors $errs"
      RPS_OF[$who]="${RPS_OF[$who]}${RPS_OF[$who]:+, }$rps"
      SUM_OF[$who]=$((SUM_OF[$who] + rps))
      REQUESTS_OF[$who]=$((REQUESTS_OF[$who] + requests))
      ERRORS=$((ERRORS + errs))
    done
  done
}

ROWS=()
# row PIECE HOME-MADE PACKAGE-WAY [NOTE]: one line of the table from the last compare.
row() {
  local ratio
  ratio=$(awk -v h="${SUM_OF[home]}" -v p="${SUM_OF[package]}" 'BEGIN { printf "%.3f", (p > 0 ? h / p : 0) }')
  ROWS+=("| $1 | $2 | $3 | ${RPS_OF[home]} | ${RPS_OF[package]} | ${ratio}x | $ERRORS | ${4:-} |")
}

publish home-made
for piece in "${PIECES[@]}"; do
  case "$piece" in
    log) publish log-package LOG_PACKAGE ;;
    coding) publish framework-coding FRAMEWORK_CODING ;;
  esac
done

for piece in "${PIECES[@]}"; do
  case "$piece" in
    log)
      echo "SiteLog against Serilog.Sinks.Async + Console, every request logged…"
      every_request=("Serilog__MinimumLevel__Override__Serilog.AspNetCore.RequestLoggingMiddleware=Debug")
      start home-made "$HOME_MADE" "$OUT/log-home.log" "${every_request[@]}"
      start log-package "$PACKAGE_WAY" "$OUT/log-package.log" "${every_request[@]}"
      URL_OF[home]=$HOME_MADE$SECTION; URL_OF[package]=$PACKAGE_WAY$SECTION
      compare log
      # The last batches reach the files, then each side's lines against its requests.
      sleep 2
      home_lines=$(( $(wc -l <"$OUT/log-home.log") - MARK_HOME ))
      package_lines=$(( $(wc -l <"$OUT/log-package.log") - MARK_PACKAGE ))
      row "log: every request logged, section page" "SiteLog" "Serilog.Sinks.Async + Console" \
        "lines/requests: $home_lines/${REQUESTS_OF[home]} and $package_lines/${REQUESTS_OF[package]}"
      stop_sites
      ;;
    coding)
      echo "ContentCodings.Preferred against IResponseCompressionProvider, section page…"
      start home-made "$HOME_MADE" "$OUT/coding-home.log"
      start framework-coding "$PACKAGE_WAY" "$OUT/coding-package.log"
      URL_OF[home]=$HOME_MADE$SECTION; URL_OF[package]=$PACKAGE_WAY$SECTION
      compare coding
      row "coding: section page (kept)" "ContentCodings.Preferred" "IResponseCompressionProvider"
      stop_sites
      ;;
  esac
done

echo
echo "Home-made pieces against the package or framework way, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load before run: $LOAD_BEFORE"
echo "$ROUNDS rounds of $ROUND_SECONDS s each side, alternating, after $WARMUP_SECONDS s of warm-up each"
echo
echo "| Piece, load | Home-made | Package or framework way | Home-made req/s (each round) | Other way req/s (each round) | Home-made / other | Errors | Note |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo
echo "Raw output: bench/out/homemade/"
