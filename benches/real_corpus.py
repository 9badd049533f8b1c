#!/usr/bin/env python3
"""Customer turns of real chatbot dialogues, one per line, for the load benchmarks.

Reads the user turns of `<repo>/../shared/data/dialogues/*.jsonl` (never committed: see
benches/README.md) and writes their texts, whitespace folded, in file order to
`target/bench/corpus-real.txt` (or the path given). Prints how many it wrote.

    python3 benches/real_corpus.py [OUT] [--data DIR]
"""

import argparse
import json
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent


def turns(data):
    files = sorted(data.glob("dialogues/*.jsonl"))
    if not files:
        sys.exit(f"{data}/dialogues/*.jsonl: no dialogue files")
    for path in files:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                for turn in json.loads(line)["turns"]:
                    if turn.get("speaker") != "user":
                        continue
                    text = " ".join(turn.get("text", "").split())
                    # The corpus reader skips blank lines and '#' comments.
                    text = text.lstrip("#").strip()
                    if text:
                        yield text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=REPO / "target/bench/corpus-real.txt", type=pathlib.Path)
    parser.add_argument("--data", default=REPO.parent / "shared/data", type=pathlib.Path)
    args = parser.parse_args()
    texts = list(turns(args.data))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    print(f"{args.out}: {len(texts)} customer turns from {args.data}/dialogues")


if __name__ == "__main__":
    main()
