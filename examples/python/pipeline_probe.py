"""Pipelining probe: Converse streams that send turns without waiting for the answers.

Opens --streams Converse streams on ONE channel (one HTTP/2 connection); each sends --turns
short customer turns, keeping at most --window unanswered (0 = no limit: everything at once).
Prints one JSON line: turns sent and answered, and how each stream ended. A server that
disconnects pipelining clients shows up as streams ending with an error status before all
turns are answered.

    python pipeline_probe.py --addr localhost:50051 --streams 1 --turns 5000 --window 0
    python pipeline_probe.py --addr localhost:50051 --streams 16 --turns 700 --window 512
"""

from __future__ import annotations

import argparse
import json
import threading

import grpc

from rapport_proto import pb, rpc


def stream(stub, index: int, turns: int, window: int, result: dict) -> None:
    credit = threading.Semaphore(window if window > 0 else turns)
    done = threading.Event()
    sent = 0

    def requests():
        nonlocal sent
        for i in range(turns):
            credit.acquire()
            if done.is_set():
                return
            sent += 1
            yield pb.ConverseRequest(
                turn=pb.Turn(
                    tenant_id="acme",
                    conversation_id=f"s{index}c{i % 50}",
                    turn_id=str(i),
                    speaker=pb.SPEAKER_CUSTOMER,
                    channel=pb.CHANNEL_CHAT,
                    text="hi there",
                )
            )

    answered, status = 0, "OK"
    try:
        for response in stub.Converse(requests()):
            if response.turn_id != str(answered):
                status = f"out of order: {response.turn_id} for {answered}"
                break
            answered += 1
            credit.release()
    except grpc.RpcError as error:
        status = f"{error.code().name}: {error.details()}"
    done.set()
    credit.release()
    result.update(stream=index, sent=sent, answered=answered, status=status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="localhost:50051")
    parser.add_argument("--streams", type=int, default=1)
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--window", type=int, default=0)
    args = parser.parse_args()
    channel = grpc.insecure_channel(args.addr)
    stub = rpc.RapportStub(channel)
    results = [dict() for _ in range(args.streams)]
    threads = [
        threading.Thread(target=stream, args=(stub, i, args.turns, args.window, results[i]))
        for i in range(args.streams)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        json.dumps(
            {
                "sent": sum(r["sent"] for r in results),
                "answered": sum(r["answered"] for r in results),
                "broken": [r for r in results if r["status"] != "OK"],
            }
        )
    )


if __name__ == "__main__":
    main()
