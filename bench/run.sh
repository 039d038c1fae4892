#!/usr/bin/env bash
# The performance benchmark (issue: "Fast as a static file"). Publishes a Release build, starts it
# and nginx on 127.0.0.1, and measures every target: throughput and p99 against nginx serving the
# identical bytes (wrk, alternating, same run), page weight, repeat-view headers, start-up time,
# opted-in readers' throughput, peak memory and a memory soak. Prints one table.
#
#   bash bench/run.sh
#
# Also the cost of counting readership (docs/readership.md): the same part page from a second
# instance with Readership__Counting=false, alternating with the first, in the same run.
#
# Settings (environment): BENCH_SITE_PORT (5103), BENCH_NGINX_PORT (5113),
# BENCH_UNCOUNTED_PORT (5104), BENCH_MANAGEMENT_PORT (5105, and the next one), BENCH_ROUNDS (3), BENCH_COUNTING_ROUNDS (5),
# BENCH_ROUND_SECONDS (10), BENCH_SOAK_SECONDS (120), BENCH_READER_SECONDS (10),
# BENCH_READER_WARMUP_SECONDS (15). Work files and logs go to bench/out/run/.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROOT=$PWD
BENCH=$ROOT/bench
SITE_PORT=${BENCH_SITE_PORT:-5103}
NGINX_PORT=${BENCH_NGINX_PORT:-5113}
ROUNDS=${BENCH_ROUNDS:-3}
# Counting readership costs little, so its ratio wants more pairs to stand clear of the noise.
COUNTING_ROUNDS=${BENCH_COUNTING_ROUNDS:-5}
ROUND_SECONDS=${BENCH_ROUND_SECONDS:-10}
SOAK_SECONDS=${BENCH_SOAK_SECONDS:-120}
SITE=http://127.0.0.1:$SITE_PORT
UNCOUNTED_PORT=${BENCH_UNCOUNTED_PORT:-5104}
UNCOUNTED=http://127.0.0.1:$UNCOUNTED_PORT
MANAGEMENT_PORT=${BENCH_MANAGEMENT_PORT:-5105}
NGINX=http://127.0.0.1:$NGINX_PORT
ARTICLE=/healing-trauma-in-relationship
PART=$ARTICLE/safety-is-built-not-assumed
OUT=$BENCH/out/run

# ---- tools -------------------------------------------------------------------------------------
need_tools wrk nginx curl sqlite3
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)

