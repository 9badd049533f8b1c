"""Single-stream latency seen by a grpcio client: one Converse stream, one customer turn at a time.

A cross-check of the load tool's single-stream row with a client that is not ours (tonic):
each turn is sent only after the previous answer arrived, as a chatbot platform would, and its
latency runs from the send to its answer. Conversations of 8 turns, utterances drawn from a
corpus (one per line), the first `--warmup` turns not counted. A `BOT<TAB>CUSTOMER` line
(`benches/real_corpus.py --pairs`) sends the bot turn first and waits for its answer, so the
customer turn is read after the bot's reply, as in production; only the customer turn is timed.

    .venv/bin/python benches/grpcio_single_stream.py 127.0.0.1:50051 --corpus target/bench/corpus-real.txt
    .venv/bin/python benches/grpcio_single_stream.py 127.0.0.1:50051 --corpus target/bench/corpus-real-pairs.txt
"""

import argparse
import os
import queue
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples/python"))
from rapport_proto import enum_value, open_channel, pb, rpc  # noqa: E402  (checks grpcio first)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("addr", help="host:port of a running rapport serve")
    parser.add_argument("--corpus", default="benches/corpus.txt")
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--label", default="grpcio single stream", help="scenario name of the RESULT line")
    args = parser.parse_args()

    lines = [line.strip() for line in open(args.corpus, encoding="utf-8") if line.strip()]
    pairs = [line.split("\t", 1) if "\t" in line else [None, line] for line in lines]
    rng = random.Random(args.seed)
    run = uuid.uuid4().hex[:8]
    outbox: queue.Queue = queue.Queue()

    def requests():
        while (request := outbox.get()) is not None:
            yield request

    stub = rpc.RapportStub(open_channel(args.addr))
    responses = stub.Converse(requests())
    latencies = []
    started = time.perf_counter()
    for i in range(args.turns):
        bot, text = rng.choice(pairs)
        conversation = f"grpcio-{run}-{i // 8}"

        def request(turn_id, speaker, text):
            return pb.ConverseRequest(turn=pb.Turn(
                tenant_id="bench", conversation_id=conversation, turn_id=turn_id,
                speaker=enum_value("Speaker", speaker), channel=enum_value("Channel", "CHAT"), text=text,
            ))

        if bot is not None:
            outbox.put(request(f"{i % 8 + 1}b", "BOT", bot))
            answer = next(responses)
            if answer.WhichOneof("outcome") != "recorded":
                print(f"bot turn {i}: {answer}", file=sys.stderr)
                return 1
        sent = time.perf_counter()
        outbox.put(request(str(i % 8 + 1), "CUSTOMER", text))
        answer = next(responses)
        took = (time.perf_counter() - sent) * 1000
        if answer.WhichOneof("outcome") != "assessment":
            print(f"turn {i}: {answer}", file=sys.stderr)
            return 1
        if i >= args.warmup:
            latencies.append(took)
    outbox.put(None)
    rate = args.turns / (time.perf_counter() - started)
    latencies.sort()
    at = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    print(f"grpcio single stream: {len(latencies)} turns, p50 {at(0.5):.2f} ms, p90 {at(0.9):.2f} ms, p99 {at(0.99):.2f} ms")
    # The load tool's RESULT layout: turns/s, signals/s, p50, p90, p99, max, errors, RSS, notes.
    fields = ["RESULT", args.label, f"{rate:.0f}", "-", *(f"{at(q):.2f}" for q in (0.5, 0.9, 0.99)),
              f"{latencies[-1]:.2f}", "none", "-", "client=grpcio"]
    print("\t".join(fields))
    sys.stdout.flush()
    # The response iterator's thread would keep the interpreter alive; the stream is done.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
