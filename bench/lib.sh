# shellcheck shell=bash
# What every bench script does before it measures, in one place. Sourced, never run:
#   cd "$(dirname "$0")/.." && . bench/lib.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The machine's load before the run, for the table: a busy machine explains a ratio that moved.
# shellcheck disable=SC2034 # read by the script that sources this
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# need_tools TOOL…: installs from Debian's apt whichever is missing (postgresql is looked for by
# its pg_ctl, nginx also in /usr/sbin, prlimit comes with util-linux).
need_tools() {
  local tool missing=()
  for tool in "$@"; do
    case $tool in
      postgresql) ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql) ;;
      nginx) command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx) ;;
      prlimit) command -v prlimit >/dev/null || missing+=(util-linux) ;;
      *) command -v "$tool" >/dev/null || missing+=("$tool") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} from apt…"
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "could not install ${missing[*]}" >&2; exit 1; }
}

# stop_pid PID: asks a process to stop, gives it five seconds, then kills it.
stop_pid() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# publish_site DIR [dotnet publish option…]: a Release build into DIR made as the Dockerfile makes
# it (for this machine's runtime, framework-dependent, so ReadyToRun; see Relational.Web.csproj).
# Its output goes to DIR.log, shown if it fails.
publish_site() {
  local dir=$1 rid
  shift
  case "$(uname -m)" in aarch64 | arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
  dotnet publish src/Relational.Web/Relational.Web.csproj -c Release -r "$rid" --self-contained false \
    "$@" -o "$dir" --nologo -v quiet >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
}
