"""Measures how the service combines a turn's two reads for its intents, on the shipped graph.

    python models/reread_rules.py [models/rapport-nlu]

The service reads a customer turn after the bot's turn (the context); when that read gives any
intent at least SCREEN of its threshold, it reads the turn again alone (src/nlu/reread.rs). This
prints, for each way of combining the two reads (in context only, alone only, the mean, the
geometric mean), the model's person and complaint recall / false rate on the calibration phrasings
read after a held-out bot turn (`dump_intents.py calibration F --context`'s turns), and how often
each fires on the dev dialogues' satisfied turns (real look-alikes; the thresholds were chosen to
fire on at most 0.3% of them), plus the share of dev customer turns the screen passes. Tuning
data only: no test split is read. The model alone, without the patterns.
"""

import json
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

import data
import dump_intents
from evaluate import run, session_for
from intents import INTENTS

HERE = Path(__file__).resolve().parent
SCREEN = 0.1  # src/nlu/reread.rs

RULES = {
    "in context": lambda c, a: c,
    "alone": lambda c, a: a,
    "mean": lambda c, a: (c + a) / 2,
    "geometric mean": lambda c, a: np.sqrt(c * a),
}


def main():
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "rapport-nlu"
    session = session_for(folder / "model.onnx")
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    thresholds = np.array(json.loads((folder / "labels.json").read_text())["intents"]["thresholds"])

    def reads(examples):
        alone = [data.Example(e.text) for e in examples]
        return run(session, tokenizer, examples)["intents"], run(session, tokenizer, alone)["intents"]

    rows = dump_intents.rows("calibration", with_context=True)
    phrasings = [data.Example(r["text"], context=r.get("context")) for r in rows]
    labels = np.array([[name in r["intents"] for name in INTENTS] for r in rows])
    look_alike = ~labels.any(1)
    dialogues = data.dialogues(HERE.parent.parent / "shared/data", "dev")
    satisfied = data.asks_for_nothing(dialogues)
    (p_context, p_alone), (d_context, d_alone) = reads(phrasings), reads(dialogues)

    screened = (d_context / thresholds).max(1) >= SCREEN
    print(f"dev customer turns the screen passes: {screened.mean():.1%}")
    print("| rule | person recall / false (calibration, after a bot turn) | complaint recall / false | "
          "dev satisfied turns fired: person / complaint / any |")
    print("|---|---|---|---|")
    for name, rule in RULES.items():
        fired = rule(p_context, p_alone) >= thresholds
        real = rule(d_context, d_alone) >= thresholds
        cells = []
        for k in (INTENTS.index("person"), INTENTS.index("complaint")):
            recall = (fired[:, k] & labels[:, k]).sum() / labels[:, k].sum()
            cells.append(f"{recall:.1%} / {fired[look_alike, k].mean():.1%}")
        dev = f"{real[satisfied, 0].mean():.2%} / {real[satisfied, 7].mean():.2%} / {real[satisfied].any(1).mean():.2%}"
        print(f"| {name} | {cells[0]} | {cells[1]} | {dev} |")


if __name__ == "__main__":
    main()
