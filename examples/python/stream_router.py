#!/usr/bin/env python3
"""A router reading rapport's signals straight from the Redis stream (cluster mode).

With `[cluster] redis_url` set, every replica appends its signals to one Redis stream
(default key `rapport:signals`) before any subscriber sees them. A router can read that stream
with a consumer group instead of calling SubscribeSignals: several router instances in one
group share the signals, each entry is acknowledged (XACK) once it is handled, and entries a
crashed router had read but not acknowledged are read again by the same consumer name.

Entry fields: signal_id, tenant_id, conversation_id, kind (escalate | switch_channel),
priority (low | normal | high | urgent), rule_id, replica (the id of the rapport process that
made it), and signal: the whole signal as JSON (the audit-file format; its handoff text is
already redacted). The signal's sequence is the entry id
`<ms>-<seq>` packed as `ms << 20 | seq`, the same number SubscribeSignals reports.

Prints one JSON object per signal on stdout:

    {"sequence": 1882..., "stream_id": "1795...-0", "signal_id": "...", "kind": "escalate",
     "priority": "high", "tenant_id": "acme", "conversation_id": "c1",
     "rule_id": "escalate.explicit-human-request", "route": "agents/high", "summary": "..."}

Exit status: 0 after --count signals, or (with --count) when a read waits --block-ms with
nothing new; 1 when Redis cannot be reached; 3 when the redis package is missing.

    python3 stream_router.py --redis-url redis://localhost:6379/0 --group routers --consumer r1
"""

from __future__ import annotations

import argparse
import json
import sys

try:
    import redis
except ImportError:
    print("the redis package is missing: .venv/bin/pip install redis (.ci/setup does this)", file=sys.stderr)
    sys.exit(3)


def sequence(stream_id: str) -> int:
    """The SubscribeSignals sequence of a stream entry id."""
    ms, seq = stream_id.split("-")
    return int(ms) << 20 | int(seq)


def route(fields: dict[str, str]) -> str:
    if fields["kind"] == "switch_channel":
        return "channels/switch"
    return "agents/" + fields["priority"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default="redis://localhost:6379/0")
    parser.add_argument("--stream", default="rapport:signals", help="the stream key ([cluster] key_prefix + ':signals')")
    parser.add_argument("--group", default="routers", help="consumer group (created at the oldest entry if absent)")
    parser.add_argument("--consumer", default="router-1", help="this instance's name in the group")
    parser.add_argument("--count", type=int, help="exit after this many signals")
    parser.add_argument("--block-ms", type=int, default=5000, help="how long one read waits")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    client = redis.Redis.from_url(args.redis_url, decode_responses=True)
    try:
        client.xgroup_create(args.stream, args.group, id="0", mkstream=True)
    except redis.ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise
    except redis.ConnectionError as error:
        print(f"redis: {error}", file=sys.stderr)
        return 1
    handled = 0
    # First what this consumer read before but never acknowledged ("0"), then new entries (">").
    position = "0"
    while args.count is None or handled < args.count:
        want = None if args.count is None else args.count - handled
        reply = client.xreadgroup(
            args.group, args.consumer, {args.stream: position}, count=want, block=args.block_ms
        )
        entries = reply[0][1] if reply else []
        if not entries:
            if position == "0":
                position = ">"
                continue
            if args.count is not None:
                break
            continue
        for stream_id, fields in entries:
            signal = json.loads(fields["signal"])
            print(
                json.dumps(
                    {
                        "sequence": sequence(stream_id),
                        "stream_id": stream_id,
                        "signal_id": fields["signal_id"],
                        "kind": fields["kind"],
                        "priority": fields["priority"],
                        "tenant_id": fields["tenant_id"],
                        "conversation_id": fields["conversation_id"],
                        "rule_id": fields["rule_id"],
                        "route": route(fields),
                        "summary": signal["handoff"]["summary"],
                    }
                ),
                flush=True,
            )
            client.xack(args.stream, args.group, stream_id)
            handled += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