# ---- clean up everything this script starts ----------------------------------------------------
SITE_PID=""
NGINX_STARTED=""
LOAD_PID=""
UNCOUNTED_PID=""
stop_site() {
  [ -z "$SITE_PID" ] || stop_pid "$SITE_PID"
  SITE_PID=""
}
cleanup() {
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
  [ -n "$UNCOUNTED_PID" ] && kill "$UNCOUNTED_PID" 2>/dev/null || true
  stop_site
  if [ -n "$NGINX_STARTED" ]; then
    "$NGINX_BIN" -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" -s stop 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

rm -rf "$OUT"
mkdir -p "$OUT/nginx/logs" "$OUT/nginx/tmp" "$OUT/nginx/root$ARTICLE" "$OUT/data"

# ---- helpers -----------------------------------------------------------------------------------
# The POST limit is raised because every opted-in reader in the bench comes from 127.0.0.1.
start_site() {
  ( cd "$OUT/publish" && exec env ASPNETCORE_URLS="$SITE" ASPNETCORE_ENVIRONMENT=Production Site__PublicOrigin="$SITE" \
      Content__Path="$ROOT/content" Content__WatchForChanges=false \
      Progress__DatabasePath="$OUT/data/progress.db" \
      Safety__PostsPerWindow=1000 Management__Urls="http://127.0.0.1:$MANAGEMENT_PORT" \
      dotnet Relational.Web.dll >>"$OUT/site.log" 2>&1 ) &
  SITE_PID=$!
}

# The same build and settings, counting nothing (its own database and management port).
start_uncounted_site() {
  ( cd "$OUT/publish" && exec env ASPNETCORE_URLS="$UNCOUNTED" ASPNETCORE_ENVIRONMENT=Production Site__PublicOrigin="$SITE" \
      Content__Path="$ROOT/content" Content__WatchForChanges=false \
      Progress__DatabasePath="$OUT/data/uncounted.db" \
      Safety__PostsPerWindow=1000 Management__Urls="http://127.0.0.1:$((MANAGEMENT_PORT + 1))" \
      Readership__Counting=false \
      dotnet Relational.Web.dll >>"$OUT/site-uncounted.log" 2>&1 ) &
  UNCOUNTED_PID=$!
  for _ in $(seq 1 3000); do
    curl -fs -o /dev/null "$UNCOUNTED/healthz" && return 0
    kill -0 "$UNCOUNTED_PID" 2>/dev/null || break
    sleep 0.01
  done
  echo "the uncounted site did not answer /healthz within 30 s; see $OUT/site-uncounted.log" >&2
  exit 1
}

# Starts the site and sets STARTUP_MS: process start to the first 200 on /healthz (bounded: 30 s).
start_site_and_wait() {
  local t0 t1
  if curl -s -o /dev/null "$SITE/healthz"; then
    echo "something is already listening on $SITE; stop it or set BENCH_SITE_PORT" >&2
    exit 1
  fi
  t0=$(date +%s%N)
  start_site
  for _ in $(seq 1 3000); do
    if curl -fs -o /dev/null "$SITE/healthz"; then
      t1=$(date +%s%N)
      STARTUP_MS=$(( (t1 - t0) / 1000000 ))
      return 0
    fi
    kill -0 "$SITE_PID" 2>/dev/null || break
    sleep 0.01
  done
  echo "the site did not answer /healthz within 30 s; see $OUT/site.log" >&2
  exit 1
}

# wrk's latency figure ("850.00us", "1.20ms", "1.02s") in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }

# Runs wrk against a URL; prints "rps p99ms errors".
wrk_run() {
  local url=$1 seconds=$2 log=$3
  shift 3
  wrk -t2 -c32 -d"${seconds}s" --latency -H 'Accept-Encoding: gzip' "$@" "$url" >"$log" 2>&1
  local rps p99 non2xx sock
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$log")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$log")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$log")
  sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$log")
  echo "$rps $p99 $(( ${non2xx:-0} + ${sock:-0} ))"
}

kib() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1024 }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

ROWS=()
row() { ROWS+=("$1|$2|$3|$4"); }
verdict() { if [ "$1" = 1 ]; then echo pass; else echo FAIL; fi; }

# ---- build ---------------------------------------------------------------------------------------
echo "Publishing a Release build…"
publish_site "$OUT/publish"

# Which collector the build asks for: a setting that once silently did nothing, so every table says.
if grep -q '"System.GC.Server": true' "$OUT/publish/Relational.Web.runtimeconfig.json"; then GC_MODE="server GC"; else GC_MODE="workstation GC"; fi
# An environment setting inherited by the site overrides the build's.
case "${DOTNET_gcServer:-}" in
  1) GC_MODE="server GC (DOTNET_gcServer=1)" ;;
  0) GC_MODE="workstation GC (DOTNET_gcServer=0)" ;;
esac

# ---- start-up: three cold starts of the published build ----------------------------------------
echo "Measuring start-up…"
startups=()
for _ in 1 2 3; do
  start_site_and_wait
  startups+=("$STARTUP_MS")
  stop_site
done
startup_worst=$(printf '%s\n' "${startups[@]}" | sort -n | tail -1)
row "Start-up to first 200 on /healthz" "< 2000 ms" "${startups[*]} ms (worst ${startup_worst} ms)" \
  "$(verdict "$([ "$startup_worst" -lt 2000 ] && echo 1 || echo 0)")"

start_site_and_wait
SITE_RUN_PID=$SITE_PID

