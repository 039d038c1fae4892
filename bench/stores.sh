#!/usr/bin/env bash
# Opted-in readers' throughput on each progress store, in the same run: SQLite (one instance),
# PostgreSQL (one instance) and PostgreSQL with two instances behind nginx round robin. 32 readers,
# each its own cookie, reading part pages (each view one write); afterwards every (reader, part)
# opened is looked for in the database. Loopback only; a throwaway PostgreSQL cluster in a mktemp
# folder. Run it on its own (it takes about three minutes):
#
#   bash bench/stores.sh            (BENCH_STORE_SECONDS=10, BENCH_STORE_WARMUP_SECONDS=15, as bench/run.sh warms its readers)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROOT=$PWD
BENCH=$ROOT/bench
SECONDS_RUN=${BENCH_STORE_SECONDS:-10}
WARMUP=${BENCH_STORE_WARMUP_SECONDS:-15}
READERS=32
ARTICLE=/healing-trauma-in-relationship

need_tools wrk curl sqlite3 postgresql nginx python3
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

WORK=$(mktemp -d -t relational-stores-XXXXXX)
PIDS=()
pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$PG_BIN/$1" "${@:2}"; else "$PG_BIN/$1" "${@:2}"; fi; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && /usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true
  [ -d "$WORK/pg/data" ] && pg pg_ctl -D "$WORK/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "Publishing once…"
publish_site "$WORK/publish"

echo "Starting a throwaway PostgreSQL…"
# The cluster runs as postgres (initdb refuses root), which must reach its folder inside ours.
mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chmod 755 "$WORK"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$WORK/pg"
PG_PORT=$(free_port)
pg initdb -D "$WORK/pg/data" --auth=trust --username=postgres --encoding=UTF8 --no-instructions >/dev/null
pg pg_ctl -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w start \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=100 -c shared_buffers=128MB" >/dev/null
db_count=0
# new_db: a fresh database; sets CS (not through $(…): db_count must survive the call).
new_db() {
  db_count=$((db_count + 1))
  pg psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE bench_$db_count" >/dev/null
  CS="Host=127.0.0.1;Port=$PG_PORT;Database=bench_$db_count;Username=postgres"
}

# start_instance PORT [ENV=VALUE…]: the published site on 127.0.0.1:PORT (no management address:
# two instances run side by side).
start_instance() {
  local port=$1; shift
  ( cd "$WORK/publish" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
      Site__PublicOrigin="http://127.0.0.1:$port" \
      Content__Path="$ROOT/content" Content__WatchForChanges=false Safety__PostsPerWindow=100000 \
      Safety__TrustedProxies__0=127.0.0.1 Management__Urls= "$@" dotnet Relational.Web.dll >>"$WORK/site-$port.log" 2>&1 ) &
  PIDS+=($!)
  for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && return 0; sleep 0.1; done
  echo "the site on port $port did not start: $(tail -5 "$WORK/site-$port.log")" >&2; exit 1
}
stop_instances() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }

# CPU time (clock ticks) used so far by the given processes together; a process that is gone counts 0.
cpu_ticks() { local t=0 pid f; for pid in "$@"; do f=$(cut -d')' -f2 "/proc/$pid/stat" 2>/dev/null) && t=$((t + $(echo "$f" | awk '{ print $12 + $13 }'))); done; echo "$t"; }
# The PostgreSQL server's processes (the postmaster and its backends), if it runs.
pg_pids() { local main; main=$(head -1 "$WORK/pg/data/postmaster.pid" 2>/dev/null) || return 0; echo "$main" $(pgrep -P "$main"); }
TICK_MS=$((1000 / $(getconf CLK_TCK)))

