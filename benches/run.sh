#!/usr/bin/env bash
# The load benchmarks of benches/README.md, end to end, on two corpora:
#   hand: benches/corpus.txt, 304 hand-written support-chat turns (6–32 tokens);
#   real: the customer turns of ../shared/data/dialogues/*.jsonl (24,386 turns, a real length
#         spread), extracted at run time by benches/real_corpus.py into target/bench/ and never
#         committed; skipped with a warning when the data is not there;
#   pairs: the same customer turns each after the bot turn it answered (`BOT<TAB>CUSTOMER`,
#         benches/real_corpus.py --pairs), as a chatbot platform streams them: the load tool and
#         the grpcio client send the bot turn first and time the customer turn, which the
#         service reads after up to 24 word pieces of the bot's reply. No Python baseline rows
#         (the baseline servers read a turn alone).
#
#   1. the ONNX limits on each corpus, every row (benches/onnx_limit.rs)
#   2. throughput, in SLICES short rounds (default 4), each back to back, per corpus:
#        ONNX limits (naive: random batches of 32 padded to the longest; length-sorted) ·
#        rapport flat out · [$BASELINE_RAPPORT flat out] · Python baseline flat out, batched and
#        one turn per model run (PYTHON_BASELINES=0 skips them)
#   3. latency per corpus: rapport at 50 % of its flat-out rate, and one stream (the load tool,
#      then a grpcio client: benches/grpcio_single_stream.py)
#   4. 10,000 held streams
#   5. memory per tracked conversation: 100,000 conversations on a fresh server
#
# Why slices: a shared VM's speed drifts by up to ~40 % over tens of seconds, so comparisons
# are made between runs seconds apart and reported per slice (median and range) as well as in
# total.
#
# Builds release, starts every server on free loopback ports, stops everything it started
# (trap), prints one results table. Raw outputs: $RAPPORT_BENCH_OUT (default: a new temp dir).
#
#   benches/run.sh
#   SLICES=2 SLICE_SECONDS=4 HOLD_STREAMS=2000 FILL_CONVERSATIONS=20000 benches/run.sh   # quicker
#   BASELINE_RAPPORT=/path/to/older/rapport benches/run.sh   # also an older build, same config
#   CORPORA=real ONNX_FULL=0 PYTHON_BASELINES=0 HOLD_STREAMS=0 FILL_CONVERSATIONS=0 benches/run.sh  # tuning
#   CORPORA="real pairs" ONNX_FULL=0 PYTHON_BASELINES=0 HOLD_STREAMS=0 FILL_CONVERSATIONS=0 benches/run.sh
#
# Needs .venv with onnxruntime, grpcio, grpcio-tools, tokenizers, numpy (benches/baseline/README.md).

set -euo pipefail
cd "$(dirname "$0")/.."

SLICES=${SLICES:-4}
SLICE_SECONDS=${SLICE_SECONDS:-5}
LATENCY_SECONDS=${LATENCY_SECONDS:-10}
HOLD_STREAMS=${HOLD_STREAMS:-10000}
FILL_CONVERSATIONS=${FILL_CONVERSATIONS:-100000}
PYTHON=${PYTHON:-.venv/bin/python}
PYTHON_BASELINES=${PYTHON_BASELINES:-1}
BASELINE_RAPPORT=${BASELINE_RAPPORT:-}
CORPORA=${CORPORA:-hand real pairs}
ONNX_FULL=${ONNX_FULL:-1} # 0 skips the every-row ONNX tables
OUT=${RAPPORT_BENCH_OUT:-$(mktemp -d -t rapport-bench.XXXXXX)}
mkdir -p "$OUT"
BIN=${CARGO_TARGET_DIR:-target}/release
LOAD=$BIN/examples/rapport-load
RESULTS="$OUT/results.tsv" # one RESULT line per run
: >"$RESULTS"

# shellcheck source=benches/processes.sh
. benches/processes.sh