# ---- nginx serving the part page's identical bytes ------------------------------------------
# Both sides serve gzip: wrk asks for it, the site sends its snapshot's gzip bytes and nginx sends
# the very same bytes through gzip_static (nginx from apt has no Brotli module built in).
curl -fs -o "$OUT/nginx/root$PART" "$SITE$PART"
curl -fs -H 'Accept-Encoding: gzip' -o "$OUT/nginx/root$PART.gz" "$SITE$PART"
sed -e "s|@PORT@|$NGINX_PORT|" -e "s|@ROOT@|$OUT/nginx/root|" -e "s|@OUT@|$OUT/nginx|" \
  "$BENCH/nginx.conf.template" >"$OUT/nginx/nginx.conf"
"$NGINX_BIN" -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf"
NGINX_STARTED=1
for _ in $(seq 1 100); do curl -fs -o /dev/null "$NGINX$PART" && break; sleep 0.05; done
if ! cmp -s <(curl -fs -H 'Accept-Encoding: gzip' "$SITE$PART") <(curl -fs -H 'Accept-Encoding: gzip' "$NGINX$PART"); then
  echo "nginx and the site do not serve identical bytes" >&2
  exit 1
fi

# ---- throughput and tail latency, alternating ------------------------------------------------
echo "Warming up…"
wrk_run "$SITE$PART" 5 "$OUT/warm-site.txt" >/dev/null
wrk_run "$NGINX$PART" 5 "$OUT/warm-nginx.txt" >/dev/null
site_rps=0; nginx_rps=0; site_p99s=(); nginx_p99s=(); errors=0
for round in $(seq 1 "$ROUNDS"); do
  # Alternate who goes first, so a drift in machine load does not favour one side.
  if [ $((round % 2)) -eq 1 ]; then order="site nginx"; else order="nginx site"; fi
  for who in $order; do
    if [ "$who" = site ]; then url=$SITE$PART; else url=$NGINX$PART; fi
    read -r rps p99 errs < <(wrk_run "$url" "$ROUND_SECONDS" "$OUT/round$round-$who.txt")
    echo "  round $round $who: $rps req/s, p99 $p99 ms, errors $errs"
    errors=$((errors + errs))
    if [ "$who" = site ]; then
      site_rps=$(awk -v a="$site_rps" -v b="$rps" 'BEGIN { print a + b }')
      site_p99s+=("$p99")
    else
      nginx_rps=$(awk -v a="$nginx_rps" -v b="$rps" 'BEGIN { print a + b }')
      nginx_p99s+=("$p99")
    fi
  done
done
# Throughput: mean over the rounds. p99: the median round of each side, so one round disturbed by
# another process on the machine does not decide the ratio.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
site_p99=$(median "${site_p99s[@]}")
nginx_p99=$(median "${nginx_p99s[@]}")
# Three decimals, and the verdicts below judge these, so a ratio of 0.797 is not rounded into a pass.
rps_ratio=$(awk -v s="$site_rps" -v n="$nginx_rps" 'BEGIN { printf "%.3f", s / n }')
p99_ratio=$(awk -v s="$site_p99" -v n="$nginx_p99" 'BEGIN { printf "%.3f", s / n }')
row "Part page throughput vs nginx" ">= 0.90x" \
  "${rps_ratio}x ($(awk -v s="$site_rps" -v r="$ROUNDS" 'BEGIN { printf "%.0f", s / r }') vs $(awk -v s="$nginx_rps" -v r="$ROUNDS" 'BEGIN { printf "%.0f", s / r }') req/s)" \
  "$(verdict "$(awk -v r="$rps_ratio" 'BEGIN { print (r >= 0.9) }')")"
row "Part page p99 latency vs nginx" "<= 3.00x" \
  "${p99_ratio}x (median round ${site_p99} vs ${nginx_p99} ms)" \
  "$(verdict "$(awk -v r="$p99_ratio" 'BEGIN { print (r <= 3) }')")"
row "Errors during the throughput runs" "0" "$errors" "$(verdict "$([ "$errors" -eq 0 ] && echo 1 || echo 0)")"

