#!/usr/bin/env python3
"""A contact-center router listening to rapport's signals (SubscribeSignals).

Prints one JSON object per line on stdout:

    {"event": "subscribed", ...}   the server accepted the subscription (response headers
                                   arrived): every signal published from now on is delivered
    {"event": "signal", "sequence": 7, "kind": "ESCALATE", "priority": "HIGH",
     "rule_id": "escalate.explicit-human-request", "reasons": [...], "conversation_id": "...",
     "target_channel": null, "route": "agents/high", "handoff": {"recent_turns": [...]}, ...}
    {"event": "gap", "requested_from": 1, "oldest_available": 40, "missed": 39}
                                   --from-sequence asked for signals the server no longer holds;
                                   replay starts at oldest_available

Handoff turns arrive already redacted by the server ([EMAIL], [PHONE], [CARD]).

Exit status: 0 after --max signals, or when the server ends the stream (shutdown) unless
--reconnect; 1 on an RPC error; 2 on bad arguments; 3 when grpcio / grpcio-tools are missing.

    python3 router.py --addr localhost:50051 --tenant acme --kind ESCALATE --min-priority HIGH
    python3 router.py --from-sequence 1 --max 5        # replay what the server still holds
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from rapport_proto import auth_metadata, enum_name, enum_value, open_channel, pb, rpc  # first: checks grpcio

import grpc


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addr", default="localhost:50051", help="rapport gRPC address (host:port)")
    parser.add_argument(
        "--tenant", action="append", default=[], help="only this tenant (repeatable; all when absent)"
    )
    parser.add_argument(
        "--kind",
        action="append",
        default=[],
        help="only this signal kind: ESCALATE or SWITCH_CHANNEL (repeatable; all when absent)",
    )
    parser.add_argument(
        "--min-priority", help="only signals at or above: LOW, NORMAL, HIGH or URGENT (default: all)"
    )
    parser.add_argument(
        "--from-sequence",
        type=int,
        help="replay the server's buffered signals from this sequence (inclusive) before live ones",
    )
    parser.add_argument("--max", type=int, help="exit 0 after this many signals")
    parser.add_argument(
        "--reconnect",
        action="store_true",
        help="when the stream drops, subscribe again from the last sequence seen + 1",
    )
    parser.add_argument(
        "--connect-timeout", type=float, default=10.0, help="seconds to wait for the server (default: 10)"
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("RAPPORT_TOKEN"),
        help="bearer token, when the server has [auth] tokens (default: $RAPPORT_TOKEN)",
    )
    parser.add_argument("--ca", help="PEM file of the CA that signed the server's certificate: use TLS")
    args = parser.parse_args()
    try:
        args.kind_values = [enum_value("SignalKind", k) for k in args.kind]
        args.priority_value = enum_value("Priority", args.min_priority) if args.min_priority else 0
    except ValueError as error:
        parser.error(str(error))
    if args.max is not None and args.max < 1:
        parser.error("--max must be at least 1")
    return args


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def route(signal) -> str:
    """Where this toy router sends the conversation."""
    if signal.kind == pb.SIGNAL_KIND_SWITCH_CHANNEL:
        return f"channel/{enum_name('Channel', signal.target_channel).lower()}"
    return f"agents/{enum_name('Priority', signal.priority).lower()}"


def signal_record(signal) -> dict:
    handoff = signal.handoff
    return {
        "event": "signal",
        "sequence": signal.sequence,
        "signal_id": signal.signal_id,
        "kind": enum_name("SignalKind", signal.kind),
        "priority": enum_name("Priority", signal.priority),
        "rule_id": signal.rule_id,
        "reasons": [enum_name("ReasonCode", r) for r in signal.reasons],
        "tenant_id": signal.tenant_id,
        "conversation_id": signal.conversation_id,
        "turn_id": signal.turn_id,
        "current_channel": enum_name("Channel", signal.current_channel),
        "target_channel": enum_name("Channel", signal.target_channel) if signal.target_channel else None,
        "explanation": signal.explanation,
        "emitted_at": signal.emitted_at.ToJsonString() if signal.HasField("emitted_at") else None,
        "route": route(signal),
        "handoff": {
            "summary": handoff.summary,
            "recent_turns": [
                {
                    "turn_id": t.turn_id,
                    "speaker": enum_name("Speaker", t.speaker),
                    "text": t.text,
                    "channel": enum_name("Channel", t.channel),
                    "bot_fallback": t.bot_fallback,
                }
                for t in handoff.recent_turns
            ],
            "bot_failed_attempts": list(handoff.bot_failed_attempts),
        },
    }


def subscribe(stub, args, from_sequence):
    request = pb.SubscribeSignalsRequest(
        tenant_ids=args.tenant, kinds=args.kind_values, min_priority=args.priority_value
    )
    if from_sequence is not None:
        request.from_sequence = from_sequence
    call = stub.SubscribeSignals(request, metadata=auth_metadata(args.token))
    # The server registers the subscription before it answers with response headers, so once
    # they are here no signal published afterwards can be missed. This is the sync point for
    # anything (a test, a demo script) that wants to start producing signals only now.
    call.initial_metadata()
    if call.done() and call.code() != grpc.StatusCode.OK:
        raise call  # the call is also the RpcError
    emit(
        {
            "event": "subscribed",
            "addr": args.addr,
            "tenants": args.tenant,
            "kinds": [enum_name("SignalKind", k) for k in args.kind_values],
            "min_priority": enum_name("Priority", args.priority_value) if args.priority_value else None,
            "from_sequence": from_sequence,
        }
    )
    return call


def main() -> int:
    args = parse_args()
    channel = open_channel(args.addr, args.ca)
    try:
        grpc.channel_ready_future(channel).result(timeout=args.connect_timeout)
    except grpc.FutureTimeoutError:
        print(f"router: no rapport server at {args.addr} after {args.connect_timeout:.0f}s", file=sys.stderr)
        return 1
    stub = rpc.RapportStub(channel)

    received = 0
    last_sequence = None
    backoff = 0.5
    call = None
    try:
        while True:
            resume_from = last_sequence + 1 if last_sequence is not None else args.from_sequence
            try:
                call = subscribe(stub, args, resume_from)
                backoff = 0.5
                for event in call:
                    which = event.WhichOneof("event")
                    if which == "gap":
                        gap = event.gap
                        emit(
                            {
                                "event": "gap",
                                "requested_from": gap.requested_from,
                                "oldest_available": gap.oldest_available,
                                "missed": gap.oldest_available - gap.requested_from,
                            }
                        )
                        print(
                            f"router: signals {gap.requested_from}..{gap.oldest_available - 1} are no longer "
                            "held by the server; check the affected conversations with GetConversation",
                            file=sys.stderr,
                        )
                    elif which == "signal":
                        emit(signal_record(event.signal))
                        last_sequence = event.signal.sequence
                        received += 1
                        if args.max is not None and received >= args.max:
                            call.cancel()
                            return 0
                # The server ended the stream (it is shutting down).
                if not args.reconnect:
                    print("router: the server closed the subscription", file=sys.stderr)
                    return 0
            except grpc.RpcError as error:
                retryable = error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
                if not (args.reconnect and retryable):
                    print(f"router: SubscribeSignals failed: {error.code().name}: {error.details()}", file=sys.stderr)
                    return 1
            print(f"router: stream dropped; resubscribing in {backoff:.1f}s", file=sys.stderr)
            time.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
    except KeyboardInterrupt:
        if call is not None:
            call.cancel()
        return 130
    finally:
        channel.close()


if __name__ == "__main__":
    sys.exit(main())
