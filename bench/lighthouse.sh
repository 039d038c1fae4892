#!/usr/bin/env bash
# Lighthouse against a Release build of a part page: a benchmark, not a test.
# Publishes the site, runs it on loopback, audits one page with Debian's Chromium (mobile and
# desktop presets) and prints the four category scores. Reports land in bench/out/lighthouse/.
#   PORT (default 5102)  PAGE (default part 2)  CHROME_PATH (default /usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
root=$(pwd)
port=${PORT:-5102}
page=${PAGE:-/healing-trauma-in-relationship/trauma-was-formed-in-relationship}
out=$root/bench/out/lighthouse
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

if [ ! -x "$CHROME_PATH" ]; then
  echo "Chromium is not at $CHROME_PATH: apt-get install chromium (or set CHROME_PATH)"; exit 1
fi
if [ ! -x bench/node_modules/.bin/lighthouse ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

rm -rf "$out" && mkdir -p "$out"
echo "Publishing a Release build…"
publish_site "$out/site"

(cd "$out/site" && ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production Site__PublicOrigin="http://127.0.0.1:$port" \
  Content__Path="$root/content" Content__WatchForChanges=false Progress__DatabasePath="$out/progress.db" \
  exec dotnet Relational.Web.dll >"$out/site.log" 2>&1) &
site=$!
trap 'kill "$site" 2>/dev/null; wait "$site" 2>/dev/null || true' EXIT

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "the site did not start:"; tail -20 "$out/site.log"; exit 1; }

flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
for preset in mobile desktop; do
  extra=()
  [ "$preset" = desktop ] && extra=(--preset=desktop)
  bench/node_modules/.bin/lighthouse "http://127.0.0.1:$port$page" --quiet --chrome-flags="$flags" \
    --output=json --output=html --output-path="$out/$preset" "${extra[@]}"
  node -e '
    const r = require(process.argv[1]);
    const s = k => Math.round(r.categories[k].score * 100);
    console.log(`${process.argv[2].padEnd(8)} performance ${s("performance")}  accessibility ${s("accessibility")}  best-practices ${s("best-practices")}  seo ${s("seo")}`);
  ' "$out/$preset.report.json" "$preset"
done
echo "Page: $page (Release build, $(nproc) cores, Lighthouse $(bench/node_modules/.bin/lighthouse --version), $("$CHROME_PATH" --version 2>/dev/null | head -1))"
