#!/usr/bin/env bash
# Cluster mode's cost: the same load against rapport in memory only and rapport with
# `[cluster] redis_url` (signals through the Redis stream, a checkpoint per turn), in one run,
# alternating in ROUNDS short slices so a shared VM's drift hits both alike; then the time a
# conversation takes to resume on another replica after its replica is SIGKILLed.
#
#   1. flat out, ROUNDS x (memory, redis): turns/s; the ratio redis / memory
#   2. at 50 % of the memory server's mean flat-out rate, ROUNDS x (memory, redis): p50/p99;
#      the p99 difference
#   3. failover: tests/cluster.rs (two `rapport serve` processes, one Redis) prints the time
#      from SIGKILL of replica A to replica B answering the conversation's next turn with its
#      state (targets: <= 10 % throughput cost, <= 2 ms added p99, resume < 1 s)
#
# Builds release, starts its own redis-server and servers on free loopback ports, stops them
# (trap). Raw outputs in $RAPPORT_BENCH_OUT (default: a new temp dir).
#
#   benches/redis_compare.sh
#   ROUNDS=2 SLICE_SECONDS=4 LATENCY_SECONDS=6 benches/redis_compare.sh   # quicker
#
# Needs redis-server on PATH (.ci/setup installs it) and .venv (for free ports).

set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
SLICE_SECONDS=${SLICE_SECONDS:-6}
LATENCY_SECONDS=${LATENCY_SECONDS:-8}
PYTHON=${PYTHON:-.venv/bin/python}
OUT=${RAPPORT_BENCH_OUT:-$(mktemp -d -t rapport-redis.XXXXXX)}
mkdir -p "$OUT"
TARGET=${CARGO_TARGET_DIR:-target}
LOAD=$TARGET/release/examples/rapport-load
RESULTS="$OUT/results.tsv"
: >"$RESULTS"

# shellcheck source=benches/processes.sh
. benches/processes.sh

start_rapport() { # name [extra TOML] -> URL METRICS
    local port metrics config
    port=$(free_port)
    metrics=$(free_port)
    config="$OUT/rapport-$1.toml"
    printf '[server]\nlisten = "127.0.0.1:%s"\nmetrics_listen = "127.0.0.1:%s"\n%s\n' \
        "$port" "$metrics" "${2:-}" >"$config"
    RUST_LOG=warn "$TARGET/release/rapport" serve --config "$config" >"$OUT/rapport-$1.log" 2>&1 &
    PIDS+=($!)
    wait_port "$port" $!
    URL="http://127.0.0.1:$port"
    METRICS="127.0.0.1:$metrics"
}

load() { # label file args...
    local name=$1 file=$2
    shift 2
    "$LOAD" --corpus benches/corpus.txt --label "$name" "$@" >"$OUT/$file.txt"
    grep '^RESULT' "$OUT/$file.txt" | head -n 1 >>"$RESULTS"
    grep '^RESULT' "$OUT/$file.txt" | head -n 1 | awk -F'\t' '{ printf "  %-28s %6s turns/s  p50 %s  p99 %s  errors %s\n", $2, $3, $5, $7, $9 }' >&2
}

mean() { # label-prefix column(3 turns/s, 5 p50, 7 p99) -> mean over rounds
    awk -F'\t' -v p="$1" -v c="$2" 'index($2, p) == 1 { s += $c + 0; n++ } END { if (n) printf "%.2f", s / n }' "$RESULTS"
}

say "build (release)"
cargo build --release --bin rapport --example rapport-load 2>&1 | tail -n 1 >&2

REDIS_PORT=$(free_port)
mkdir -p "$OUT/redis"
(cd "$OUT/redis" && exec redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no) \
    >"$OUT/redis.log" 2>&1 &
PIDS+=($!)
wait_port "$REDIS_PORT" $!

