# Shared by the bench scripts (sourced, not run): the child processes they start, stopped on
# exit; free loopback ports; waiting for a server to listen. Needs $PYTHON and $OUT set.

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*" >&2; }

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port pid
    local i
    for i in $(seq 1 300); do
        if ! kill -0 "$2" 2>/dev/null; then
            echo "server (pid $2) exited; see $OUT" >&2
            return 1
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "server (pid $2) not listening on $1 after 30 s" >&2
    return 1
}
