"""Shared helpers for the churn demo's Python jobs (standard library only).

Runtime contract (set by Baton; every one is optional when run by hand):
  BATON_RUN_DIR       directory shared by all tasks of a run (default: .)
  BATON_METRICS_FILE  append "NAME VALUE" lines here to record metrics
  BATON_TASK, BATON_ATTEMPT, BATON_RUN_ID, BATON_ENV, BATON_LOGICAL_DATE, ...
"""
import math
import os
import sys
import zlib

RUN_DIR = os.environ.get("BATON_RUN_DIR") or "."
DATA_DIR = os.path.join(RUN_DIR, "data")
MODEL_DIR = os.path.join(RUN_DIR, "models")
LOGICAL_DATE = os.environ.get("BATON_LOGICAL_DATE", "")
ENV_NAME = os.environ.get("BATON_ENV") or "local"

FEATURES = [
    "tenure_months",
    "monthly_charges",
    "support_calls_90d",
    "late_payments_12m",
    "usage_change_pct",
    "autopay",
    "contract_month_to_month",
    "contract_one_year",
]
CONTRACTS = ("month_to_month", "one_year", "two_year")


def log(msg):
    print(msg, flush=True)


def warn(msg):
    print("WARNING: " + msg, file=sys.stderr, flush=True)


def die(msg):
    print("ERROR: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def metric(name, value):
    """Record a numeric metric for this task."""
    text = str(value) if isinstance(value, int) else "%.6g" % value
    path = os.environ.get("BATON_METRICS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write("%s %s\n" % (name, text))
    log("metric %s=%s" % (name, text))


def seed_for(salt):
    """Deterministic seed: fixed base + salt + logical date."""
    return zlib.crc32(("%s|%s" % (salt, LOGICAL_DATE)).encode()) ^ 0x5EED


def env_float(name, default, lo=None, hi=None):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        die("%s must be a number, got %r" % (name, raw))
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        die("%s must be between %s and %s, got %s" % (name, lo, hi, raw))
    return value


def model_version():
    """MODEL_VERSION as an integer: 'v7' -> 7."""
    raw = (os.environ.get("MODEL_VERSION") or "v6").strip()
    digits = raw.lstrip("vV")
    if not digits.isdigit():
        die("MODEL_VERSION must look like v6, v7, ... got %r" % raw)
    return int(digits)


def in_holdout(customer_id):
    """Stable 80/20 split: the same customer is always on the same side."""
    return zlib.crc32(customer_id.encode()) % 5 == 0


def simulate_failure(task):
    """Demo switch: SIMULATE_FAILURE is a comma-separated list of task names;
    'name:once' fails only the first attempt (to show retries)."""
    task = os.environ.get("BATON_TASK") or task
    attempt = os.environ.get("BATON_ATTEMPT") or "1"
    for item in (os.environ.get("SIMULATE_FAILURE") or "").split(","):
        item = item.strip()
        if item == task:
            die("%s: simulated failure requested by SIMULATE_FAILURE" % task)
        if item == task + ":once" and attempt == "1":
            die("%s: simulated transient failure on attempt 1 (SIMULATE_FAILURE=%s)" % (task, item))


def require(path, produced_by):
    if not os.path.isfile(path):
        die("%s not found: did the %s task run in this run directory?" % (path, produced_by))
    return path


def write_atomic(path, writer):
    """Write via a temporary file so a failed task never leaves half a file."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = "%s.tmp.%d" % (path, os.getpid())
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            writer(f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def vectorize(row):
    """Feature vector (in FEATURES order) for one clean CSV row."""
    contract = row["contract"]
    return [
        float(row["tenure_months"]),
        float(row["monthly_charges"]),
        float(row["support_calls_90d"]),
        float(row["late_payments_12m"]),
        float(row["usage_change_pct"]),
        float(row["autopay"]),
        1.0 if contract == "month_to_month" else 0.0,
        1.0 if contract == "one_year" else 0.0,
    ]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def predict(model, x):
    """Churn probability for a raw feature vector."""
    z = model["bias"]
    for w, v, m, s in zip(model["weights"], x, model["mean"], model["std"]):
        z += w * (v - m) / s
    return sigmoid(z)
