#!/usr/bin/env python3
"""score: score every customer and evaluate the model on the holdout.

Input:  $BATON_RUN_DIR/data/customers_clean.csv, $BATON_RUN_DIR/models/model.json
Output: $BATON_RUN_DIR/data/scores.csv       customer_id,churn_probability,flagged
        $BATON_RUN_DIR/data/evaluation.txt   "name value" lines, read by report

A customer is flagged for the retention campaign when its churn probability
is at or above DECISION_THRESHOLD (default 0.5). Lowering the threshold
flags more customers: recall rises, and so does the false positive rate.
"""
import csv
import json
import os

from common import (DATA_DIR, MODEL_DIR, die, env_float, in_holdout, log,
                    metric, predict, require, simulate_failure, vectorize,
                    write_atomic)


def auc(labels, probs):
    """Area under the ROC curve (Mann-Whitney U, ties counted half)."""
    pairs = sorted(zip(probs, labels))
    pos = sum(labels)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return 0.5
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + 1 + j) / 2.0
        rank_sum += avg_rank * sum(1 for _, y in pairs[i:j] if y)
        i = j
    return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg)


def main():
    simulate_failure("score")
    threshold = env_float("DECISION_THRESHOLD", 0.5, 0.0, 1.0)
    src = require(os.path.join(DATA_DIR, "customers_clean.csv"), "clean")
    model_path = require(os.path.join(MODEL_DIR, "model.json"), "train")
    with open(model_path, encoding="utf-8") as f:
        model = json.load(f)
    log("score: %s %s, decision threshold %.2f" % (model["name"], model["version"], threshold))

    scored = []
    eval_labels, eval_probs = [], []
    with open(src, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            p = predict(model, vectorize(row))
            scored.append((row["customer_id"], p))
            if in_holdout(row["customer_id"]):
                eval_labels.append(int(row["churned"]))
                eval_probs.append(p)
    if not scored:
        die("nothing to score in %s" % src)
    if len(eval_labels) < 20:
        die("holdout too small to evaluate (%d rows)" % len(eval_labels))

    def write_scores(f):
        w = csv.writer(f)
        w.writerow(["customer_id", "churn_probability", "flagged"])
        for cid, p in scored:
            w.writerow([cid, "%.4f" % p, 1 if p >= threshold else 0])

    write_atomic(os.path.join(DATA_DIR, "scores.csv"), write_scores)
    flagged = sum(1 for _, p in scored if p >= threshold)

    tp = fp = tn = fn = 0
    for y, p in zip(eval_labels, eval_probs):
        hit = p >= threshold
        if hit and y:
            tp += 1
        elif hit:
            fp += 1
        elif y:
            fn += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    roc_auc = auc(eval_labels, eval_probs)

    log("score: scored %d customers, %d flagged for retention (%.1f%%)"
        % (len(scored), flagged, 100.0 * flagged / len(scored)))
    log("score: holdout of %d customers: TP=%d FP=%d TN=%d FN=%d"
        % (len(eval_labels), tp, fp, tn, fn))

    results = [
        ("model_name", model["name"]),
        ("model_version", model["version"]),
        ("decision_threshold", "%.4g" % threshold),
        ("rows_scored", str(len(scored))),
        ("customers_flagged", str(flagged)),
        ("holdout_rows", str(len(eval_labels))),
        ("true_positives", str(tp)),
        ("false_positives", str(fp)),
        ("false_positive_rate", "%.4f" % fpr),
        ("precision", "%.4f" % precision),
        ("recall", "%.4f" % recall),
        ("auc", "%.4f" % roc_auc),
    ]
    write_atomic(os.path.join(DATA_DIR, "evaluation.txt"),
                 lambda f: f.writelines("%s %s\n" % kv for kv in results))

    metric("rows_scored", len(scored))
    metric("customers_flagged", flagged)
    metric("false_positive_rate", fpr)
    metric("precision", precision)
    metric("recall", recall)
    metric("auc", roc_auc)


if __name__ == "__main__":
    main()
