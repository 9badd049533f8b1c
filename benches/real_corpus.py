#!/usr/bin/env python3
"""Customer turns of real chatbot dialogues, one per line, for the load benchmarks.

Reads the user turns of `<repo>/../shared/data/dialogues/*.jsonl` (never committed: see
benches/README.md) and writes their texts, whitespace folded, in file order to
`target/bench/corpus-real.txt` (or the path given). Prints how many it wrote. With `--pairs`
each line is `BOT<TAB>CUSTOMER`, the bot turn the customer answered first (a dialogue's opening
customer turn stays alone), to `target/bench/corpus-real-pairs.txt`: the load tool then sends
both, as a chatbot platform does, and the service reads every customer turn after its bot turn.

    python3 benches/real_corpus.py [OUT] [--data DIR] [--pairs]
"""

import argparse
import json
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent


def fold(text):
    """Whitespace folded (no tabs or line breaks left); '#' stripped from the start, as the
    corpus reader skips '#' comments."""
    return " ".join(text.split()).lstrip("#").strip()


def turns(data, pairs=False):
    files = sorted(data.glob("dialogues/*.jsonl"))
    if not files:
        sys.exit(f"{data}/dialogues/*.jsonl: no dialogue files")
    for path in files:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                bot = ""
                for turn in json.loads(line)["turns"]:
                    text = fold(turn.get("text", ""))
                    if turn.get("speaker") != "user":
                        bot = text
                        continue
                    if text:
                        yield f"{bot}\t{text}" if pairs and bot else text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=pathlib.Path)
    parser.add_argument("--data", default=REPO.parent / "shared/data", type=pathlib.Path)
    parser.add_argument("--pairs", action="store_true", help="BOT<TAB>CUSTOMER lines")
    args = parser.parse_args()
    args.out = args.out or REPO / ("target/bench/corpus-real-pairs.txt" if args.pairs else "target/bench/corpus-real.txt")
    texts = list(turns(args.data, args.pairs))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    print(f"{args.out}: {len(texts)} customer turns from {args.data}/dialogues")


if __name__ == "__main__":
    main()
