#!/usr/bin/env bash
# Starts the site (Release) on a port with a throwaway progress database, measures progress
# writes per second over HTTP with bench/progress-writes.cs, then stops the site.
# Usage: bash bench/progress-writes.sh [port] [readers] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-5101}
readers=${2:-16}
seconds=${3:-10}
data=$(mktemp -d)
trap 'kill -- -"$pid" 2>/dev/null || true; rm -rf "$data"' EXIT

dotnet build src/Relational.Web -c Release -v quiet -nologo >/dev/null
ASPNETCORE_URLS="http://127.0.0.1:$port" Progress__DatabasePath="$data/progress.db" \
  Content__WatchForChanges=false Serilog__MinimumLevel__Default=Warning \
  setsid dotnet run --no-build -c Release --no-launch-profile --project src/Relational.Web >"$data/site.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done

dotnet run bench/progress-writes.cs -- "http://127.0.0.1:$port" "$readers" "$seconds"
echo "rows written: $(du -h "$data/progress.db" | cut -f1) database file"
