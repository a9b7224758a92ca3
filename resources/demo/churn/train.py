#!/usr/bin/env python3
"""train: fit the churn model (logistic regression, plain Python).

Input:  $BATON_RUN_DIR/data/customers_clean.csv   (from clean)
Output: $BATON_RUN_DIR/models/model.json

MODEL_VERSION selects the training recipe:
  v6 and earlier  unweighted log-loss (calibrated probabilities)
  v7 and later    re-weighted log-loss: each churner counts sqrt(stayers /
                  churners) times (about 1.7), to "catch more churners".
                  Probabilities are pushed up, so the same threshold flags
                  more customers: recall rises, and so do false positives,
                  while AUC hardly moves.
"""
import csv
import json
import math
import os
import random
import time

from common import (DATA_DIR, FEATURES, LOGICAL_DATE, MODEL_DIR, die,
                    in_holdout, log, metric, model_version, predict, require,
                    seed_for, simulate_failure, vectorize, write_atomic)

EPOCHS = 6
LEARNING_RATE = 0.05
L2 = 1e-4


def main():
    simulate_failure("train")
    started = time.monotonic()
    src = require(os.path.join(DATA_DIR, "customers_clean.csv"), "clean")
    name = os.environ.get("MODEL_NAME") or "churn-model"
    version = model_version()

    xs, ys, holdout = [], [], 0
    with open(src, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if in_holdout(row["customer_id"]):
                holdout += 1
                continue
            xs.append(vectorize(row))
            ys.append(int(row["churned"]))
    n = len(xs)
    positives = sum(ys)
    if n < 50 or positives == 0 or positives == n:
        die("training set unusable: %d rows, %d churners" % (n, positives))
    log("train: %s v%d on %d customers (%d churners, %.1f%%), %d held out for evaluation"
        % (name, version, n, positives, 100.0 * positives / n, holdout))

    # Standardise features so one learning rate suits them all.
    dims = len(FEATURES)
    mean = [sum(x[j] for x in xs) / n for j in range(dims)]
    std = []
    for j in range(dims):
        var = sum((x[j] - mean[j]) ** 2 for x in xs) / n
        std.append(math.sqrt(var) or 1.0)
    zs = [[(x[j] - mean[j]) / std[j] for j in range(dims)] for x in xs]

    if version >= 7:
        pos_weight = math.sqrt((n - positives) / positives)
        log("train: v%d recipe: re-weighted loss, churner weight %.2f" % (version, pos_weight))
    else:
        pos_weight = 1.0
        log("train: v%d recipe: unweighted loss" % version)

    rng = random.Random(seed_for("train"))
    weights = [0.0] * dims
    bias = 0.0
    order = list(range(n))
    # Averaged SGD: the final model is the mean of snapshots taken during the
    # second half of training, which smooths out the noise of the last steps.
    avg_w, avg_b, snapshots = [0.0] * dims, 0.0, 0
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        lr = LEARNING_RATE / (1.0 + 0.5 * epoch)
        loss = 0.0
        for step, i in enumerate(order):
            if epoch >= EPOCHS // 2 and step % 25 == 0:
                avg_w = [a + w for a, w in zip(avg_w, weights)]
                avg_b += bias
                snapshots += 1
            z, y = zs[i], ys[i]
            s = bias
            for w, v in zip(weights, z):
                s += w * v
            p = 1.0 / (1.0 + math.exp(-s)) if s >= -30 else 0.0
            sw = pos_weight if y else 1.0
            loss -= sw * (math.log(p + 1e-12) if y else math.log(1.0 - p + 1e-12))
            g = sw * (p - y) * lr
            bias -= g
            for j in range(dims):
                weights[j] -= g * z[j] + lr * L2 * weights[j]
        log("train: epoch %d/%d loss %.4f" % (epoch + 1, EPOCHS, loss / n))
    weights = [a / snapshots for a in avg_w]
    bias = avg_b / snapshots

    model = {
        "name": name,
        "version": "v%d" % version,
        "features": FEATURES,
        "weights": weights,
        "bias": bias,
        "mean": mean,
        "std": std,
        "positive_weight": pos_weight,
        "trained_rows": n,
        "logical_date": LOGICAL_DATE or None,
    }
    correct = sum(1 for x, y in zip(xs, ys) if (predict(model, x) >= 0.5) == (y == 1))
    accuracy = correct / n

    for feat, w in sorted(zip(FEATURES, weights), key=lambda t: -abs(t[1])):
        log("train:   %-24s %+.3f" % (feat, w))

    path = os.path.join(MODEL_DIR, "model.json")
    write_atomic(path, lambda f: json.dump(model, f, indent=2))
    log("train: saved %s v%d to %s in %.2fs" % (name, version, path, time.monotonic() - started))
    metric("train_accuracy", accuracy)
    metric("train_rows", n)


if __name__ == "__main__":
    main()
