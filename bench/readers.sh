# Sourced by run.sh. Opted-in readers: 32 connections, each its own reader (opted in through the
# real "Remember my place" form), reading part pages with progress recording on; afterwards
# every (reader, part) they opened is looked for in the SQLite file.
READERS=32
READER_SECONDS=${BENCH_READER_SECONDS:-10}
READER_WARMUP_SECONDS=${BENCH_READER_WARMUP_SECONDS:-15}

measure_readers() {
  echo "Opting in ${READERS} readers…"
  local parts first cookies=() cookie status attempt
  parts=$(curl -fs "$SITE$ARTICLE" | grep -oE "href=\"$ARTICLE/[a-z0-9-]+\"" | cut -d'"' -f2 | grep -v '/all$' | sort -u)
  first=$(echo "$parts" | head -1)
  for i in $(seq 1 "$READERS"); do
    cookie=""
    # A POST rate limit may ask us to wait: retry a few times, a second apart.
    for attempt in $(seq 1 30); do
      status=$(curl -s -o /dev/null -D "$OUT/optin.headers" -w '%{http_code}' -X POST \
        -H 'Sec-Fetch-Site: same-origin' -H "Origin: $SITE" \
        --data-urlencode "article=${ARTICLE#/}" --data-urlencode "part=${first##*/}" \
        "$SITE/progress/remember")
      cookie=$(grep -i '^set-cookie: relational-reader=' "$OUT/optin.headers" | sed -E 's/^[^=]+=([^;]*).*/\1/' | tr -d '\r')
      [ -n "$cookie" ] && break
      [ "$status" = 429 ] || break
      sleep 1
    done
    if [ -z "$cookie" ]; then
      row "Opted-in part views (${READERS} readers)" ">= 2000/s, 0 errors, every write kept" "could not opt in reader $i (HTTP $status)" FAIL
      return 0
    fi
    cookies+=("$cookie")
  done

  # Warmed up like the throughput runs above: the same readers read first, so the measured run
  # sees the progress path compiled rather than the JIT at work on it. That path takes longer to
  # settle than a cached page: a fresh process measured about 1,270 views/s after 5 s of warm-up,
  # 1,770 after 10 s and 2,500 after 15 or 20 s (2026-11-27, this machine), hence 15 s.
  echo "Opted-in readers warming up for ${READER_WARMUP_SECONDS} s, then reading for ${READER_SECONDS} s…"
  local start_ms log=$OUT/readers.txt
  BENCH_COOKIES="${cookies[*]}" BENCH_PATHS="$(echo "$parts" | tr '\n' ' ')" \
    wrk -t"$READERS" -c"$READERS" -d"${READER_WARMUP_SECONDS}s" -s "$BENCH/readers.lua" "$SITE" >"$OUT/readers-warm.txt" 2>&1
  start_ms=$(( $(date +%s%N) / 1000000 ))
  BENCH_COOKIES="${cookies[*]}" BENCH_PATHS="$(echo "$parts" | tr '\n' ' ')" \
    wrk -t"$READERS" -c"$READERS" -d"${READER_SECONDS}s" --latency -s "$BENCH/readers.lua" "$SITE" >"$log" 2>&1
  local rps non2xx sock errors expected kept readers_seen
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$log")
  # Errors count in the warm-up too.
  non2xx=$(cat "$OUT/readers-warm.txt" "$log" | awk '/Non-2xx or 3xx responses:/ { n += $NF } END { print n + 0 }')
  sock=$(cat "$OUT/readers-warm.txt" "$log" | awk '/Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }')
  errors=$(( ${non2xx:-0} + ${sock:-0} ))

  # Each reader opened every part many times: every (reader, part) row must be there, touched
  # during the run.
  expected=$(( READERS * $(echo "$parts" | wc -l) ))
  kept=$(sqlite3 "$OUT/data/progress.db" "SELECT count(*) FROM part_progress WHERE last_opened_at >= $start_ms;")
  readers_seen=$(sqlite3 "$OUT/data/progress.db" "SELECT count(DISTINCT reader_id) FROM part_progress WHERE last_opened_at >= $start_ms;")
  local ok=0
  if [ "${rps:-0}" -ge 2000 ] && [ "$errors" -eq 0 ] && [ "$kept" -eq "$expected" ] && [ "$readers_seen" -eq "$READERS" ]; then ok=1; fi
  row "Opted-in part views (${READERS} readers)" ">= 2000/s, 0 errors, every write kept" \
    "${rps} views/s, ${errors} errors, ${kept}/${expected} (reader, part) rows written in the run" "$(verdict "$ok")"
}
