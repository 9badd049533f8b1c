"""Chooses the intent thresholds on the graph that ships, and writes them into its labels.json.

    python models/intent_thresholds.py [models/rapport-nlu]

calibrate.py picks thresholds on the full-precision network; the int8 graph's intent
probabilities differ from those by a few hundredths, which moves recall on new phrasings by
several points at a threshold. So export.ship re-chooses them here, on the int8 graph's own
outputs: per intent, the lowest threshold that fires on at most 3% of the look-alikes of the
calibration phrasings (phrasings.py: written apart from everything trained on) and on at most
0.3% of the dev dialogues' satisfied turns (metrics.tune_look_alike_thresholds). Test data is
never read.
"""

import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

import data
import metrics
from intents import INTENTS

HERE = Path(__file__).resolve().parent


def choose(folder: Path, root: Path = HERE.parent.parent / "shared/data") -> dict:
    """Writes the chosen thresholds into folder/labels.json; returns them with the calibration recall."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(folder / "model.onnx"), options)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))

    def score(input_ids, mask, types):
        return session.run(list(data.OUTPUTS), {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": types})

    phrasings = data.intent_examples("calibration")
    dialogues = [
        e for e in data.dialogues(root, "dev") if e.dissatisfaction == 0 and not data.names_intent_word(e.text)
    ]
    probs = data.score_by_length(tokenizer, phrasings, score)["intents"]
    real = data.score_by_length(tokenizer, dialogues, score)["intents"]
    labels = np.array([e.intents for e in phrasings])
    thresholds = metrics.tune_look_alike_thresholds(probs, labels, real)

    spec_path = folder / "labels.json"
    spec = json.loads(spec_path.read_text())
    spec["intents"]["thresholds"] = thresholds
    spec_path.write_text(json.dumps(spec, indent=2) + "\n")

    fired = probs >= np.asarray(thresholds)[None, :]
    none = labels.sum(1) == 0
    return {
        name: {
            "threshold": thresholds[k],
            "calibration recall": round(float(fired[labels[:, k] > 0.5, k].mean()), 3),
            "calibration false rate": round(float(fired[none, k].mean()), 3),
            "dev satisfied turns fired": round(float((real[:, k] >= thresholds[k]).mean()), 4),
        }
        for k, name in enumerate(INTENTS)
    }


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "rapport-nlu"
    print(json.dumps(choose(folder), indent=2))