stop() { # pid
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# RESULT columns (tab-separated): RESULT label turns/s signals/s p50 p90 p99 max errors rss notes
record() { # scenario file: the file's first RESULT line, relabelled
    grep '^RESULT' "$2" | head -n 1 | awk -F'\t' -v OFS='\t' -v name="$1" '{ $2 = name; print }' >>"$RESULTS"
}

field() { # scenario column (2 turns/s, 3 signals/s, 4 p50, 5 p90, 6 p99, 7 max, 8 errors, 9 RSS, 10 notes)
    awk -F'\t' -v name="$1" -v col="$2" '$2 == name { print $(col + 1) }' "$RESULTS" | head -n 1
}

# ------------------------------------------------------------------------------------------
say "build (release)"
cargo build --release --bin rapport --example rapport-load 2>&1 | tail -n 1 >&2
cargo bench --bench onnx_limit --no-run 2>&1 | tail -n 1 >&2

declare -A CORPUS=([hand]=benches/corpus.txt [real]=target/bench/corpus-real.txt [pairs]=target/bench/corpus-real-pairs.txt)
if [[ " $CORPORA " == *" real "* ]] && ! python3 benches/real_corpus.py "${CORPUS[real]}" >&2; then
    echo "no real-length corpus (../shared/data/dialogues missing?): measuring benches/corpus.txt only" >&2
    CORPORA=${CORPORA//real/}
fi
if [[ " $CORPORA " == *" pairs "* ]] && ! python3 benches/real_corpus.py "${CORPUS[pairs]}" --pairs >&2; then
    echo "no real dialogues (../shared/data/dialogues missing?): no pairs corpus" >&2
    CORPORA=${CORPORA//pairs/}
fi

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores ($(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -n 1) guest)"
    echo "memory: $(free -g | awk '/^Mem:/ { print $2 " GiB" }')"
    echo "rustc: $(rustc --version)"
    echo "model: $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' models/rapport-nlu/labels.json | head -n 1), onnxruntime $("$PYTHON" -c 'import onnxruntime; print(onnxruntime.__version__)')"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

start_rapport() { # name [extra TOML] [binary] -> RAPPORT_PID RAPPORT_URL METRICS
    local port metrics config
    port=$(free_port)
    metrics=$(free_port)
    config="$OUT/rapport-$1.toml"
    cat >"$config" <<EOF
# benches/run.sh: loopback ports, room for the 100,000-conversation memory run, defaults otherwise.
[server]
listen = "127.0.0.1:$port"
metrics_listen = "127.0.0.1:$metrics"
[store]
capacity = 250000
${2:-}
EOF
    RUST_LOG=warn "${3:-$BIN/rapport}" serve --config "$config" >"$OUT/rapport-$1.log" 2>&1 &
    RAPPORT_PID=$!
    PIDS+=("$RAPPORT_PID")
    wait_port "$port" "$RAPPORT_PID"
    RAPPORT_URL="http://127.0.0.1:$port"
    METRICS="127.0.0.1:$metrics"
}

start_python() { # name batch -> PY_PID PY_URL
    local port
    port=$(free_port)
    "$PYTHON" benches/baseline/server.py --port "$port" --batch "$2" >"$OUT/python-$1.log" 2>&1 &
    PY_PID=$!
    PIDS+=("$PY_PID")
    wait_port "$port" "$PY_PID"
    PY_URL="http://127.0.0.1:$port"
}

load() { # scenario file corpus args...
    local name=$1 file=$2 corpus=$3
    shift 3
    "$LOAD" --corpus "${CORPUS[$corpus]}" --label "$name" "$@" >"$OUT/$file.txt"
    grep -v '^RESULT' "$OUT/$file.txt" | sed -n '2,$p' | grep -E 'turns/s|p50|p99|errors|server metrics|CPU|RSS|intact|open|tracked|per tracked|closed' >&2 || true
    record "$name" "$OUT/$file.txt"
}

limit() { # corpus tag args... -> onnx rows as "<row>, <corpus> [tag]", limits as "onnx <naive|sorted> limit, <corpus> [tag]"
    local corpus=$1 tag=$2
    shift 2
    cargo bench --bench onnx_limit -- --corpus "${CORPUS[$corpus]}" "$@" 2>/dev/null >"$OUT/onnx-$corpus-$tag.txt"
    grep -v '^RESULT\|^LIMIT' "$OUT/onnx-$corpus-$tag.txt" >&2
    awk -F'\t' -v OFS='\t' -v c="$corpus" -v t="$tag" '$1 == "RESULT" { $2 = $2 ", " c " [" t "]"; print }' \
        "$OUT/onnx-$corpus-$tag.txt" >>"$RESULTS"
    awk -F'\t' -v OFS='\t' -v c="$corpus" -v t="$tag" \
        '$1 == "LIMIT" { print "RESULT", "onnx " $2 " limit, " c " [" t "]", $3, "-", "-", "-", "-", "-", "none", "-", $4 }' \
        "$OUT/onnx-$corpus-$tag.txt" >>"$RESULTS"
}

# ------------------------------------------------------------------------------------------
if [[ $ONNX_FULL == 1 ]]; then
    for c in $CORPORA; do
        say "ONNX limits, every row, corpus $c (no server running)"
        limit "$c" full --seconds 4
    done
fi

say "servers: rapport (shipped defaults)${BASELINE_RAPPORT:+, $BASELINE_RAPPORT}, Python baselines: $PYTHON_BASELINES"
start_rapport main
MAIN_PID=$RAPPORT_PID MAIN_URL=$RAPPORT_URL MAIN_METRICS=$METRICS
if [[ -n $BASELINE_RAPPORT ]]; then
    start_rapport baseline "" "$BASELINE_RAPPORT"
    BASE_PID=$RAPPORT_PID BASE_URL=$RAPPORT_URL BASE_METRICS=$METRICS
fi
if [[ $PYTHON_BASELINES == 1 ]]; then
    start_python batched 32
    PYB_PID=$PY_PID PYB_URL=$PY_URL
    start_python per-turn 1
    PY1_PID=$PY_PID PY1_URL=$PY_URL
fi
FLAT=(--streams 8 --window 16 --seconds "$SLICE_SECONDS" --warmup 1)

for s in $(seq 1 "$SLICES"); do
    for c in $CORPORA; do
        say "slice $s/$SLICES, corpus $c"
        limit "$c" "s$s" --quick --seconds "$(awk -v t="$SLICE_SECONDS" 'BEGIN { print t / 2 }')"
        load "rapport flat out, $c [s$s]" "rapport-flat-$c-s$s" "$c" --target "$MAIN_URL" \
            --server-pid "$MAIN_PID" --metrics "$MAIN_METRICS" "${FLAT[@]}"
        if [[ -n $BASELINE_RAPPORT ]]; then
            load "baseline rapport flat out, $c [s$s]" "baseline-flat-$c-s$s" "$c" --target "$BASE_URL" \
                --server-pid "$BASE_PID" --metrics "$BASE_METRICS" "${FLAT[@]}"
        fi
        if [[ $PYTHON_BASELINES == 1 && $c != pairs ]]; then
            load "python batched flat out, $c [s$s]" "python-batched-$c-s$s" "$c" --target "$PYB_URL" \
                --server-pid "$PYB_PID" "${FLAT[@]}"
            load "python per-turn flat out, $c [s$s]" "python-per-turn-$c-s$s" "$c" --target "$PY1_URL" \
                --server-pid "$PY1_PID" "${FLAT[@]}"
        fi
    done
done
if [[ -n $BASELINE_RAPPORT ]]; then
    stop "$BASE_PID"
fi
if [[ $PYTHON_BASELINES == 1 ]]; then
    stop "$PYB_PID"
    stop "$PY1_PID"
fi

mean_of() { # scenario prefix column
    awk -F'\t' -v p="$1" -v col="$2" 'index($2, p) == 1 { s += $(col + 1); n++ } END { if (n) printf "%.0f", s / n }' "$RESULTS"
}
declare -A HALF
for c in $CORPORA; do
    HALF[$c]=$(awk -v m="$(mean_of "rapport flat out, $c [s" 2)" 'BEGIN { printf "%.0f", m / 2 }')
    say "latency, corpus $c: rapport at 50% of its mean flat-out rate (${HALF[$c]} turns/s offered), one stream"
    load "rapport at 50%, $c (${HALF[$c]}/s)" "rapport-half-$c" "$c" --target "$MAIN_URL" --server-pid "$MAIN_PID" \
        --metrics "$MAIN_METRICS" --streams 8 --rate "${HALF[$c]}" --seconds "$LATENCY_SECONDS"
    load "rapport single stream, $c" "rapport-single-$c" "$c" --target "$MAIN_URL" --server-pid "$MAIN_PID" \
        --metrics "$MAIN_METRICS" --streams 1 --window 1 --conversations 1 --seconds "$LATENCY_SECONDS"
    # The same, from a client that is not ours.
    "$PYTHON" benches/grpcio_single_stream.py "${MAIN_URL#http://}" --corpus "${CORPUS[$c]}" \
        --label "grpcio single stream, $c" >"$OUT/grpcio-single-$c.txt"
    grep -v '^RESULT' "$OUT/grpcio-single-$c.txt" >&2
    record "grpcio single stream, $c" "$OUT/grpcio-single-$c.txt"
done

if ((HOLD_STREAMS > 0)); then
    say "rapport hold $HOLD_STREAMS streams"
    load "rapport hold $HOLD_STREAMS streams" rapport-hold hand --target "$MAIN_URL" --server-pid "$MAIN_PID" \
        --metrics "$MAIN_METRICS" --hold-streams "$HOLD_STREAMS" --seconds 5
fi
stop "$MAIN_PID"

if ((FILL_CONVERSATIONS > 0)); then
    say "memory per tracked conversation (fresh server, $FILL_CONVERSATIONS conversations)"
    start_rapport memory
    "$LOAD" --corpus benches/corpus.txt --target "$RAPPORT_URL" --label warm-up --seconds 5 --warmup 0 \
        >"$OUT/rapport-memory-warmup.txt"
    load "rapport $FILL_CONVERSATIONS conversations" rapport-fill hand --target "$RAPPORT_URL" \
        --server-pid "$RAPPORT_PID" --metrics "$METRICS" --fill --conversations "$FILL_CONVERSATIONS" --streams 8
    stop "$RAPPORT_PID"
fi

# ------------------------------------------------------------------------------------------
say "results ($OUT)"

# Per-slice rows folded into one row per scenario: mean of every numeric column, the per-slice
# turns/s range in the notes. Everything else as recorded.
aggregate() {
    awk -F'\t' -v OFS='\t' '
    function base(name) { sub(/ \[s[0-9]+\]$/, "", name); return name }
    {
        if ($2 !~ / \[s[0-9]+\]$/) { order[++n] = $2; line[$2] = $0; next }
        b = base($2)
        if (!(b in count)) { order[++n] = b " (slices)"; key[n] = b }
        count[b]++
        for (c = 3; c <= 8; c++) sum[b, c] += $c
        tps[b] = tps[b] (tps[b] == "" ? "" : " ") $3
        if (!(b in lo) || $3 < lo[b]) lo[b] = $3
        if (!(b in hi) || $3 > hi[b]) hi[b] = $3
        errors[b] = (errors[b] == "" || errors[b] == "none") ? $9 : errors[b]
        rss[b] = $10
    }
    END {
        for (i = 1; i <= n; i++) {
            name = order[i]
            if (name in line) { print line[name]; continue }
            b = key[i]
            out = "RESULT" OFS name
            for (c = 3; c <= 8; c++) out = out OFS (sum[b, c] == 0 && c > 3 ? "-" : sprintf(c == 3 ? "%.0f" : "%.2f", sum[b, c] / count[b]))
            print out, errors[b], rss[b], "per slice: " tps[b]
        }
    }' "$RESULTS"
}

ratio_line() { # label numerator-prefix denominator-prefix target
    awk -F'\t' -v num="$2" -v den="$3" -v label="$1" -v target="$4" '
    function slice(name) { match(name, /\[s[0-9]+\]$/); return substr(name, RSTART) }
    index($2, num " [s") == 1 { a[slice($2)] = $3 }
    index($2, den " [s") == 1 { b[slice($2)] = $3 }
    END {
        n = 0; sa = 0; sb = 0
        for (k in a) if (k in b && b[k] > 0) { r[++n] = a[k] / b[k]; sa += a[k]; sb += b[k] }
        if (n == 0) { printf "| %s | - | |\n", label; exit }
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
        median = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
        list = ""
        for (i = 1; i <= n; i++) list = list sprintf("%s%.2f", i > 1 ? ", " : "", r[i])
        printf "| %s | %.2f× (median of %d slices: %s; means %.0f / %.0f turns/s) | %s |\n",
            label, median, n, list, sa / n, sb / n, (target == "" ? "" : (median >= target ? "met" : "missed"))
    }' "$RESULTS"
}

{
    cat "$OUT/machine.txt"
    echo
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        scenario "turns/s" "signals/s" "p50 ms" "p90 ms" "p99 ms" "max ms" errors "RSS MiB" notes
    echo '|---|---:|---:|---:|---:|---:|---:|---|---:|---|'
    aggregate | while IFS=$'\t' read -r _ name tps sps p50 p90 p99 max errors rss extra; do
        extra=$(sed -e 's/cpu_client=[^ ]* //; s/streams=[0-9]* //; s/threads=[0-9]* //' <<<"$extra")
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
            "$name" "$tps" "$sps" "$p50" "$p90" "$p99" "$max" "$errors" "$rss" "$extra"
    done
    echo
    echo "| target | measured | |"
    echo "|---|---|---|"
    for c in $CORPORA; do
        if [[ $c == real ]]; then naive_target=3 sorted_target=0.8; else naive_target="" sorted_target=""; fi
        ratio_line "$c: rapport flat out ÷ naive ONNX limit (random batches of 32)${naive_target:+ ≥ $naive_target}" \
            "rapport flat out, $c" "onnx naive limit, $c" "$naive_target"
        ratio_line "$c: rapport flat out ÷ length-sorted ONNX limit${sorted_target:+ ≥ $sorted_target}" \
            "rapport flat out, $c" "onnx sorted limit, $c" "$sorted_target"
        if [[ -n $BASELINE_RAPPORT ]]; then
            ratio_line "$c: rapport flat out ÷ baseline rapport flat out" "rapport flat out, $c" "baseline rapport flat out, $c" ""
        fi
        if [[ $PYTHON_BASELINES == 1 && $c != pairs ]]; then
            ratio_line "$c: rapport flat out ÷ Python baseline, batched" "rapport flat out, $c" "python batched flat out, $c" ""
            ratio_line "$c: rapport flat out ÷ Python baseline, one turn per run" "rapport flat out, $c" "python per-turn flat out, $c" ""
        fi
        awk -v a="$(field "rapport at 50%, $c (${HALF[$c]}/s)" 6)" -v c="$c" 'BEGIN {
            printf "| %s: p99 ≤ 15 ms at 50%% of max | %s ms | %s |\n", c, a, (a + 0 <= 15 ? "met" : "missed")
        }'
        # A turn read after the bot's reply is held to the 4 ms of a single utterance; a turn
        # alone to the hot path's 3 ms.
        if [[ $c == pairs ]]; then budget=4; else budget=3; fi
        awk -v a="$(field "rapport single stream, $c" 4)" -v c="$c" -v b="$budget" 'BEGIN {
            printf "| %s: single stream p50 ≤ %s ms | %s ms | %s |\n", c, b, a, (a + 0 <= b ? "met" : "missed")
        }'
    done
    if ((HOLD_STREAMS > 0)); then
        hold=$(field "rapport hold $HOLD_STREAMS streams" 10)
        case "$hold" in
            *"held=$HOLD_STREAMS/$HOLD_STREAMS intact=200/200"*) verdict=met ;;
            *) verdict=missed ;;
        esac
        echo "| $HOLD_STREAMS concurrent streams | $hold | $verdict |"
    fi
    if ((FILL_CONVERSATIONS > 0)); then
        bytes=$(field "rapport $FILL_CONVERSATIONS conversations" 10 | sed -n 's/.*bytes_per_conversation=\([0-9-]*\).*/\1/p')
        awk -v b="$bytes" 'BEGIN { printf "| ≤ 2 KiB per tracked conversation | %s bytes (%.2f KiB) | %s |\n", b, b / 1024, (b + 0 <= 2048 ? "met" : "missed") }'
    fi
} | tee "$OUT/summary.md"
