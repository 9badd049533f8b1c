"""Chooses the intent thresholds on the graph that ships, and writes them into its labels.json.

    python models/intent_thresholds.py [models/rapport-nlu]

calibrate.py picks thresholds on the full-precision network; the int8 graph's intent
probabilities differ from those by a few hundredths, which moves recall on new phrasings by
several points at a threshold. So export.ship re-chooses them here, on the int8 graph's own
outputs: per intent, the lowest threshold that fires on at most 3% of the look-alikes of the
calibration phrasings (phrasings.py: written apart from everything trained on) and, for the
intents whose cue acts on its own (every one but complaints; intents.REAL_TURN_BOUNDED), on at
most 0.3% of the dev dialogues' satisfied turns (metrics.tune_look_alike_thresholds). Test data
is never read.
"""

import json
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

import data
import metrics
from evaluate import run, session_for
from intents import INTENTS, REAL_TURN_BOUNDED

HERE = Path(__file__).resolve().parent


def choose(folder: Path, root: Path = HERE.parent.parent / "shared/data") -> dict:
    """Writes the chosen thresholds into folder/labels.json; returns them with the calibration recall."""
    session = session_for(folder / "model.onnx")
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    phrasings = data.intent_examples("calibration")
    dialogues = data.dialogues(root, "dev")
    probs = run(session, tokenizer, phrasings)["intents"]
    real = run(session, tokenizer, dialogues)["intents"][data.asks_for_nothing(dialogues)]
    labels = np.array([e.intents for e in phrasings])
    thresholds = metrics.tune_look_alike_thresholds(probs, labels, real, REAL_TURN_BOUNDED)

    spec_path = folder / "labels.json"
    spec = json.loads(spec_path.read_text())
    spec["intents"]["thresholds"] = thresholds
    spec_path.write_text(json.dumps(spec, indent=2) + "\n")

    recall, false_rate = metrics.recall_and_false_rate(probs, labels, thresholds)
    return {
        name: {
            "threshold": thresholds[k],
            "calibration recall": round(recall[k], 3),
            "calibration false rate": round(false_rate[k], 3),
            "dev satisfied turns fired": round(float((real[:, k] >= thresholds[k]).mean()), 4),
        }
        for k, name in enumerate(INTENTS)
    }


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "rapport-nlu"
    print(json.dumps(choose(folder), indent=2))
