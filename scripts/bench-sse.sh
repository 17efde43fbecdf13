#!/usr/bin/env bash
# Load check of event streams (not a test): `upres serve` on SQLite on loopback holds 1,000 open
# GET /v1/jobs/{id}/events streams while wrk asks GET /v1/jobs/{id}. Prints GET job's requests/s and
# latency without and with the streams open, the server's CPU while the streams sit idle (a poll per
# stream would show here), and how long one change (a cancel) takes to reach every stream.
# Usage: scripts/bench-sse.sh [streams=1000] [seconds=10]
set -euo pipefail
UPRES_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
export UPRES_ROOT
export UPRES_APT_EXTRA="${UPRES_APT_EXTRA:-} wrk curl"
# shellcheck source=scripts/setup.sh
. "$UPRES_ROOT/scripts/setup.sh"
build_upres

streams=${1:-1000}
seconds=${2:-10}
ulimit -n 8192
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
admin="bench-admin-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
server=""
holder=""
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

UPRES_DATA="$work/data" UPRES_ADMIN_KEY="$admin" UPRES_WORKERS=0 UPRES_RATE_LIMIT_PER_MINUTE=1000000 \
  UPRES_EVENT_STREAMS_PER_KEY="$streams" \
  dotnet "$UPRES_ROOT/artifacts/bin/Upres.Cli/release/upres.dll" serve --urls "$base" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

json() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }

ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$work/small.mp4"
account=$(curl -sf -H "Authorization: Bearer $admin" -H 'content-type: application/json' -d '{"name":"bench","credits":1000000}' "$base/v1/admin/accounts" | json id)
key=$(curl -sf -X POST -H "Authorization: Bearer $admin" "$base/v1/admin/accounts/$account/keys" | json key)
upload=$(curl -sf -H "Authorization: Bearer $key" -F "file=@$work/small.mp4" "$base/v1/uploads" | json id)
job=$(curl -sf -H "Authorization: Bearer $key" -H 'content-type: application/json' -d "{\"input\":{\"upload_id\":\"$upload\"}}" "$base/v1/jobs" | json id)

phase() { # name
  local out rps p50 p99 errors
  out=$(wrk -t2 -c16 -d"${seconds}s" --latency -H "Authorization: Bearer $key" "$base/v1/jobs/$job")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
  printf '%-40s %10s req/s   p50 %8s   p99 %8s   %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-no errors}"
}

# Holds N streams open; prints "open N" once each has its first event, then "done N SECONDS" once
# each has its `done` event, timed from the moment it reads "go" on stdin.
cat >"$work/hold.py" <<'PY'
import asyncio, sys, time
host, port, path, key, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
async def one(opened, done_at):
    r, w = await asyncio.open_connection(host, port)
    w.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await w.drain()
    status = await r.readline()
    if b" 200 " not in status:
        raise SystemExit(f"stream refused: {status!r}")
    first = True
    while True:
        line = await r.readline()
        if not line:
            return
        if line.startswith(b"event: job") and first:
            first = False
            opened.release()
        if line.startswith(b"event: done"):
            done_at.append(time.monotonic())
            w.close()
            return
async def main():
    opened, done_at = asyncio.Semaphore(0), []
    tasks = [asyncio.create_task(one(opened, done_at)) for _ in range(n)]
    for _ in range(n):
        await opened.acquire()
    print(f"open {n}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    go = time.monotonic()
    await asyncio.gather(*tasks)
    print(f"done {len(done_at)} {max(done_at) - go:.3f}", flush=True)
asyncio.run(main())
PY

echo "upres serve, SQLite, loopback, wrk -t2 -c16 GET /v1/jobs/{id}; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c16 -d5s -H "Authorization: Bearer $key" "$base/v1/jobs/$job" >/dev/null # warm-up, not counted
sleep 2
before=$(cpu_ticks); sleep "$seconds"; idle_plain=$(( $(cpu_ticks) - before ))
phase "GET job, no streams open"

mkfifo "$work/go"
python3 "$work/hold.py" 127.0.0.1 "$port" "/v1/jobs/$job/events" "$key" "$streams" <"$work/go" >"$work/hold.out" &
holder=$!
exec 3>"$work/go"
started=$(date +%s.%N)
until grep -q '^open' "$work/hold.out" 2>/dev/null; do
  kill -0 "$holder" 2>/dev/null || { echo "stream holder failed:"; cat "$work/hold.out"; exit 1; }
  sleep 0.1
done
printf '%-40s %10.2f s\n' "$streams streams open (each had its first event)" "$(echo "$(date +%s.%N) - $started" | bc)"
before=$(cpu_ticks); sleep "$seconds"; idle_streams=$(( $(cpu_ticks) - before ))
phase "GET job, $streams streams open"
printf '%-40s %10s   no streams: %s s   %s streams open: %s s\n' "server CPU time over ${seconds} s idle" "" "$(echo "scale=2; $idle_plain / $(getconf CLK_TCK)" | bc)" "$streams" "$(echo "scale=2; $idle_streams / $(getconf CLK_TCK)" | bc)"

echo go >&3
curl -sf -X POST -H "Authorization: Bearer $key" "$base/v1/jobs/$job/cancel" >/dev/null
wait "$holder"; holder=""
read -r _ reached took < <(grep "^done" "$work/hold.out")
printf '%-40s %10s streams got done within %s s\n' "one cancel reaches every stream" "$reached" "$took"
