#!/usr/bin/env bash
# Runs every test in the solution: the fast unit and bunit tests, the integration tests (HTTP,
# processes, shells, PostgreSQL, nginx) and the real-Chromium browser tests.
# On a fresh machine it first installs what the tests use: Debian's chromium, sqlite3, postgresql,
# nginx, lynx and w3m (apt, as root or through sudo), and the npm packages of the committed lock file
# (axe-core, html-validate, Readability + jsdom, open-graph-scraper, …). Run it as root: one test
# makes a file immutable with chattr +i. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests…"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null \
    || { echo "could not install chromium"; exit 1; }
fi

# The storage fault tests lock the database from another process with the sqlite3 shell.
if ! command -v sqlite3 >/dev/null; then
  echo "Installing Debian's sqlite3 for the storage fault tests…"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq sqlite3 >/dev/null \
    || { echo "could not install sqlite3"; exit 1; }
fi

# The PostgreSQL store's tests start a throwaway cluster with Debian's initdb/pg_ctl; the
# several-instances test puts nginx in front of two sites.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ]; then
  echo "Installing Debian's postgresql and nginx for the PostgreSQL and several-instances tests…"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql nginx >/dev/null \
    || { echo "could not install postgresql and nginx"; exit 1; }
fi

# The text-browser tests read and save with Debian's lynx and w3m themselves.
if ! command -v lynx >/dev/null || ! command -v w3m >/dev/null; then
  echo "Installing Debian's lynx and w3m for the text-browser tests…"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq lynx w3m >/dev/null \
    || { echo "could not install lynx and w3m"; exit 1; }
fi

if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -d node_modules/@mozilla/readability ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; exit 1; }
fi

log=$(mktemp)
dotnet test Relational.sln --configuration Release --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints a summary per test assembly ("Passed! - Failed: …" at minimal verbosity,
# "     Passed: N" / "     Failed: N" under "Total tests:" at normal verbosity); add them up.
read -r passed failed < <(awk '
  /^(Passed|Failed)! +- Failed: / { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } next }
  /^ +Passed: +[0-9]+$/ { p += $2 }
  /^ +Failed: +[0-9]+$/ { f += $2 }
  END { print p + 0, f + 0 }' "$log")
# CI keeps only the end of the output: name each failed test and the start of its message there too.
if [ "$failed" -gt 0 ]; then
  echo "Failed tests:"
  awk '/^ +Failed [A-Za-z_][A-Za-z0-9_.]+/ { print; keep = 6; next }
       keep > 0 && !/^ +(Passed|Skipped) / { print; keep--; next }
       { keep = 0 }' "$log"
fi

# A test whose result never reaches dotnet test (its failure message held a control character, or
# its process died) is in neither count: every test the build lists must have a line of its own.
dotnet test Relational.sln --configuration Release --no-build --list-tests 2>/dev/null \
  | awk '/^The following Tests are available:/ { on = 1; next } on && /^    / { sub(/^ +/, ""); print }' | sort >"$log.listed"
awk '/^  (Passed|Failed|Skipped) / { sub(/^  [A-Za-z]+ /, ""); sub(/ \[[0-9][^]]*\]$/, ""); print }' "$log" | sort >"$log.ran"
unreported=$(comm -23 "$log.listed" "$log.ran")
if [ -n "$unreported" ]; then
  echo "Tests with no result (counted as failed):"
  sed 's/^/  /' <<<"$unreported"
  failed=$((failed + $(wc -l <<<"$unreported")))
  status=1
fi
rm -f "$log" "$log.listed" "$log.ran"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$status"
