"""The figures the model card reports, and decision thresholds tuned on the dev split."""

import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def tune_thresholds(probs: np.ndarray, labels: np.ndarray) -> list:
    """Per column, the threshold in GRID with the best F1 on these (dev) labels; where several
    thresholds tie for best (a cleanly separated dev set), the middle of that plateau, so the
    decision keeps a margin on both sides instead of sitting at the grid's edge."""
    best = []
    for column in range(labels.shape[1]):
        scores = np.array([f1_score(labels[:, column], probs[:, column] >= t, zero_division=0) for t in GRID])
        tied = np.flatnonzero(scores >= scores.max() - 1e-9)
        best.append(float(GRID[tied[len(tied) // 2]]))
    return best


def tune_recall_thresholds(probs: np.ndarray, labels: np.ndarray, max_false: float = 0.0) -> list:
    """Per column, the lower of the best-F1 threshold and the lowest threshold in GRID whose false
    rate on the examples with no label at all (the look-alikes) stays within max_false on dev.
    New phrasings score lower than the dev family they are tuned on, so the decision leans to
    recall as far as the look-alikes allow."""
    best_f1 = tune_thresholds(probs, labels)
    none = labels.sum(1) == 0
    chosen = []
    for column, f1_threshold in enumerate(best_f1):
        allowed = [t for t in GRID if (probs[none, column] >= t).mean() <= max_false]
        chosen.append(float(min(f1_threshold, allowed[0])) if allowed else f1_threshold)
    return chosen


def emotion_macro_f1(probs: np.ndarray, labels: np.ndarray, thresholds) -> float:
    predicted = probs >= np.asarray(thresholds)[None, :]
    return float(f1_score(labels, predicted, average="macro", zero_division=0))


def sentiment_macro_f1(probs: np.ndarray, labels: np.ndarray) -> float:
    """3-class macro-F1 over the examples that have a sentiment label (label >= 0)."""
    keep = labels >= 0
    return float(f1_score(labels[keep], probs[keep].argmax(1), average="macro"))


def binary_sentiment_macro_f1(probs: np.ndarray, labels: np.ndarray) -> float:
    """For negative/positive-only sets (SST-2): negative vs positive probability decides."""
    predicted = np.where(probs[:, 2] >= probs[:, 0], 2, 0)
    return float(f1_score(labels, predicted, average="macro"))


def roc_auc(probs: np.ndarray, labels: np.ndarray) -> float:
    return float(roc_auc_score(labels, probs))
