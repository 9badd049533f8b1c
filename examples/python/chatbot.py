#!/usr/bin/env python3
"""A chatbot platform talking to rapport: one Converse stream, one scripted conversation.

The bot greets, misunderstands a few times (fallback answers), and the customer gets angrier
until they ask for a real person. Every response is printed as it arrives: the assessment of
each customer turn (sentiment, frustration, top emotions, cues) and any signal it fired (kind,
rule id, reasons, priority, target channel, handoff summary).

The last line on stdout is one JSON object summarising the run, for scripts and tests:

    {"summary": true, "tenant_id": "acme", "conversation_id": "...", "completed": true,
     "signals": [{"sequence": 1, "kind": "ESCALATE", "rule_id": "...", ...}], ...}

Exit status: 0 when the stream completed (every turn answered, stream closed with OK),
1 on an RPC failure, 3 when grpcio / grpcio-tools are missing.

    python3 chatbot.py --addr localhost:50051
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import time
import uuid

from rapport_proto import auth_metadata, enum_name, enum_value, open_channel, pb, rpc  # first: checks grpcio

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

# (speaker, text, seconds since the previous turn, the bot fell back / did not understand)
SCRIPT = [
    ("BOT", "Hi! I'm Ava, Acme's virtual assistant. How can I help you today?", 0, False),
    ("CUSTOMER", "Hi, my order A1234 was supposed to arrive on Monday and it still hasn't come.", 20, False),
    ("BOT", "I can help with orders! Could you give me your order number?", 2, False),
    ("CUSTOMER", "I just told you, it's A1234. My email is jane.doe@example.com if that helps.", 15, False),
    ("BOT", "Sorry, I didn't get that. Could you rephrase?", 2, True),
    ("CUSTOMER", "Where is my parcel? It's been a week and nobody tells me anything.", 25, False),
    # No answer for 45 s: the customer nudges (rapport reports waited_ms).
    ("CUSTOMER", "Is anyone there??", 45, False),
    ("BOT", "Sorry, I didn't understand. You can ask me about orders, returns or billing.", 2, True),
    ("CUSTOMER", "This is ridiculous, I have asked the same thing three times now!", 30, False),
    ("BOT", "I'm sorry, I didn't catch that. Could you try again?", 2, True),
    ("CUSTOMER", "this is useless, let me talk to a real person", 10, False),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addr", default="localhost:50051", help="rapport gRPC address (host:port)")
    parser.add_argument("--tenant", default="acme", help="tenant id (default: acme)")
    parser.add_argument(
        "--conversation", help="conversation id (default: a fresh demo-<random> id per run)"
    )
    parser.add_argument(
        "--channel",
        default="CHAT",
        help="channel the conversation runs on (default: CHAT)",
    )
    parser.add_argument(
        "--available",
        default="CHAT,VOICE,CALLBACK,SMS",
        help="comma-separated channels the customer can be moved to (default: CHAT,VOICE,CALLBACK,SMS)",
    )
    parser.add_argument(
        "--pace", type=float, default=0.0, help="seconds to pause between turns, for live demos"
    )
    parser.add_argument(
        "--connect-timeout", type=float, default=10.0, help="seconds to wait for the server (default: 10)"
    )
    parser.add_argument("--keep", action="store_true", help="do not end the conversation at the end")
    parser.add_argument(
        "--token",
        default=os.environ.get("RAPPORT_TOKEN"),
        help="bearer token, when the server has [auth] tokens (default: $RAPPORT_TOKEN)",
    )
    parser.add_argument("--ca", help="PEM file of the CA that signed the server's certificate: use TLS")
    return parser.parse_args()


def timestamp(seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def build_turns(args: argparse.Namespace, conversation: str) -> list:
    channel = enum_value("Channel", args.channel)
    available = [enum_value("Channel", c) for c in args.available.split(",") if c.strip()]
    # Simulated clock: the script's gaps, ending now, so `waited_ms` is meaningful.
    start = time.time() - sum(step[2] for step in SCRIPT)
    at = start
    turns = []
    for index, (speaker, text, gap, fallback) in enumerate(SCRIPT, start=1):
        at += gap
        turn = pb.Turn(
            tenant_id=args.tenant,
            conversation_id=conversation,
            turn_id=str(index),
            speaker=enum_value("Speaker", speaker),
            text=text,
            channel=channel,
            sent_at=timestamp(at),
            language="en",
            available_channels=available,
        )
        if speaker == "BOT":
            turn.metadata.fallback = fallback
            if fallback:
                turn.metadata.intent_confidence = 0.2
        turns.append(turn)
    return turns


def print_assessment(assessment) -> None:
    scores = assessment.scores
    s = scores.sentiment
    emotions = ", ".join(f"{e.label} {e.score:.2f}" for e in scores.top_emotions) or "-"
    print(
        f"    sentiment  neg {s.negative:.2f}  neu {s.neutral:.2f}  pos {s.positive:.2f}"
        f"   frustration {scores.frustration:.2f}"
        f" (conversation {assessment.conversation_frustration:.2f},"
        f" {enum_name('Trend', assessment.trend)}, slope {assessment.frustration_slope:+.2f})"
    )
    print(f"    emotions   {emotions}")
    details = [
        f"negative streak {assessment.consecutive_negative}",
        f"bot fallbacks {assessment.bot_fallback_streak}",
        f"waited {assessment.waited_ms / 1000:.0f}s",
    ]
    print(f"    state      {', '.join(details)}")
    for cue in assessment.cues:
        channel = f" -> {enum_name('Channel', cue.channel)}" if cue.channel else ""
        print(f"    cue        {enum_name('CueKind', cue.kind)} \"{cue.text}\"{channel}")


def signal_summary(signal) -> dict:
    return {
        "sequence": signal.sequence,
        "signal_id": signal.signal_id,
        "kind": enum_name("SignalKind", signal.kind),
        "priority": enum_name("Priority", signal.priority),
        "rule_id": signal.rule_id,
        "reasons": [enum_name("ReasonCode", r) for r in signal.reasons],
        "turn_id": signal.turn_id,
        "current_channel": enum_name("Channel", signal.current_channel),
        "target_channel": enum_name("Channel", signal.target_channel) if signal.target_channel else None,
    }


def print_signal(signal) -> None:
    s = signal_summary(signal)
    target = f" -> {s['target_channel']}" if s["target_channel"] else ""
    print(
        f"  >> SIGNAL #{s['sequence']} {s['kind']}{target}  priority {s['priority']}"
        f"  rule {s['rule_id']}  reasons {', '.join(s['reasons'])}"
    )
    if signal.explanation:
        print(f"     why      {signal.explanation}")
    if signal.handoff.summary:
        print(f"     handoff  {signal.handoff.summary}")
        print(
            f"              {len(signal.handoff.recent_turns)} recent turns,"
            f" {len(signal.handoff.emotion_timeline)} timeline points,"
            f" {len(signal.handoff.bot_failed_attempts)} failed bot answers (all redacted)"
        )


def main() -> int:
    args = parse_args()
    conversation = args.conversation or f"demo-{uuid.uuid4().hex[:8]}"
    try:
        turns = build_turns(args, conversation)
    except ValueError as error:
        print(f"chatbot: {error}", file=sys.stderr)
        return 2

    summary = {
        "summary": True,
        "tenant_id": args.tenant,
        "conversation_id": conversation,
        "completed": False,
        "turns_sent": 0,
        "assessed": 0,
        "errors": [],
        "duplicates": 0,
        "signals": [],
    }

    def finish(code: int) -> int:
        kinds = [s["kind"] for s in summary["signals"]]
        summary["escalated"] = "ESCALATE" in kinds
        summary["switched_to"] = [
            s["target_channel"] for s in summary["signals"] if s["kind"] == "SWITCH_CHANNEL"
        ]
        print(json.dumps(summary), flush=True)
        return code

    channel = open_channel(args.addr, args.ca)
    try:
        grpc.channel_ready_future(channel).result(timeout=args.connect_timeout)
    except grpc.FutureTimeoutError:
        print(f"chatbot: no rapport server at {args.addr} after {args.connect_timeout:.0f}s", file=sys.stderr)
        return finish(1)
    stub = rpc.RapportStub(channel)

    # The request side of the bidi stream: a generator fed from this thread, so each turn is
    # sent only after the previous one was answered, as a chatbot platform would.
    outbox: queue.Queue = queue.Queue()

    def requests():
        while (request := outbox.get()) is not None:
            yield request

    responses = stub.Converse(requests(), metadata=auth_metadata(args.token))
    print(f"conversation {args.tenant}/{conversation} on {args.addr}")
    try:
        for turn in turns:
            if args.pace:
                time.sleep(args.pace)
            outbox.put(pb.ConverseRequest(turn=turn))
            summary["turns_sent"] += 1
            response = next(responses)
            speaker = enum_name("Speaker", turn.speaker).lower()
            print(f"\n[{response.turn_id}] {speaker:8} {turn.text}")
            outcome = response.WhichOneof("outcome")
            if response.duplicate:
                summary["duplicates"] += 1
                print("    (duplicate: already seen, nothing changed)")
            if outcome == "assessment":
                summary["assessed"] += 1
                print_assessment(response.assessment)
            elif outcome == "error":
                summary["errors"].append({"turn_id": response.turn_id, "code": response.error.code,
                                          "message": response.error.message})
                print(f"    ERROR {response.error.code}: {response.error.message}")
            for signal in response.signals:
                summary["signals"].append(signal_summary(signal))
                print_signal(signal)
            asked_for_person = outcome == "assessment" and any(
                cue.kind == pb.CUE_KIND_HUMAN_REQUEST for cue in response.assessment.cues
            )
            escalated = any(s["kind"] == "ESCALATE" for s in summary["signals"])
            if asked_for_person and not response.signals and escalated:
                print("    (no new signal: this conversation has already escalated, and escalation is one-shot)")

        if not args.keep:
            outbox.put(pb.ConverseRequest(end=pb.EndConversation(tenant_id=args.tenant,
                                                                  conversation_id=conversation)))
            response = next(responses)
            print(f"\nconversation {response.WhichOneof('outcome')}")
        outbox.put(None)  # half-close: the server answers what it has, then ends the stream
        for extra in responses:
            print(f"unexpected extra response: {extra}", file=sys.stderr)
        summary["completed"] = responses.code() == grpc.StatusCode.OK
    except StopIteration:
        print("chatbot: the server closed the stream before answering every turn", file=sys.stderr)
        return finish(1)
    except grpc.RpcError as error:
        print(f"chatbot: Converse failed: {error.code().name}: {error.details()}", file=sys.stderr)
        return finish(1)
    finally:
        outbox.put(None)
        channel.close()
    return finish(0 if summary["completed"] else 1)


if __name__ == "__main__":
    sys.exit(main())
