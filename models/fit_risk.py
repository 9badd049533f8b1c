"""Fits the escalation-risk model on labelled dialogues and writes rapport-nlu/risk.json.

    cargo run --release -- eval ../shared/data/dialogues/uss_sgd.jsonl \\
        ../shared/data/dialogues/uss_mwoz.jsonl --split all --features .work/risk-features.csv
    python models/fit_risk.py .work/risk-features.csv

The features are what the service itself computes after every customer turn (one CSV row per
turn, written by `rapport eval --features`), so the fitted weights read exactly what they will
read in production. Target of a turn: the conversation has had a dissatisfied customer turn by
now (that turn included), so the risk reads as "probability this conversation needs a person by
now". A logistic regression on standardised features is fitted on the train dialogues only, with
every weight kept at or above zero: each feature is defined so that more of it means a worse
conversation, and a negative weight (a complaint or a frustrated turn lowering the risk) would be
a quirk of these two corpora, where complaints are rare and the dissatisfaction columns overlap,
that a support chat full of complaints would pay for. The
operating point is chosen on the dev dialogues as the lowest threshold whose dialogue-level
false-escalation rate stays at or under --max-fer in every source, so it holds across domains
rather than on average. With --others, the dialogues the service's other rules escalate anyway
(explicit requests, urgent spikes: a dev replay with the risk rule off) count as escalated, so the
whole policy, not the risk alone, holds that rate. Test dialogues are never read here.

Left out on purpose: turn position (in these corpora longer dialogues simply have more chances to
contain a bad turn, a base rate that does not carry over to other domains) and waiting time (the
dialogues have no timestamps).
"""

import argparse
import csv
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.metrics import roc_auc_score

HERE = Path(__file__).resolve().parent
META = ("source", "dialogue_id", "split", "user_turn", "label", "frustrated", "rating_mean", "should_escalate")
EXCLUDED = ("turn_position", "waited")


