"""Two model folders timed in pairs: which graph is faster, with the host's drift cancelled.

Runs the same real turns through both graphs alternately (ONNX Runtime, the shipped tokenizer):
one utterance at a time on 1 thread (p50, mean), then length-sorted batches of 32 on 2 threads
(turns/s), the way the batcher groups turns. For choosing how a graph is exported (which nodes
stay fp32); the service's own figures come from `benches/run.sh`.

    python3 benches/real_corpus.py target/bench/corpus-real.txt
    .venv/bin/python benches/onnx_pair.py OLD_FOLDER models/rapport-nlu --corpus target/bench/corpus-real.txt
"""

import argparse
import random
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def session(folder: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(folder / "model.onnx"), options)


def feed(tokenizer: Tokenizer, texts: list) -> dict:
    """Right-padded ids and mask of the texts; the customer side only, token type 0."""
    ids = [tokenizer.encode(t).ids for t in texts]
    width = max(map(len, ids))
    input_ids = np.zeros((len(ids), width), np.int64)
    for row, sequence in enumerate(ids):
        input_ids[row, : len(sequence)] = sequence
    mask = (input_ids != 0).astype(np.int64)
    return {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}


def paired(sessions: dict, feeds: list, rounds: int) -> dict:
    """Seconds per run of each session, alternating them on every feed."""
    times = {name: [] for name in sessions}
    for _ in range(rounds):
        for f in feeds:
            for name, s in sessions.items():
                start = time.perf_counter()
                s.run(None, f)
                times[name].append(time.perf_counter() - start)
    return {name: np.array(t) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs=2)
    parser.add_argument("--corpus", type=Path, required=True, help="one utterance per line")
    parser.add_argument("--single", type=int, default=300, help="utterances timed one at a time")
    parser.add_argument("--batches", type=int, default=40, help="draws of 4 × 32 turns, each sorted by length")
    args = parser.parse_args()

    texts = [line.strip() for line in args.corpus.read_text().splitlines() if line.strip()]
    random.Random(3).shuffle(texts)
    tokenizer = Tokenizer.from_file(str(args.folders[1] / "tokenizer.json"))
    names = {str(folder): folder for folder in args.folders}

    single = paired({n: session(f, 1) for n, f in names.items()}, [feed(tokenizer, [t]) for t in texts[: args.single]], 3)
    batches = []
    for k in range(args.batches):
        draw = sorted(texts[k * 128 : (k + 1) * 128], key=len)
        batches += [feed(tokenizer, draw[i : i + 32]) for i in range(0, len(draw), 32)]
    batched = paired({n: session(f, 2) for n, f in names.items()}, batches, 2)
    turns = sum(len(b["input_ids"]) for b in batches) * 2

    print("| graph | 1 utterance, 1 thread: p50 ms | mean ms | batches of 32, 2 threads: turns/s |")
    print("|---|---:|---:|---:|")
    for name in names:
        ms = single[name] * 1000
        print(f"| {name} | {np.median(ms):.2f} | {ms.mean():.2f} | {turns / batched[name].sum():.0f} |")


if __name__ == "__main__":
    main()
