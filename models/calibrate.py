"""Decision calibration on the dev splits, and re-shipping a trained checkpoint with it.

    python models/calibrate.py        # after train.py: models/.work/network.pt → models/rapport-nlu/

Tuned on dev only (test splits stay untouched until evaluate.py and `rapport eval`):
- sentiment logit offsets for neutral and positive: best mean 3-class macro-F1 over GoEmotions,
  MELD and TweetEval dev, so no single domain decides;
- the frustration score: the frustration head, the noisy-or of the five frustration emotions, or
  a blend (best mean ROC-AUC over GoEmotions and MELD dev);
- a threshold per emotion (GoEmotions), for frustration (GoEmotions) and for dissatisfaction
  (dialogues) at its best dev F1;
- a threshold per intent on phrasings the network never saw (phrasings.py calibration, written
  apart from the training phrasings): the lowest one that fires on at most 3% of their
  look-alikes and, unless it is a complaint (intents.REAL_TURN_BOUNDED), on at most 0.3% of the
  dev dialogues' satisfied turns (metrics.tune_look_alike_thresholds). The shipped thresholds
  are chosen the same way on the int8 graph (intent_thresholds.py, run by export.ship); these
  full-precision ones are reported.
"""

import argparse
import itertools
import time
from pathlib import Path

import numpy as np
import torch

import data
import export
import metrics
from intents import INTENTS, REAL_TURN_BOUNDED
from network import Network

HERE = Path(__file__).resolve().parent
OFFSETS = np.round(np.arange(-1.5, 1.51, 0.1), 2)
MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)


def dev_sets(root: Path) -> dict:
    return {
        "goemotions": data.goemotions(root, "dev"),
        "meld": data.meld(root, "dev"),
        "tweets": data.tweeteval_sentiment(root, "dev"),
        "dialogues": data.dialogues(root, "dev"),
        "intents": data.intent_examples("dev"),
        "intent_calibration": data.intent_examples("calibration"),
    }


@torch.no_grad()
def predict(network, tokenizer, examples, with_context=True) -> dict:
    """Head outputs for the examples, in input order: sentiment log-probabilities, the rest probabilities."""

    def score(input_ids, mask, types):
        s, e, f, d, i = network(*(torch.from_numpy(a) for a in (input_ids, mask, types)))
        return s.log_softmax(-1).numpy(), e.sigmoid().numpy(), f.sigmoid().numpy(), d.sigmoid().numpy(), i.sigmoid().numpy()

    network.eval()
    outputs = data.score_by_length(tokenizer, examples, score, with_context=with_context)
    network.train()
    return outputs


def blend(head, emotions, mix):
    noisy_or = 1 - np.prod(1 - emotions[:, sorted(data.FRUSTRATION_IDS)], axis=1)
    return mix * head + (1 - mix) * noisy_or


def intent_rates(probs, labels, thresholds) -> dict:
    """Recall per intent and false rate on the look-alikes, at the chosen thresholds."""
    recall, false_rate = metrics.recall_and_false_rate(probs, labels, thresholds)
    rates = {}
    for k, name in enumerate(INTENTS):
        rates[f"intent_recall calibration {name}"] = recall[k]
        rates[f"intent_false_rate calibration {name}"] = false_rate[k]
    return rates


def calibrate(network, tokenizer, dev: dict):
    """The calibration for export.ship, and the dev figures it reaches."""
    out = {name: predict(network, tokenizer, examples) for name, examples in dev.items()}
    label = lambda name, field: np.array([getattr(e, field) for e in dev[name]])  # noqa: E731

    sentiment_sets = ("goemotions", "meld", "tweets")

    def sentiment_f1(neutral, positive, name=None):
        names = sentiment_sets if name is None else (name,)
        shift = np.array([0.0, neutral, positive])
        return float(np.mean([metrics.sentiment_macro_f1(out[n]["sentiment"] + shift, label(n, "sentiment")) for n in names]))

    neutral, positive = max(itertools.product(OFFSETS, OFFSETS), key=lambda o: sentiment_f1(*o))

    def frustration_auc(mix, name=None):
        names = ("goemotions", "meld") if name is None else (name,)
        return float(np.mean([
            metrics.roc_auc(blend(out[n]["frustration"], out[n]["emotions"], mix), label(n, "frustration")) for n in names
        ]))

    mix = max(MIXES, key=frustration_auc)
    goemotions_frustration = blend(out["goemotions"]["frustration"], out["goemotions"]["emotions"], mix)
    emotion_labels = np.array([e.emotions for e in dev["goemotions"]])
    thresholds = metrics.tune_thresholds(out["goemotions"]["emotions"], emotion_labels)
    dissatisfied = label("dialogues", "dissatisfaction")
    intent_labels = np.array([e.intents for e in dev["intents"]])
    calibration_labels = np.array([e.intents for e in dev["intent_calibration"]])
    asks_nothing = data.asks_for_nothing(dev["dialogues"])
    calibration = {
        "thresholds": thresholds,
        "frustration_threshold": metrics.tune_thresholds(
            goemotions_frustration[:, None], label("goemotions", "frustration")[:, None]
        )[0],
        "sentiment_offsets": [0.0, float(neutral), float(positive)],
        "frustration_mix": mix,
        "dissatisfaction_threshold": metrics.tune_thresholds(out["dialogues"]["dissatisfaction"][:, None], dissatisfied[:, None])[0],
        "intent_thresholds": metrics.tune_look_alike_thresholds(
            out["intent_calibration"]["intents"],
            calibration_labels,
            out["dialogues"]["intents"][asks_nothing],
            REAL_TURN_BOUNDED,
        ),
    }
    no_context = predict(network, tokenizer, dev["dialogues"], with_context=False)
    report = {
        "emotion_macro_f1": metrics.emotion_macro_f1(out["goemotions"]["emotions"], emotion_labels, thresholds),
        **{f"sentiment_macro_f1 {n}": sentiment_f1(neutral, positive, n) for n in sentiment_sets},
        **{f"frustration_roc_auc {n}": frustration_auc(mix, n) for n in ("goemotions", "meld")},
        "dissatisfaction_roc_auc dialogues": metrics.roc_auc(out["dialogues"]["dissatisfaction"], dissatisfied),
        "dissatisfaction_roc_auc dialogues, no context": metrics.roc_auc(no_context["dissatisfaction"], dissatisfied),
        "frustration_roc_auc dialogues": metrics.roc_auc(out["dialogues"]["frustration"], dissatisfied),
        **{
            f"intent_f1 {name}": metrics.emotion_macro_f1(
                out["intents"]["intents"][:, [k]], intent_labels[:, [k]], [calibration["intent_thresholds"][k]]
            )
            for k, name in enumerate(INTENTS)
        },
        **intent_rates(out["intent_calibration"]["intents"], calibration_labels, calibration["intent_thresholds"]),
    }
    return calibration, report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared/data")
    parser.add_argument("--out", type=Path, default=HERE / "rapport-nlu")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--version", default=time.strftime("%Y.%m.%d"))
    args = parser.parse_args()
    import train

    network = Network(train.encoder_dir())
    network.load_state_dict(torch.load(args.work / "network.pt"))
    tokenizer = export.shipped_tokenizer(train.encoder_dir())
    calibration, report = calibrate(network, tokenizer, dev_sets(args.data))
    print(report, calibration, flush=True)
    export.ship(network, tokenizer, calibration, args.out, args.work, args.version)


if __name__ == "__main__":
    main()
