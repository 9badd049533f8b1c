"""Reads the labelled sets in ../shared/data into one shape for training and evaluation.

Every example is (text, sentiment, emotions, frustration):
- sentiment: 0 negative / 1 neutral / 2 positive, or -1 when the set gives none;
- emotions: the 28 GoEmotions labels as a 0/1 list, or None outside GoEmotions;
- frustration: 1.0 when any frustration emotion is present, 0.0 when not, None outside GoEmotions.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

EMOTIONS = (
    "admiration amusement anger annoyance approval caring confusion curiosity desire "
    "disappointment disapproval disgust embarrassment excitement fear gratitude grief joy love "
    "nervousness optimism pride realization relief remorse sadness surprise neutral"
).split()

# Frustration, as rapport means it: the customer is angry, annoyed, let down, objecting or disgusted.
FRUSTRATION_EMOTIONS = ("anger", "annoyance", "disappointment", "disapproval", "disgust")
FRUSTRATION_IDS = frozenset(EMOTIONS.index(name) for name in FRUSTRATION_EMOTIONS)

SENTIMENTS = ("negative", "neutral", "positive")

# goemotions/group/labels.txt order: ambiguous, negative, neutral, positive.
_GROUP = ("ambiguous", "negative", "neutral", "positive")


@dataclass
class Example:
    text: str
    sentiment: int
    emotions: list | None
    frustration: float | None


def goemotions_sentiment(groups: set) -> int:
    """One 3-class label from the grouped GoEmotions labels.

    Only-negative → negative, only-positive → positive, neutral or only-ambiguous → neutral;
    a comment labelled both positive and negative has no single sentiment (-1, left out).
    """
    if "negative" in groups and "positive" in groups:
        return -1
    if "negative" in groups:
        return 0
    if "positive" in groups:
        return 2
    return 1


def goemotions(root: Path, split: str) -> list:
    original = (root / "goemotions/original" / f"{split}.tsv").read_text().splitlines()
    grouped = (root / "goemotions/group" / f"{split}.tsv").read_text().splitlines()
    examples = []
    for line, group_line in zip(original, grouped, strict=True):
        text, ids, _ = line.split("\t")
        _, group_ids, _ = group_line.split("\t")
        labels = {int(i) for i in ids.split(",")}
        groups = {_GROUP[int(i)] for i in group_ids.split(",")}
        emotions = [1.0 if i in labels else 0.0 for i in range(len(EMOTIONS))]
        frustration = 1.0 if labels & FRUSTRATION_IDS else 0.0
        examples.append(Example(text, goemotions_sentiment(groups), emotions, frustration))
    return examples


def sst2(root: Path, split: str) -> list:
    """SST-2: binary sentiment (1 = positive) mapped onto negative / positive."""
    lines = (root / "sst2" / f"{split}.tsv").read_text().splitlines()[1:]
    examples = []
    for line in lines:
        label, text = line.split("\t", 1)
        examples.append(Example(text, 2 if label == "1" else 0, None, None))
    return examples


def tweeteval_sentiment(root: Path) -> list:
    """TweetEval sentiment, validation split (the only one shipped): negative / neutral / positive."""
    folder = root / "tweeteval/sentiment"
    texts = (folder / "val_text.txt").read_text().splitlines()
    labels = (folder / "val_labels.txt").read_text().splitlines()
    return [Example(t.strip(), int(l), None, None) for t, l in zip(texts, labels, strict=True)]


def padded(ids: list, rows: list) -> tuple:
    """Token ids of `rows`, right-padded with zeros to the longest, and the attention mask (int64)."""
    width = max(len(ids[i]) for i in rows)
    input_ids = np.zeros((len(rows), width), np.int64)
    mask = np.zeros((len(rows), width), np.int64)
    for r, i in enumerate(rows):
        input_ids[r, : len(ids[i])] = ids[i]
        mask[r, : len(ids[i])] = 1
    return input_ids, mask


def score_by_length(tokenizer, texts: list, score, batch_size: int = 64) -> tuple:
    """Runs `score(input_ids, mask) -> (sentiment, emotions, frustration)` (numpy arrays) over
    texts in length-sorted batches; returns the three arrays in input order."""
    ids = [e.ids for e in tokenizer.encode_batch(texts)]
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    sentiment = np.zeros((len(texts), len(SENTIMENTS)), np.float32)
    emotions = np.zeros((len(texts), len(EMOTIONS)), np.float32)
    frustration = np.zeros(len(texts), np.float32)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        sentiment[rows], emotions[rows], frustration[rows] = score(*padded(ids, rows))
    return sentiment, emotions, frustration
