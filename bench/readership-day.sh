#!/usr/bin/env bash
# A synthetic day of reading against a running site, for a look at the readership figures (the
# screenshot in docs/screenshots/readership.png): fewer readers at each later part, some at the
# neutral address, a crawler, a few opt-ins and offline copies. Every request is a real one.
#
#   bash bench/readership-day.sh http://127.0.0.1:5000
set -euo pipefail
SITE=${1:?the site address, e.g. http://127.0.0.1:5000}
ARTICLE=/healing-trauma-in-relationship
get() { curl -fs -o /dev/null "$@"; }
parts=$(curl -fs "$SITE$ARTICLE" | grep -oE "href=\"$ARTICLE/[a-z0-9-]+\"" | cut -d'"' -f2 | grep -v '/all$' | awk '!seen[$0]++')
for _ in $(seq 1 140); do get "$SITE$ARTICLE"; done
readers=120
for part in $parts; do
  for _ in $(seq 1 "$readers"); do get "$SITE$part"; done
  readers=$(( readers * 4 / 5 ))
done
for _ in $(seq 1 18); do get "$SITE$ARTICLE/all"; done
neutral=$(curl -fs "$SITE$(echo "$parts" | head -1)" | grep -oE '/read/[0-9a-f]{10}' | head -1)
for _ in $(seq 1 9); do get "$SITE$neutral"; done
for _ in $(seq 1 25); do get -A 'Mozilla/5.0 (compatible; Googlebot/2.1)' "$SITE$ARTICLE"; done
for _ in $(seq 1 12); do
  get -X POST -H 'Sec-Fetch-Site: same-origin' --data "article=${ARTICLE#/}" "$SITE/progress/remember"
done
for _ in $(seq 1 6); do get "$SITE/offline/files?copy=made"; done
for _ in $(seq 1 2); do get -X POST -H 'Sec-Fetch-Site: same-origin' --data '' "$SITE/offline/remove"; done
echo "done: a day of reading sent to $SITE"