def load(path: Path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    features = [name for name in rows[0] if name not in META and name not in EXCLUDED]
    rows.sort(key=lambda r: (r["dialogue_id"], int(r["user_turn"])))
    seen = defaultdict(bool)
    target = []
    for row in rows:
        key = row["dialogue_id"]
        seen[key] = seen[key] or row["frustrated"] in ("1", "true", "True")
        target.append(1 if seen[key] else 0)
    x = np.array([[float(row[name]) for name in features] for row in rows], np.float64)
    return rows, features, x, np.array(target)


def fit_logistic(x, y, c, non_negative=True):
    """(weights, bias) of an L2 logistic regression, its weights all >= 0 unless told otherwise.

    The same objective as scikit-learn's: C * sum of log-losses + ||w||^2 / 2, bias unpenalised.
    """
    n, d = x.shape

    def objective(theta):
        w, b = theta[:d], theta[d]
        z = x @ w + b
        loss = np.logaddexp(0.0, z) - y * z
        p = 1.0 / (1.0 + np.exp(-z))
        g = c * (p - y)
        grad = np.concatenate([x.T @ g + w, [g.sum()]])
        return c * loss.sum() + 0.5 * w @ w, grad

    bounds = [(0.0 if non_negative else None, None)] * d + [(None, None)]
    result = minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": 5000})
    return result.x[:d], float(result.x[d])


def escalated_by_other_rules(report: Path) -> set:
    """Dialogue ids a `rapport eval --json` report escalated, run with the risk rule switched off
    (`--set policy.escalate_risk=1.0`): explicit requests for a person and urgent spikes, which
    escalate whatever the operating point."""
    dialogues = json.loads(report.read_text())["dialogues"]
    return {d["dialogue_id"] for d in dialogues if d["escalation_turn"] is not None}


def dialogue_peaks(rows, risk, mask, forced=frozenset()):
    """{source: (peak risk, should_escalate, escalated by another rule) per dialogue} over the
    masked rows."""
    peaks, labels, sources = defaultdict(float), {}, {}
    for row, r, keep in zip(rows, risk, mask):
        if not keep:
            continue
        key = row["dialogue_id"]
        peaks[key] = max(peaks[key], r)
        labels[key] = row["should_escalate"] in ("1", "true", "True")
        sources[key] = row["source"]
    out = defaultdict(lambda: ([], [], []))
    for key, peak in peaks.items():
        out[sources[key]][0].append(peak)
        out[sources[key]][1].append(labels[key])
        out[sources[key]][2].append(key in forced)
    return {s: (np.array(p), np.array(l), np.array(f, dtype=bool)) for s, (p, l, f) in out.items()}


def operating_point(per_source, max_fer):
    """Lowest threshold whose false-escalation rate is ≤ max_fer in every source, counting the
    dialogues other rules escalate anyway as escalated."""
    point = 0.0
    for peaks, labels, forced in per_source.values():
        negatives = np.sort(peaks[~labels & ~forced])[::-1]
        allowed = int(np.floor(max_fer * (~labels).sum())) - int((~labels & forced).sum())
        # escalate when peak >= t: pick t just above the (allowed+1)-th highest negative peak
        if allowed < 0:
            point = 1.0
        elif allowed < len(negatives):
            point = max(point, float(np.nextafter(np.float32(negatives[allowed]), np.float32(1.0))))
    return point


def figures(per_source, point):
    out = {}
    for source, (peaks, labels, forced) in per_source.items():
        fired = (peaks >= point) | forced
        recall = float(fired[labels].mean())
        fer = float(fired[~labels].mean())
        out[source] = {
            "recall": round(recall, 3),
            "false_escalation_rate": round(fer, 3),
            "youden_j": round(recall - fer, 3),
            "peak_risk_roc_auc": round(float(roc_auc_score(labels, peaks)), 3),
        }
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("features", type=Path)
    parser.add_argument("--out", type=Path, default=HERE / "rapport-nlu/risk.json")
    parser.add_argument("--max-fer", type=float, default=0.10)
    parser.add_argument("--c", type=float, default=0.5, help="inverse L2 strength")
    parser.add_argument("--others", type=Path,
                        help="`rapport eval --split dev --json` report run with `--set policy.escalate_risk=1.0`: "
                        "the dialogues other rules escalate, counted when choosing the operating point")
    parser.add_argument("--signed", action="store_true",
                        help="let weights go negative (the plain logistic regression, for comparison)")
    args = parser.parse_args()

    rows, features, x, y = load(args.features)
    split = np.array([row["split"] for row in rows])
    train, dev = split == "train", split == "dev"
    mean, std = x[train].mean(0), x[train].std(0) + 1e-6
    scaled = (x[train] - mean) / std
    coef, intercept = fit_logistic(scaled, y[train].astype(np.float64), args.c, non_negative=not args.signed)
    weights = coef / std
    bias = float(intercept - (coef * mean / std).sum())
    risk = 1 / (1 + np.exp(-(x @ weights + bias)))

    forced = escalated_by_other_rules(args.others) if args.others else frozenset()
    dev_dialogues = dialogue_peaks(rows, risk, dev, forced)
    point = operating_point(dev_dialogues, args.max_fer)
    report = {
        "turn_roc_auc_dev (cumulative target)": round(float(roc_auc_score(y[dev], risk[dev])), 3),
        "dev": figures(dev_dialogues, point),
    }
    terms = [
        {"feature": name, "weight": round(float(w), 5), "mean": round(float(m), 5)}
        for name, w, m in zip(features, weights, mean)
    ]
    result = {
        "version": time.strftime("%Y.%m.%d"),
        "bias": round(bias, 5),
        "operating_point": round(point, 4),
        "terms": sorted(terms, key=lambda t: -abs(t["weight"] * (x[train][:, features.index(t["feature"])].std()))),
        "fit": {
            "data": sorted({row["source"] for row in rows}),
            "train_turns": int(train.sum()),
            "target": "a dissatisfied customer turn so far (label <= 2)",
            "max_false_escalation_rate": args.max_fer,
            "other_rules_counted": bool(args.others),
            "excluded": list(EXCLUDED),
            "weights": "signed" if args.signed else "non-negative",
            **report,
        },
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"operating point {point:.4f}; wrote {args.out}")


if __name__ == "__main__":
    main()
