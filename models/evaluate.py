"""Prints the model card's metrics table: fp32 and int8 graphs on the test splits.

    python models/evaluate.py            # after train.py; reads ../shared/data

Runs the ONNX files through ONNX Runtime with the shipped tokenizer and labels.json thresholds,
exactly the files the service loads. Writes the figures to models/.work/metrics.json too.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

import data
import metrics

HERE = Path(__file__).resolve().parent


def run(session, tokenizer, texts):
    """Model outputs for texts in input order, batched by length."""

    def score(input_ids, mask):
        return session.run(["sentiment", "emotions", "frustration"], {"input_ids": input_ids, "attention_mask": mask})

    return data.score_by_length(tokenizer, texts, score)


def evaluate(model: Path, folder: Path, root: Path) -> dict:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(model), options)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    spec = json.loads((folder / "labels.json").read_text())

    goemotions = data.goemotions(root, "test")
    sentiment, emotions, frustration = run(session, tokenizer, [e.text for e in goemotions])
    sst2 = data.sst2(root, "test")
    sst2_sentiment, _, _ = run(session, tokenizer, [e.text for e in sst2])
    tweets = data.tweeteval_sentiment(root)
    tweet_sentiment, _, _ = run(session, tokenizer, [e.text for e in tweets])

    frustration_labels = np.array([e.frustration for e in goemotions])
    threshold = spec["frustration"]["threshold"]
    return {
        "emotion_macro_f1 (GoEmotions test, 28)": metrics.emotion_macro_f1(
            emotions, np.array([e.emotions for e in goemotions]), spec["emotions"]["thresholds"]
        ),
        "sentiment_macro_f1 (GoEmotions test, 3-class)": metrics.sentiment_macro_f1(
            sentiment, np.array([e.sentiment for e in goemotions])
        ),
        "sentiment_macro_f1 (SST-2 test, neg/pos)": metrics.binary_sentiment_macro_f1(
            sst2_sentiment, np.array([e.sentiment for e in sst2])
        ),
        "sentiment_macro_f1 (TweetEval sentiment val, 3-class)": metrics.sentiment_macro_f1(
            tweet_sentiment, np.array([e.sentiment for e in tweets])
        ),
        "frustration_roc_auc (GoEmotions test)": metrics.roc_auc(frustration, frustration_labels),
        "frustration_f1 at tuned threshold": metrics.emotion_macro_f1(
            frustration[:, None], frustration_labels[:, None], [threshold]
        ),
        "size (MB)": model.stat().st_size / 1e6,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared/data")
    parser.add_argument("--folder", type=Path, default=HERE / "rapport-nlu")
    parser.add_argument("--fp32", type=Path, default=HERE / ".work/model.fp32.onnx")
    args = parser.parse_args()

    results = {}
    if args.fp32.exists():
        results["fp32"] = evaluate(args.fp32, args.folder, args.data)
    results["int8"] = evaluate(args.folder / "model.onnx", args.folder, args.data)
    names = list(results)
    print("| metric | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for metric in results["int8"]:
        print(f"| {metric} | " + " | ".join(f"{results[n][metric]:.3f}" for n in names) + " |")
    (HERE / ".work").mkdir(exist_ok=True)
    (HERE / ".work/metrics.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
