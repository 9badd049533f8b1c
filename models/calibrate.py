"""Decision calibration on GoEmotions dev, and re-shipping a trained checkpoint with it.

    python models/calibrate.py        # after train.py: models/.work/network.pt → models/rapport-nlu/

Tuned on dev only (test splits stay untouched until evaluate.py):
- a threshold per emotion and for frustration (best F1);
- sentiment logit offsets for neutral and positive (best 3-class macro-F1);
- the frustration score: the frustration head, the noisy-or of the five frustration emotions, or
  a blend of the two (best ROC-AUC).
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
from network import Network

HERE = Path(__file__).resolve().parent
OFFSETS = np.round(np.arange(-1.5, 1.51, 0.1), 2)
MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)


@torch.no_grad()
def predict(network, tokenizer, texts):
    """For texts, in input order: sentiment log-probabilities, emotion and frustration-head probabilities."""

    def score(input_ids, mask):
        s, e, f = network(torch.from_numpy(input_ids), torch.from_numpy(mask))
        return s.log_softmax(-1).numpy(), e.sigmoid().numpy(), f.sigmoid().numpy()

    network.eval()
    outputs = data.score_by_length(tokenizer, texts, score)
    network.train()
    return outputs


def blend(head, emotions, mix):
    noisy_or = 1 - np.prod(1 - emotions[:, sorted(data.FRUSTRATION_IDS)], axis=1)
    return mix * head + (1 - mix) * noisy_or


def calibrate(network, tokenizer, dev):
    """The calibration for export.ship, and the dev figures it reaches."""
    sentiment, emotions, head = predict(network, tokenizer, [e.text for e in dev])
    sentiment_labels = np.array([e.sentiment for e in dev])
    emotion_labels = np.array([e.emotions for e in dev])
    frustration_labels = np.array([e.frustration for e in dev])

    def sentiment_f1(neutral, positive):
        return metrics.sentiment_macro_f1(sentiment + np.array([0.0, neutral, positive]), sentiment_labels)

    neutral, positive = max(itertools.product(OFFSETS, OFFSETS), key=lambda o: sentiment_f1(*o))
    mix = max(MIXES, key=lambda m: metrics.roc_auc(blend(head, emotions, m), frustration_labels))
    frustration = blend(head, emotions, mix)
    thresholds = metrics.tune_thresholds(emotions, emotion_labels)
    calibration = {
        "thresholds": thresholds,
        "frustration_threshold": metrics.tune_thresholds(frustration[:, None], frustration_labels[:, None])[0],
        "sentiment_offsets": [0.0, float(neutral), float(positive)],
        "frustration_mix": mix,
    }
    report = {
        "emotion_macro_f1": metrics.emotion_macro_f1(emotions, emotion_labels, thresholds),
        "sentiment_macro_f1 uncalibrated": sentiment_f1(0.0, 0.0),
        "sentiment_macro_f1": sentiment_f1(neutral, positive),
        "frustration_roc_auc head": metrics.roc_auc(head, frustration_labels),
        "frustration_roc_auc": metrics.roc_auc(frustration, frustration_labels),
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
    calibration, report = calibrate(network, tokenizer, data.goemotions(args.data, "dev"))
    print(report, calibration["sentiment_offsets"], calibration["frustration_mix"], flush=True)
    export.ship(network, tokenizer, calibration, args.out, args.work, args.version)


if __name__ == "__main__":
    main()
