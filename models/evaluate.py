"""Prints the model card's tables: the fp32 and int8 graphs on held-out data.

    cd models && /tmp/train/bin/python evaluate.py     # after train.py / calibrate.py; reads ../shared/data

Runs the ONNX files through ONNX Runtime with the shipped tokenizer, the labels.json thresholds and
the service's input sequence (customer text, then the context with token type 1; data.encode_all),
exactly what the service loads. Only data no weight or threshold was fitted on is scored:
GoEmotions, SST-2 and TweetEval emotion test, the dev fifth of TweetEval sentiment (the other four
fifths are trained on), the dialogues' test split and the intents' TEST family. MELD has no test
split here, so its dev split is reported, and it did tune the sentiment offsets and the
frustration blend. Table 1 compares fp32 and int8; table 2 gives the int8 graph's intent recall
and false-detection rate on the look-alikes (all-zero targets) per language. Everything, fp32
intents included, also goes to models/.work/metrics.json. A few minutes on 2 cores.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

import data
import metrics
import intents
from intents import INTENTS

HERE = Path(__file__).resolve().parent
SOURCES = ("uss_sgd", "uss_mwoz")
MELD = "MELD dev, used only for calibrating sentiment offsets and the frustration blend, no test split available"


def held_out_sets(root: Path) -> dict:
    return {
        "goemotions": data.goemotions(root, "test"),
        "sst2": data.sst2(root, "test"),
        "tweets": data.tweeteval_sentiment(root, "dev"),
        "tweet_emotion": data.tweeteval_emotion(root, "test"),
        "meld": data.meld(root, "dev"),
        "dialogues": data.dialogues(root, "test"),
        "intents": data.intent_examples("test"),
    }


def labels(examples: list, field: str) -> np.ndarray:
    return np.array([getattr(e, field) for e in examples])


def session_for(model: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    return ort.InferenceSession(str(model), options)


def run(session, tokenizer, examples: list, with_context: bool = True) -> dict:
    """{output name: array} for the examples, in input order, batched by length."""

    def score(input_ids, mask, types):
        feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": types}
        return session.run(list(data.OUTPUTS), feed)

    return data.score_by_length(tokenizer, examples, score, with_context=with_context)


def goemotions_rows(out: dict, examples: list, spec: dict) -> dict:
    return {
        "GoEmotions test: emotion macro-F1 (28, labels.json thresholds)": metrics.emotion_macro_f1(
            out["emotions"], labels(examples, "emotions"), spec["emotions"]["thresholds"]
        ),
        "GoEmotions test: sentiment 3-class macro-F1": metrics.sentiment_macro_f1(
            out["sentiment"], labels(examples, "sentiment")
        ),
        "GoEmotions test: frustration ROC-AUC": metrics.roc_auc(out["frustration"], labels(examples, "frustration")),
    }


def sentiment_rows(out: dict, sets: dict) -> dict:
    """SST-2 and the held-out fifth of TweetEval sentiment."""
    return {
        "SST-2 test: sentiment neg/pos macro-F1": metrics.binary_sentiment_macro_f1(
            out["sst2"]["sentiment"], labels(sets["sst2"], "sentiment")
        ),
        "TweetEval sentiment (held-out fifth of val), 3-class macro-F1": metrics.sentiment_macro_f1(
            out["tweets"]["sentiment"], labels(sets["tweets"], "sentiment")
        ),
    }


def tweet_emotion_rows(out: dict, examples: list) -> dict:
    """Labels are anger / joy / optimism / sadness: only negative and positive sentiment occur."""
    return {
        "TweetEval emotion test: frustration (anger) ROC-AUC": metrics.roc_auc(
            out["frustration"], labels(examples, "frustration")
        ),
        "TweetEval emotion test: sentiment neg/pos macro-F1": metrics.binary_sentiment_macro_f1(
            out["sentiment"], labels(examples, "sentiment")
        ),
    }


def meld_rows(out: dict, examples: list) -> dict:
    """Scored with the previous utterance of the scene as context, as data.meld gives it."""
    return {
        f"{MELD}: sentiment 3-class macro-F1": metrics.sentiment_macro_f1(
            out["sentiment"], labels(examples, "sentiment")
        ),
        f"{MELD}: frustration (anger/disgust) ROC-AUC": metrics.roc_auc(
            out["frustration"], labels(examples, "frustration")
        ),
    }


def dissatisfaction_rows(out: dict, no_context: dict, examples: list) -> dict:
    """Turn-level ROC-AUC per source, with the bot's previous turn as context and without."""
    groups = np.array([e.group for e in examples])
    target = labels(examples, "dissatisfaction")
    rows = {}
    for source in SOURCES:
        keep = groups == source
        for name, scores in (("bot turn as context", out), ("no context", no_context)):
            rows[f"Dialogues test {source}: dissatisfaction ROC-AUC, {name}"] = metrics.roc_auc(
                scores["dissatisfaction"][keep], target[keep]
            )
    return rows


