#!/usr/bin/env bash
# How long after an author saves a part its page shows the change, in each way of running the
# built site: Development and Production with watching on (the defaults), and with watching off
# (as the Dockerfile and deploy/relational.service set it). Loopback only, a copy of content/ in
# a temporary folder, each site stopped at the end. Usage: bench/content-edits.sh [path/to/Relational.Web.dll]
set -uo pipefail
cd "$(dirname "$0")/.."
dll=${1:-src/Relational.Web/bin/Release/net10.0/Relational.Web.dll}
[ -f "$dll" ] || { echo "no $dll: build first (dotnet build -c Release src/Relational.Web)"; exit 1; }
scratch=$(mktemp -d)
pid=""
stop() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=""; }
trap 'stop; rm -rf "$scratch"' EXIT
part=healing-trauma-in-relationship/09-relationship-as-medicine.md
url_path=/healing-trauma-in-relationship/relationship-as-medicine

run() { # environment watch port: the built site in the background, its id in $pid
  ASPNETCORE_ENVIRONMENT=$1 ASPNETCORE_URLS=http://127.0.0.1:$3 Content__Path="$scratch/content" \
    Content__WatchForChanges=$2 Progress__DatabasePath="$scratch/data/progress.db" \
    Site__PublicOrigin=http://127.0.0.1:$3 AllowedHosts=127.0.0.1 \
    dotnet "$dll" > "$scratch/site.log" 2>&1 &
  pid=$!
}

measure() { # name environment watch
  local name=$1 environment=$2 watch=$3
  rm -rf "$scratch/content" "$scratch/data"; cp -r content "$scratch/content"; mkdir -p "$scratch/data"
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  run "$environment" "$watch" "$port"
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
  # Read the page first, so that a kept copy of it is what the edit has to replace.
  for _ in 1 2 3; do curl -fs "http://127.0.0.1:$port$url_path" > /dev/null; done
  local marker="Edited $RANDOM"
  sed -i "s/^title: .*/title: \"$marker\"/" "$scratch/content/$part"
  local start; start=$(date +%s.%N)
  local shown=""
  for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$port$url_path" | grep -q "$marker"; then shown=$(date +%s.%N); break; fi
    sleep 0.05
  done
  if [ -n "$shown" ]; then
    printf '%-45s %6.2f s\n' "$name" "$(echo "$shown - $start" | bc)"
  else
    printf '%-45s %s\n' "$name" "not shown within 15 s"
    # Not watching, the change shows after a restart: from the restart to the changed page.
    stop
    start=$(date +%s.%N)
    run "$environment" "$watch" "$port"
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port$url_path" 2>/dev/null | grep -q "$marker" && break; sleep 0.05; done
    printf '%-45s %6.2f s\n' "  after a restart" "$(echo "$(date +%s.%N) - $start" | bc)"
  fi
  stop
}

measure "Development, watching (the default)" Development true
measure "Production, watching (the default)" Production true
measure "Production, not watching (Docker, unit)" Production false
