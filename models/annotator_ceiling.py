"""How well one human annotator predicts the others: a ceiling for dialogue-level escalation.

    python models/annotator_ceiling.py                 # ../shared/data/dialogues/uss_*.jsonl
    python models/annotator_ceiling.py FILE.jsonl ...

Every user turn of the labelled dialogues carries three annotators' 1-5 satisfaction ratings.
For each rating slot k (one human judgement per turn; the data does not say whether slot k is the
same person on every turn), the "label" is the dialogue-level target computed from the OTHER annotators
(some user turn with their mean rating <= 2, the analogue of `should_escalate`), and the
"prediction" is annotator k's own judgement (some user turn they rated <= 2; their lowest rating
as the score for ROC-AUC). The figures are what `rapport eval` reports for the service (recall,
false-escalation rate, Youden's J, peak ROC-AUC), so they show how far a person reading the same
dialogues agrees with the label: a model cannot be expected to agree with it much better. The turn
ROC-AUC is the same comparison per turn: annotator k's rating as the score, the others' mean
rating <= 2 as the label (the analogue of a turn's `frustrated`).
"""

import argparse
import json
import statistics
from pathlib import Path

from sklearn.metrics import roc_auc_score

HERE = Path(__file__).resolve().parent
DEFAULT = [HERE.parent.parent / "shared/data/dialogues" / n for n in ("uss_sgd.jsonl", "uss_mwoz.jsonl")]


def rated_user_turns(dialogue: dict) -> list:
    return [t for t in dialogue["turns"] if t["speaker"] == "user" and len(t.get("ratings") or []) >= 3]


def agreement(dialogues: list, k: int) -> dict:
    labels, scores, turn_labels, turn_scores = [], [], [], []
    for dialogue in dialogues:
        turns = rated_user_turns(dialogue)
        if not turns:
            continue
        others = [statistics.mean(r for i, r in enumerate(t["ratings"]) if i != k) for t in turns]
        labels.append(min(others) <= 2)
        scores.append(-min(t["ratings"][k] for t in turns))
        turn_labels += [o <= 2 for o in others]
        turn_scores += [-t["ratings"][k] for t in turns]
    predicted = [s >= -2 for s in scores]
    positives = sum(labels)
    recall = sum(p and y for p, y in zip(predicted, labels)) / positives
    fer = sum(p and not y for p, y in zip(predicted, labels)) / (len(labels) - positives)
    return {
        "dialogues": len(labels), "positives": positives, "recall": recall,
        "false_escalation_rate": fer, "youden_j": recall - fer, "peak_roc_auc": roc_auc_score(labels, scores),
        "turn_roc_auc": roc_auc_score(turn_labels, turn_scores),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    args = parser.parse_args()
    print("| source | annotator | dialogues | positives | recall | FER | Youden's J | peak ROC-AUC | turn ROC-AUC |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in args.files:
        dialogues = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        for k in range(3):
            a = agreement(dialogues, k)
            print(f"| {path.stem} | {k} | {a['dialogues']} | {a['positives']} | {a['recall']:.2f} | "
                  f"{a['false_escalation_rate']:.2f} | {a['youden_j']:.2f} | {a['peak_roc_auc']:.2f} | "
                  f"{a['turn_roc_auc']:.2f} |")


if __name__ == "__main__":
    main()