# ---- the cost of counting readership: counted vs uncounted, alternating ------------------------
echo "Measuring the cost of counting readership…"
start_uncounted_site
wrk_run "$UNCOUNTED$PART" 5 "$OUT/warm-uncounted.txt" >/dev/null
# Pairs of rounds, the order swapped each pair; the figure is the median pair's ratio, so one slow
# round (the machine doing something else for a few seconds) moves it less than a sum would.
counted_rps=0; uncounted_rps=0; pair_ratios=""
for round in $(seq 1 "$COUNTING_ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then order="counted uncounted"; else order="uncounted counted"; fi
  for who in $order; do
    if [ "$who" = counted ]; then url=$SITE$PART; else url=$UNCOUNTED$PART; fi
    read -r rps _ errs < <(wrk_run "$url" "$ROUND_SECONDS" "$OUT/round$round-$who.txt")
    echo "  round $round $who: $rps req/s, errors $errs"
    errors=$((errors + errs))
    if [ "$who" = counted ]; then pair_counted=$rps; else pair_uncounted=$rps; fi
  done
  counted_rps=$(awk -v a="$counted_rps" -v b="$pair_counted" 'BEGIN { print a + b }')
  uncounted_rps=$(awk -v a="$uncounted_rps" -v b="$pair_uncounted" 'BEGIN { print a + b }')
  pair_ratios="$pair_ratios $(awk -v c="$pair_counted" -v u="$pair_uncounted" 'BEGIN { printf "%.3f", c / u }')"
done
kill "$UNCOUNTED_PID" 2>/dev/null || true
wait "$UNCOUNTED_PID" 2>/dev/null || true
UNCOUNTED_PID=""
counting_ratio=$(tr ' ' '\n' <<<"$pair_ratios" | grep . | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
# What the counted site stored for the part page, read from its management address once written.
sleep 6
counted_views=$(curl -fs "http://127.0.0.1:$MANAGEMENT_PORT/readership.csv" | awk -F, -v p="${PART##*/}" '$3 == p && $4 == "views" { print $5 }')
row "Part page throughput, counting readership vs not" ">= 0.97x" \
  "${counting_ratio}x (median of ${COUNTING_ROUNDS} pairs:${pair_ratios}; mean $(awk -v s="$counted_rps" -v r="$COUNTING_ROUNDS" 'BEGIN { printf "%.0f", s / r }') vs $(awk -v s="$uncounted_rps" -v r="$COUNTING_ROUNDS" 'BEGIN { printf "%.0f", s / r }') req/s; ${counted_views:-no} views stored)" \
  "$(verdict "$(awk -v r="$counting_ratio" 'BEGIN { print (r >= 0.97) }')")"

# ---- page weight and repeat views --------------------------------------------------------------
echo "Measuring page weight…"
curl -fs -H 'Accept-Encoding: br, gzip' -D "$OUT/page.headers" -o "$OUT/page.raw" "$SITE$PART"
curl -fs --compressed -o "$OUT/page.html" "$SITE$PART"
weight=$(stat -c %s "$OUT/page.raw")
parts="HTML $weight"
assets_ok=1
while read -r asset; do
  [ -n "$asset" ] || continue
  size=$(curl -fs -H 'Accept-Encoding: br, gzip' -D "$OUT/asset.headers" -o "$OUT/asset.raw" -w '%{size_download}' "$SITE$asset")
  weight=$((weight + size))
  parts="$parts + $(basename "$asset") $size"
  grep -qi '^cache-control:.*immutable' "$OUT/asset.headers" || assets_ok=0
  grep -qi '^cache-control:.*max-age=[0-9]\{7,\}' "$OUT/asset.headers" || assets_ok=0
  # An empty file has nothing to compress; anything else must arrive compressed.
  if [ "$size" -gt 0 ]; then grep -qiE '^content-encoding: (br|gzip)' "$OUT/asset.headers" || assets_ok=0; fi
done < <(grep -oE '<(link[^>]*rel="stylesheet"[^>]*|script[^>]*src="[^"]*"[^>]*)>' "$OUT/page.html" \
          | grep -oE '(href|src)="[^"]*"' | cut -d'"' -f2)
row "Part page first load (HTML+CSS+JS, br/gzip)" "<= 14600 bytes" "$weight bytes ($parts)" \
  "$(verdict "$([ "$weight" -le 14600 ] && echo 1 || echo 0)")"

etag=$(awk 'tolower($1) == "etag:" { print $2 }' "$OUT/page.headers" | tr -d '\r')
encoding=$(awk 'tolower($1) == "content-encoding:" { print $2 }' "$OUT/page.headers" | tr -d '\r')
revalidate=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: br, gzip' -H "If-None-Match: $etag" "$SITE$PART")
row "Repeat view: ETag, 304 on revalidation" "304" "ETag $etag -> $revalidate" \
  "$(verdict "$([ -n "$etag" ] && [ "$revalidate" = 304 ] && echo 1 || echo 0)")"
row "HTML compressed" "br or gzip" "${encoding:-none}" \
  "$(verdict "$([[ "$encoding" =~ ^(br|gzip)$ ]] && echo 1 || echo 0)")"
row "Static assets fingerprinted, immutable, compressed" "all" "$([ "$assets_ok" = 1 ] && echo all || echo "not all")" \
  "$(verdict "$assets_ok")"

# ---- opted-in readers ----------------------------------------------------------------------------
# shellcheck source=bench/readers.sh
source "$BENCH/readers.sh"
measure_readers

# ---- memory soak -------------------------------------------------------------------------------
echo "Soaking for ${SOAK_SECONDS} s (every page, unknown query strings, missing pages)…"
paths=$(curl -fs "$SITE$ARTICLE" | grep -oE "href=\"$ARTICLE(/[a-z0-9-]+)?\"" | cut -d'"' -f2 | sort -u | tr '\n' ' ')
BENCH_PATHS="/ $paths /staying-safe /preferences" wrk -t2 -c32 -d"${SOAK_SECONDS}s" -s "$BENCH/soak.lua" \
  -H 'Accept-Encoding: br, gzip' "$SITE" >"$OUT/soak.txt" 2>&1 &
LOAD_PID=$!
samples=()
sleep 2
end=$(( $(date +%s) + SOAK_SECONDS - 4 ))
while [ "$(date +%s)" -lt "$end" ]; do
  samples+=("$(rss_kb "$SITE_RUN_PID")")
  sleep 5
done
samples+=("$(rss_kb "$SITE_RUN_PID")")
wait "$LOAD_PID" || true
LOAD_PID=""
printf '%s\n' "${samples[@]}" >"$OUT/soak-rss-kb.txt"
first=${samples[0]}
last=${samples[${#samples[@]}-1]}
soak_rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$OUT/soak.txt")
row "Memory over a ${SOAK_SECONDS} s soak (RSS first -> last)" "flat (last <= first + 10%)" \
  "$(kib "$first") -> $(kib "$last") (${#samples[@]} samples, ${soak_rps} req/s)" \
  "$(verdict "$(awk -v f="$first" -v l="$last" 'BEGIN { print (l <= f * 1.10) }')")"

# The kernel counts RSS per thread and syncs it now and then, so VmHWM can read a little under an
# RSS sample taken earlier: the peak is whichever is higher.
peak=$(printf '%s\n' "$(hwm_kb "$SITE_RUN_PID")" "${samples[@]}" | sort -n | tail -1)
row "Peak working set (whole run)" "<= 200 MB" "$(kib "$peak")" \
  "$(verdict "$([ "$peak" -le $((200 * 1024)) ] && echo 1 || echo 0)")"

# ---- the table -----------------------------------------------------------------------------------
echo
echo "Relational performance, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory, $GC_MODE, load before run: $LOAD_BEFORE"
echo
echo "| Target | Goal | Measured | Result |"
echo "| --- | --- | --- | --- |"
failed=0
for r in "${ROWS[@]}"; do
  IFS='|' read -r name goal measured result <<<"$r"
  echo "| $name | $goal | $measured | $result |"
  [ "$result" = FAIL ] && failed=$((failed + 1))
done
echo
echo "Logs and raw wrk output: bench/out/run/"
exit $(( failed > 0 ))