def person_rows(per_intent: dict) -> dict:
    """The person intent (the escalation request) per language, for the fp32 / int8 comparison."""
    rows = {}
    for language, row in per_intent.items():
        rows[f"Intents test {language}: person recall"] = row["person"]["recall"]
        rows[f"Intents test {language}: person false rate on look-alikes"] = row["person"]["false_rate"]
    return rows


def intent_table(out: dict, examples: list, thresholds: list) -> dict:
    """{language: {intent: {recall, false_rate, positives, ...}}}, languages plus "all".

    false_rate: share of the look-alikes (examples with no intent at all) where the intent fires;
    false_rate_target0: the same over every example whose target for that intent is 0."""
    detected = out["intents"] >= np.asarray(thresholds)[None, :]
    target = labels(examples, "intents") > 0.5
    languages = np.array([e.group.removeprefix("intents-") for e in examples])
    table = {}
    for language in (*intents.languages(), "all"):
        keep = np.ones(len(examples), bool) if language == "all" else languages == language
        negatives = keep & ~target.any(1)
        table[language] = {
            intent: {
                "recall": float(detected[keep & target[:, k], k].mean()),
                "false_rate": float(detected[negatives, k].mean()),
                "false_rate_target0": float(detected[keep & ~target[:, k], k].mean()),
                "positives": int((keep & target[:, k]).sum()),
                "negatives": int(negatives.sum()),
            }
            for k, intent in enumerate(INTENTS)
        }
    return table


def evaluate(model: Path, folder: Path, sets: dict) -> tuple:
    """(table-1 metrics, intent table) of one graph."""
    session = session_for(model)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    spec = json.loads((folder / "labels.json").read_text())
    out = {name: run(session, tokenizer, examples) for name, examples in sets.items()}
    no_context = run(session, tokenizer, sets["dialogues"], with_context=False)
    per_intent = intent_table(out["intents"], sets["intents"], spec["intents"]["thresholds"])
    table = {
        **goemotions_rows(out["goemotions"], sets["goemotions"], spec),
        **sentiment_rows(out, sets),
        **tweet_emotion_rows(out["tweet_emotion"], sets["tweet_emotion"]),
        **meld_rows(out["meld"], sets["meld"]),
        **dissatisfaction_rows(out["dialogues"], no_context, sets["dialogues"]),
        **person_rows(per_intent),
        "size (MB)": model.stat().st_size / 1e6,
    }
    return table, per_intent


def print_tables(results: dict, per_intent: dict):
    names = list(results)
    print("| metric | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for metric in results[names[-1]]:
        digits = 1 if metric.startswith("size") else 3
        print(f"| {metric} | " + " | ".join(f"{results[n][metric]:.{digits}f}" for n in names) + " |")
    print("\nIntents, test family, int8 graph at labels.json thresholds (look-alikes = no intent at all):\n")
    print("| language | intent | recall | false rate on look-alikes | positives |")
    print("|---|---|---:|---:|---:|")
    for language, rows in per_intent.items():
        for intent, row in rows.items():
            print(f"| {language} | {intent} | {row['recall']:.3f} | {row['false_rate']:.3f} | {row['positives']} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared/data")
    parser.add_argument("--folder", type=Path, default=HERE / "rapport-nlu")
    parser.add_argument("--fp32", type=Path, default=HERE / ".work/model.fp32.onnx")
    args = parser.parse_args()

    sets = held_out_sets(args.data)
    results, per_intent = {}, {}
    for name, model in (("fp32", args.fp32), ("int8", args.folder / "model.onnx")):
        if model.exists():
            results[name], per_intent[name] = evaluate(model, args.folder, sets)
    print_tables(results, per_intent["int8"])
    (HERE / ".work").mkdir(exist_ok=True)
    (HERE / ".work/metrics.json").write_text(json.dumps({**results, "intents": per_intent}, indent=2) + "\n")


if __name__ == "__main__":
    main()
