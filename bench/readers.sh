# Sourced by run.sh. Opted-in readers: 32 connections, each its own reader, reading section pages
# with progress recording on; then every recorded view is looked for in the SQLite file.
measure_readers() {
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$SITE/progress")" = 404 ]; then
    row "Opted-in section views (32 readers)" ">= 2000/s, 0 errors, all writes kept" "not measured: no progress feature in this build" "FAIL"
    return 0
  fi
  row "Opted-in section views (32 readers)" ">= 2000/s, 0 errors, all writes kept" "not measured yet" "FAIL"
}
