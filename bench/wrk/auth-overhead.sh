#!/usr/bin/env bash
# Authenticated GET against the same endpoint without auth, same server, same run (issue #3 benchmark).
# Endpoint: GET /api/v1/sys/status, which answers anonymous callers and, with a bearer token, authenticates it and
# writes the token's access log entry (batched). Goal: authenticated ≥ 60% of the unauthenticated throughput.
# Usage: bash bench/wrk/auth-overhead.sh [duration=10s] [connections=32] [rounds=3]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
duration=${1:-10s}
connections=${2:-32}
rounds=${3:-3}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

dotnet build src/Coffer.Cli -c Release -v quiet -nologo >/dev/null
data=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
log="$data/server.log"
# Rate limits raised out of the way: this measures authentication and access logging, not the limiter's refusals.
COFFER_RATE_LIMIT_INTERACTIVE=1000000000 COFFER_RATE_LIMIT_ANONYMOUS=1000000000 COFFER_RATE_LIMIT_PER_IP=1000000000 \
  dotnet src/Coffer.Cli/bin/Release/net10.0/coffer.dll server --dev --data "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do grep -q "The vault is unsealed" "$log" && break; sleep 0.2; done
token=$(grep -o 'cof_trader_[A-Za-z0-9_]*' "$log" | head -1)
[ -n "$token" ] || { cat "$log"; exit 1; }
url="https://127.0.0.1:$port/api/v1/sys/status"

rps() { awk '/Requests\/sec/ {print $2}'; }
echo "warm-up"; wrk -t2 -c"$connections" -d3s "$url" >/dev/null; wrk -t2 -c"$connections" -d3s -H "Authorization: Bearer $token" "$url" >/dev/null
# Let the access log writer finish the warm-up's entries, so they do not slow the anonymous run.
for _ in $(seq 1 50); do
  before=$(sqlite3 "$data/coffer.db" "SELECT COUNT(*) FROM access_log" 2>/dev/null || echo 0); sleep 0.5
  [ "$before" = "$(sqlite3 "$data/coffer.db" "SELECT COUNT(*) FROM access_log" 2>/dev/null || echo 0)" ] && break
done
# Alternating rounds, so that anything else the machine does affects both sides alike; the median round's ratio counts.
ratios=()
for round in $(seq 1 "$rounds"); do
  anonymous=$(wrk -t2 -c"$connections" -d"$duration" "$url" | rps)
  authenticated=$(wrk -t2 -c"$connections" -d"$duration" -H "Authorization: Bearer $token" "$url" | rps)
  ratio=$(awk -v a="$anonymous" -v b="$authenticated" 'BEGIN { printf "%.2f", b / a }')
  ratios+=("$ratio")
  echo "round $round: anonymous $anonymous req/s, authenticated $authenticated req/s, ratio $ratio"
done
rows=$(sqlite3 "$data/coffer.db" "SELECT COUNT(*) FROM access_log" 2>/dev/null || echo "?")
echo "access log rows written: $rows"
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "median ratio authenticated/anonymous: $median (goal >= 0.60)"
