#!/usr/bin/env bash
# Load benchmark of the API (not a test): `upres serve` on SQLite on loopback, GET /v1/jobs/{id}
# with a valid key under wrk, in three phases: the first 10 s after start, warm, and while a job
# is processing; /healthz beside it for the server's own ceiling. Prints requests/s, p50/p99 and
# errors per phase. Targets (issue 10): >= 15,000 req/s and p99 < 5 ms warm, p99 < 20 ms in the
# first 10 s and while a job processes, no errors. wrk comes from Debian; only this script asks
# setup.sh for it. On a shared machine read the ratios: each phase's requests/s against /healthz's
# in the same run, and the server's CPU time per request (from /proc, so other processes' load
# counts less). Usage: scripts/bench-api.sh [connections=32] [threads=2] [warm seconds=20]
set -euo pipefail
UPRES_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export UPRES_ROOT
export UPRES_APT_EXTRA="${UPRES_APT_EXTRA:-} wrk curl"
# shellcheck source=scripts/setup.sh
. "$UPRES_ROOT/scripts/setup.sh"
build_upres

connections=${1:-32}
threads=${2:-2}
warm=${3:-20}
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
admin="bench-admin-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_server() {
  UPRES_DATA="$work/data" UPRES_ADMIN_KEY="$admin" UPRES_WORKERS="$1" UPRES_RATE_LIMIT_PER_MINUTE=1000000 \
    dotnet "$UPRES_ROOT/artifacts/bin/Upres.Cli/release/upres.dll" serve --urls "$base" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1
}

stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

# CPU time (user + system, in clock ticks) the server process has used so far.
server_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }

healthz_rps=""
phase() { # name url seconds [key]
  local name=$1 url=$2 seconds=$3 key=${4:-}
  local out before after
  before=$(server_ticks)
  if [ -n "$key" ]; then
    out=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $key" "$url")
  else
    out=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$url")
  fi
  after=$(server_ticks)
  local rps p50 p99 errors requests cpu ratio
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.0f", t / hz * 1e6 / n }')
  [ "$url" = "$base/healthz" ] && healthz_rps=$rps
  ratio=$([ -n "$healthz_rps" ] && awk -v a="$rps" -v b="$healthz_rps" 'BEGIN { printf "%.2f", a / b }' || echo "-")
  printf '%-34s %10s req/s (%5s x /healthz)   p50 %8s   p99 %8s   server CPU %5s us/request   %s\n' \
    "$name" "$rps" "$ratio" "$p50" "$p99" "$cpu" "${errors:-no errors}"
}

ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$work/small.mp4"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 60 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$work/long.mp4"

# Set up an account, a key and a job on a server without workers, then restart it cold.
start_server 0
account=$(curl -sf -H "Authorization: Bearer $admin" -H 'content-type: application/json' -d '{"name":"bench","credits":1000000}' "$base/v1/admin/accounts" | json id)
key=$(curl -sf -X POST -H "Authorization: Bearer $admin" "$base/v1/admin/accounts/$account/keys" | json key)
upload=$(curl -sf -H "Authorization: Bearer $key" -F "file=@$work/small.mp4" "$base/v1/uploads" | json id)
job=$(curl -sf -H "Authorization: Bearer $key" -H 'content-type: application/json' -d "{\"input\":{\"upload_id\":\"$upload\"},\"scale\":2}" "$base/v1/jobs" | json id)
long=$(curl -sf -H "Authorization: Bearer $key" -F "file=@$work/long.mp4" "$base/v1/uploads" | json id)
stop_server

echo "upres serve, SQLite, loopback, wrk -t$threads -c$connections; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
# /healthz first on a warm server gives the ceiling the job phases are compared with; then a cold
# restart for the first 10 s of GET job. These run without a worker, so the server's CPU time is the
# API's alone; the last phase restarts with one worker busy on a job in the same process (its CPU
# time then includes the worker's).
start_server 0
curl -sf "$base/healthz" >/dev/null
phase "GET /healthz, warm" "$base/healthz" 10
stop_server
start_server 0
phase "GET /v1/jobs/{id}, first 10 s" "$base/v1/jobs/$job" 10 "$key"
phase "GET /v1/jobs/{id}, warm" "$base/v1/jobs/$job" "$warm" "$key"
phase "GET /healthz, warm" "$base/healthz" 10
stop_server
start_server 1
curl -sf -H "Authorization: Bearer $key" -H 'content-type: application/json' -d "{\"input\":{\"upload_id\":\"$long\"},\"scale\":2}" "$base/v1/jobs" >/dev/null
wrk -t"$threads" -c"$connections" -d5s -H "Authorization: Bearer $key" "$base/v1/jobs/$job" >/dev/null
phase "GET /v1/jobs/{id}, job processing" "$base/v1/jobs/$job" 10 "$key"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
