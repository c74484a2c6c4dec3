"""The Logistic CP's compiled set-up and batch kernels against numpy written out in the test:
the batch (positive cells, noise cells with another cell's reviewer, sorted stably by the step's
mode), the start's means |z| · scale transposed and E[a²] = E[a]² + 1/Λ, the cells' row table.
Every comparison is to the bit (the kernels only move values; no sum is reordered)."""

import numpy as np
import pytest

from detector.groups.logistic_cp import _REVIEWER, _batch
from detector.groups.pg_kernel import cell_table, second_moments, sorted_batch, start_means


def _positives(seed: int, cells: int = 3_000) -> tuple[np.ndarray, tuple[int, ...]]:
    rng = np.random.default_rng(seed)
    shape = (7, 500, 90, 5, 40)
    columns = [rng.integers(0, n, cells) for n in shape]
    return np.stack(columns, axis=1).astype(np.int32), shape


def _numpy_batch(positives, batch, negatives, rng, mode):  # type: ignore[no-untyped-def]
    """The batch as numpy states it: gather, stable argsort of the mode's column, gather."""
    nnz = positives.shape[0]
    n_pos = min(nnz, max(1, batch // (1 + negatives)))
    chosen = positives if n_pos == nnz else positives[rng.integers(0, nnz, n_pos)]
    noise = positives[rng.integers(0, nnz, n_pos * negatives)].copy()
    noise[:, 1] = positives[rng.integers(0, nnz, n_pos * negatives), 1]
    coords = np.concatenate([chosen, noise])
    label = np.concatenate([np.ones(n_pos), np.zeros(n_pos * negatives)])
    order = np.argsort(coords[:, mode], kind="stable")
    return coords[order], label[order], nnz / n_pos


@pytest.mark.parametrize("mode", range(5))
@pytest.mark.parametrize("batch", [1_000, 100_000])  # a random part, and every positive cell
def test_the_batch_is_numpys_gather_and_stable_sort(mode: int, batch: int) -> None:
    positives, shape = _positives(mode)
    got = _batch(positives, batch, 4, np.random.default_rng(11), mode, shape[mode])
    expected = _numpy_batch(positives, batch, 4, np.random.default_rng(11), mode)
    assert np.array_equal(got[0], expected[0]) and got[0].dtype == np.int32
    assert np.array_equal(got[1], expected[1])
    assert got[2] == expected[2]


def test_the_batch_is_sorted_by_the_mode_and_keeps_the_cells() -> None:
    positives, shape = _positives(5)
    chosen = np.array([4, 4, 0, 2999])
    noise, other = np.array([1, 7, 7]), np.array([9, 3, 2])
    coords, label = sorted_batch(positives, chosen, noise, other, _REVIEWER, 2, shape[2])
    assert np.all(np.diff(coords[:, 2]) >= 0)
    made = np.concatenate([positives[chosen], positives[noise]])
    made[4:, _REVIEWER] = positives[other, _REVIEWER]
    assert sorted(map(tuple, coords.tolist())) == sorted(map(tuple, made.tolist()))
    assert label.sum() == 4 and label.size == 7


@pytest.mark.parametrize("rows", [1, 63, 64, 1_000])
def test_the_start_is_numpys_transpose_and_square(rows: int) -> None:
    draws = np.random.default_rng(rows).standard_normal((7, rows), dtype=np.float32)
    mean = np.empty((rows, 7), dtype=np.float32)
    start_means(draws, np.float32(0.01), mean)
    assert np.array_equal(mean, np.abs(draws.T) * np.float32(0.01))
    second = np.empty_like(mean)
    second_moments(mean, np.float32(0.01), second)
    assert np.array_equal(second, np.square(mean) + np.float32(0.01))


def test_the_cell_table_is_numpys_stack() -> None:
    columns = tuple(np.random.default_rng(2).integers(0, 10**6, (5, 999)))
    table = cell_table(columns, np.dtype(np.int32))
    assert table.dtype == np.int32
    assert np.array_equal(table, np.stack(columns, axis=1).astype(np.int32))
