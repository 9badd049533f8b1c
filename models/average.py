"""Averages the weights of several trained networks into one network.pt (a uniform weight average).

    python models/average.py OUT.pt A.pt B.pt [C.pt ...]
    python models/calibrate.py --work DIR_OF_OUT --version V    # then re-ship it

Networks fine-tuned from one another share a basin, so their mean is a network too; it trades the
later runs' intent gains against the earlier runs' sentiment and dissatisfaction (model card,
"Choosing 2026.11.28.2"). Integer buffers are taken from the last network.
"""

import sys
from pathlib import Path

import torch


def average(paths: list) -> dict:
    states = [torch.load(p, map_location="cpu") for p in paths]
    keys = states[0].keys()
    if any(s.keys() != keys for s in states):
        raise ValueError("the networks have different parameters")
    return {
        k: sum(s[k] for s in states) / len(states) if states[0][k].is_floating_point() else states[-1][k]
        for k in keys
    }


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, inputs = Path(sys.argv[1]), sys.argv[2:]
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(average(inputs), out)
    print(f"{out}: mean of {len(inputs)} networks")


if __name__ == "__main__":
    main()
