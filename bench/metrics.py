"""Small, dependency-free metrics for the benchmarks (percentiles, accuracy, F1)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def accuracy(expected: Sequence[str], predicted: Sequence[str]) -> float:
    if not expected:
        return math.nan
    return sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)


def f1(true_positives: int, false_positives: int, false_negatives: int) -> float:
    if true_positives == 0:
        return 0.0 if (false_positives or false_negatives) else math.nan
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / (true_positives + false_negatives)
    return 2 * precision * recall / (precision + recall)


def macro_f1(expected: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the labels that occur in `expected` (a missed label scores 0)."""
    labels = sorted(set(expected))
    scores = []
    for label in labels:
        tp = sum(e == label and p == label for e, p in zip(expected, predicted, strict=True))
        fp = sum(e != label and p == label for e, p in zip(expected, predicted, strict=True))
        fn = sum(e == label and p != label for e, p in zip(expected, predicted, strict=True))
        scores.append(f1(tp, fp, fn) if tp or fp or fn else 0.0)
    return sum(scores) / len(scores) if scores else math.nan