start_rapport memory
MEM_URL=$URL MEM_METRICS=$METRICS
start_rapport redis "[cluster]
redis_url = \"redis://127.0.0.1:$REDIS_PORT/\""
RED_URL=$URL RED_METRICS=$METRICS

say "warm-up"
"$LOAD" --corpus benches/corpus.txt --target "$MEM_URL" --label warm --seconds 2 --warmup 0 >/dev/null
"$LOAD" --corpus benches/corpus.txt --target "$RED_URL" --label warm --seconds 2 --warmup 0 >/dev/null

say "flat out, $ROUNDS rounds of $SLICE_SECONDS s each, alternating"
for r in $(seq 1 "$ROUNDS"); do
    load "flat memory r$r" "flat-memory-$r" --target "$MEM_URL" --metrics "$MEM_METRICS" \
        --streams 8 --window 16 --seconds "$SLICE_SECONDS" --warmup 1
    load "flat redis r$r" "flat-redis-$r" --target "$RED_URL" --metrics "$RED_METRICS" \
        --streams 8 --window 16 --seconds "$SLICE_SECONDS" --warmup 1
done
FLAT_MEM=$(mean "flat memory" 3)
FLAT_RED=$(mean "flat redis" 3)
HALF=$(awk -v t="$FLAT_MEM" 'BEGIN { printf "%.0f", t / 2 }')

say "at 50 % of the memory server's flat-out rate ($HALF turns/s), $ROUNDS rounds, alternating"
for r in $(seq 1 "$ROUNDS"); do
    load "half memory r$r" "half-memory-$r" --target "$MEM_URL" --metrics "$MEM_METRICS" \
        --streams 8 --rate "$HALF" --seconds "$LATENCY_SECONDS"
    load "half redis r$r" "half-redis-$r" --target "$RED_URL" --metrics "$RED_METRICS" \
        --streams 8 --rate "$HALF" --seconds "$LATENCY_SECONDS"
done
P99_MEM=$(mean "half memory" 7)
P99_RED=$(mean "half redis" 7)
P50_MEM=$(mean "half memory" 5)
P50_RED=$(mean "half redis" 5)
curl_metrics() { (exec 3<>"/dev/tcp/${1%:*}/${1#*:}"; printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3; cat <&3); }
BACKLOG=$(curl_metrics "$RED_METRICS" | awk '/^rapport_cluster_checkpoint_backlog / { print $2 }')
REDIS_UP=$(curl_metrics "$RED_METRICS" | awk '/^rapport_cluster_redis_up / { print $2 }')

say "failover: tests/cluster.rs"
cargo test --release --test cluster -- --nocapture --test-threads 1 a_conversation_continues \
    >"$OUT/failover.txt" 2>&1 || { cat "$OUT/failover.txt" >&2; exit 1; }
RESUME=$(sed -n 's/.*next turn answered with state by B \([^ ]*\) after A was killed.*/\1/p' "$OUT/failover.txt" | head -n 1)

{
    echo
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "| | memory only | cluster (Redis) | redis vs memory |"
    echo "|---|---:|---:|---:|"
    awk -v m="$FLAT_MEM" -v r="$FLAT_RED" 'BEGIN { printf "| flat out, turns/s (mean of rounds) | %.0f | %.0f | %.2fx |\n", m, r, r / m }'
    awk -v m="$P50_MEM" -v r="$P50_RED" -v h="$HALF" 'BEGIN { printf "| p50 at %s turns/s, ms | %.2f | %.2f | %+.2f ms |\n", h, m, r, r - m }'
    awk -v m="$P99_MEM" -v r="$P99_RED" -v h="$HALF" 'BEGIN { printf "| p99 at %s turns/s, ms | %.2f | %.2f | %+.2f ms |\n", h, m, r, r - m }'
    echo "| resume on another replica after SIGKILL | | $RESUME | target < 1 s |"
    echo
    echo "checkpoint backlog after the run: ${BACKLOG:-?}; redis up: ${REDIS_UP:-?}. Raw: $OUT"
} | tee "$OUT/summary.md"