# measure NAME URL COUNT-SQL: opts in 32 readers at URL, warms up, measures; COUNT-SQL is run with
# the start time (ms) in place of @START@ and must print the (reader, part) rows touched.
ROWS=()
measure() {
  local name=$1 site=$2 count_cmd=$3 parts first cookies=() cookie
  parts=$(curl -fs "$site$ARTICLE" | grep -oE "href=\"$ARTICLE/[a-z0-9-]+\"" | cut -d'"' -f2 | grep -v '/all$' | sort -u)
  first=$(echo "$parts" | head -1)
  for _ in $(seq 1 "$READERS"); do
    cookie=$(curl -s -o /dev/null -D - -X POST -H 'Sec-Fetch-Site: same-origin' \
      --data-urlencode "article=${ARTICLE#/}" --data-urlencode "part=${first##*/}" "$site/progress/remember" \
      | grep -i '^set-cookie: relational-reader=' | sed -E 's/^[^=]+=([^;]*).*/\1/' | tr -d '\r')
    [ -n "$cookie" ] || { ROWS+=("$name|could not opt in"); return 0; }
    cookies+=("$cookie")
  done
  BENCH_COOKIES="${cookies[*]}" BENCH_PATHS="$(echo "$parts" | tr '\n' ' ')" \
    wrk -t"$READERS" -c"$READERS" -d"${WARMUP}s" -s "$BENCH/readers.lua" "$site" >"$WORK/warm.txt" 2>&1
  local start_ms log=$WORK/run.txt rps p99 errors expected kept pgs="" site_before pg_before views cpu
  start_ms=$(( $(date +%s%N) / 1000000 ))
  [ "${name#PostgreSQL}" != "$name" ] && pgs=$(pg_pids)
  site_before=$(cpu_ticks "${PIDS[@]}"); pg_before=$(cpu_ticks $pgs)
  BENCH_COOKIES="${cookies[*]}" BENCH_PATHS="$(echo "$parts" | tr '\n' ' ')" \
    wrk -t"$READERS" -c"$READERS" -d"${SECONDS_RUN}s" --latency -s "$BENCH/readers.lua" "$site" >"$log" 2>&1
  # CPU a view costs, less sensitive than views/s to whatever else the machine is doing.
  views=$(awk '/requests in/ { print $1 }' "$log")
  cpu="site $(awk -v t=$(( ($(cpu_ticks "${PIDS[@]}") - site_before) * TICK_MS )) -v n="$views" 'BEGIN { printf "%.3f", t / n }') ms"
  [ -n "$pgs" ] && cpu="$cpu, PostgreSQL $(awk -v t=$(( ($(cpu_ticks $pgs) - pg_before) * TICK_MS )) -v n="$views" 'BEGIN { printf "%.3f", t / n }') ms"
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$log")
  p99=$(awk '$1 == "99%" { print $2 }' "$log")
  errors=$(cat "$WORK/warm.txt" "$log" | awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }')
  expected=$(( READERS * $(echo "$parts" | wc -l) ))
  kept=$(eval "${count_cmd//@START@/$start_ms}")
  ROWS+=("$name|$rps views/s|$cpu|p99 $p99|$errors errors|$kept/$expected (reader, part) rows written in the run")
}

SQL_KEPT="SELECT count(*) FROM part_progress WHERE last_opened_at >= @START@"

echo "SQLite, one instance…"
P1=$(free_port)
start_instance "$P1" Progress__DatabasePath="$WORK/progress.db"
measure "SQLite, 1 instance" "http://127.0.0.1:$P1" "sqlite3 '$WORK/progress.db' '$SQL_KEPT'"
stop_instances

echo "PostgreSQL, one instance…"
new_db
start_instance "$P1" Progress__Store=PostgreSql ConnectionStrings__Progress="$CS"
measure "PostgreSQL, 1 instance" "http://127.0.0.1:$P1" "pg psql -h 127.0.0.1 -p $PG_PORT -U postgres -d bench_$db_count -tAc '$SQL_KEPT'"
stop_instances

echo "PostgreSQL, two instances behind nginx…"
new_db
P2=$(free_port); NGINX_PORT=$(free_port)
start_instance "$P1" Progress__Store=PostgreSql ConnectionStrings__Progress="$CS"
start_instance "$P2" Progress__Store=PostgreSql ConnectionStrings__Progress="$CS"
mkdir -p "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body; proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi; uwsgi_temp_path $WORK/nginx/tmp/uwsgi; scgi_temp_path $WORK/nginx/tmp/scgi;
  upstream site { server 127.0.0.1:$P1; server 127.0.0.1:$P2; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://site; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$http_host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
CONF
/usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
measure "PostgreSQL, 2 instances + nginx" "http://127.0.0.1:$NGINX_PORT" "pg psql -h 127.0.0.1 -p $PG_PORT -U postgres -d bench_$db_count -tAc '$SQL_KEPT'"
stop_instances

echo
echo "Opted-in views by progress store, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${READERS} readers, ${WARMUP} s warm-up + ${SECONDS_RUN} s, load before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| Store | Views | CPU per view | Latency | Errors | Writes kept |"
echo "| --- | --- | --- | --- | --- | --- |"
for r in "${ROWS[@]}"; do echo "| ${r//|/ | } |"; done
