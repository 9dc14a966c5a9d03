"""Dot products over skin-sized arrays, computed without BLAS.

numpy hands `a @ b` to a multi-threaded BLAS. For the vectors the trigger maps
use (one value per skin vertex, some 20,000) the threads cost more than the
arithmetic, and on a busy machine each product waited up to 20 ms for them:
62 zones took 1.4 s of start-up on the 2-core test machine. Element-wise
products with a sum stay on one thread and take some 10 microseconds."""
from __future__ import annotations

import numpy as np


def rows_dot(rows: np.ndarray, v) -> np.ndarray:
    """(N,) dot product of each row of an (N, 3) array with one 3-vector."""
    rows = np.asarray(rows, dtype=float)
    v = np.asarray(v, dtype=float)
    return rows[:, 0] * v[0] + rows[:, 1] * v[1] + rows[:, 2] * v[2]


def weighted_sum(weights: np.ndarray, values: np.ndarray) -> float:
    """sum(weights * values) for two (N,) arrays."""
    return float(np.sum(np.asarray(weights, dtype=float) * np.asarray(values, dtype=float)))
