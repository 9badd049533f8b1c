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


def tune_look_alike_thresholds(
    probs: np.ndarray,
    labels: np.ndarray,
    real_probs: np.ndarray,
    real_bounded,
    max_false: float = 0.03,
    max_real_false: float = 0.003,
) -> list:
    """Per column, the lowest threshold in GRID (the most recall) whose false rate stays within
    max_false on the look-alikes (rows with no label) of `probs` and, for the columns marked in
    `real_bounded`, within max_real_false on `real_probs`, real turns that ask for
    nothing. `probs` should be phrasings the network was not trained on (phrasings.py
    calibration): a threshold tuned on the training family's own dev split sits too high for new
    phrasings. No threshold meets both: the top of GRID."""
    none = labels.sum(1) == 0
    chosen = []
    for column in range(labels.shape[1]):
        allowed = [
            t for t in GRID
            if (probs[none, column] >= t).mean() <= max_false
            and (not real_bounded[column] or (real_probs[:, column] >= t).mean() <= max_real_false)
        ]
        chosen.append(float(allowed[0]) if allowed else float(GRID[-1]))
    return chosen


def recall_and_false_rate(probs: np.ndarray, labels: np.ndarray, thresholds) -> tuple:
    """Per column at its threshold: (recall on the rows labelled with it, false rate on the rows
    with no label at all, the look-alikes); None where a column has no such rows."""
    fired = probs >= np.asarray(thresholds)[None, :]
    none = labels.sum(1) == 0
    share = lambda rows, k: float(fired[rows, k].mean()) if rows.any() else None  # noqa: E731
    columns = range(labels.shape[1])
    return [share(labels[:, k] > 0.5, k) for k in columns], [share(none, k) for k in columns]


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
