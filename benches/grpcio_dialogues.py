"""Real dialogues pipelined on one Converse stream by a grpcio client: bot and customer turns in
order, as a chatbot platform sends them, so every customer turn is read after its bot turn.

Reads `../shared/data/dialogues/*.jsonl` (never committed), sends their turns without waiting for
answers (at most --window unanswered) and prints the customer turns assessed per second and the
share of customer turns that came back with a cue. Run it against two servers to compare
settings, e.g. `[nlu] reread_intents` on and off:

    target/release/rapport serve --listen 127.0.0.1:50061 --metrics-listen 127.0.0.1:9461 &
    target/release/rapport serve --listen 127.0.0.1:50062 --metrics-listen 127.0.0.1:9462 \
        --set nlu.reread_intents=false &
    .venv/bin/python benches/grpcio_dialogues.py 127.0.0.1:50061 --turns 6000
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "examples/python"))
from rapport_proto import enum_value, open_channel, pb, rpc  # noqa: E402  (checks grpcio first)


def dialogue_turns(data: Path, limit: int):
    """(conversation, speaker, text) of the dialogues' turns in order, up to `limit` turns."""
    run = uuid.uuid4().hex[:8]
    count = 0
    for path in sorted(data.glob("dialogues/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            dialogue = json.loads(line)
            for turn in dialogue["turns"]:
                if count == limit:
                    return
                speaker = "CUSTOMER" if turn["speaker"] == "user" else "BOT"
                yield f"{run}-{dialogue['dialogue_id']}", speaker, turn["text"]
                count += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addr", help="host:port of a running rapport serve")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared/data")
    parser.add_argument("--turns", type=int, default=6000, help="bot and customer turns sent")
    parser.add_argument("--window", type=int, default=256, help="most unanswered turns")
    args = parser.parse_args()

    turns = list(dialogue_turns(args.data, args.turns))
    credit = threading.Semaphore(args.window)

    def requests():
        for i, (conversation, speaker, text) in enumerate(turns):
            credit.acquire()
            yield pb.ConverseRequest(turn=pb.Turn(
                tenant_id="bench", conversation_id=conversation, turn_id=str(i),
                speaker=enum_value("Speaker", speaker), channel=enum_value("Channel", "CHAT"), text=text,
            ))

    stub = rpc.RapportStub(open_channel(args.addr))
    assessed = with_cue = answered = 0
    started = time.perf_counter()
    for response in stub.Converse(requests()):
        answered += 1
        credit.release()
        if response.WhichOneof("outcome") == "assessment":
            assessed += 1
            with_cue += bool(response.assessment.cues)
        if answered == len(turns):
            break
    took = time.perf_counter() - started
    print(f"{args.addr}: {len(turns)} turns on one stream, {assessed} customer turns assessed in {took:.1f} s: "
          f"{assessed / took:.0f} customer turns/s ({answered / took:.0f} turns/s); "
          f"{with_cue / max(assessed, 1):.1%} with a cue")
    sys.stdout.flush()
    os._exit(0)  # the response iterator's thread would keep the interpreter alive


if __name__ == "__main__":
    sys.exit(main())
