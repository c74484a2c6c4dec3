"""The greedy dense-subtensor baseline (D-Cube / M-Zoom family; Shin et al., WSDM 2017, KDD 2016).

Density is the arithmetic average mass ρ(B) = |B| / ((1/N) Σ_n |B_n|) over the N = 5 modes
(seller, reviewer, product, rating, window), |B| the block's non-zero cells and |B_n| its slices
in mode n. One peel starts from every live cell and repeats: take the mode with the most slices,
remove every slice whose mass is at most the mode's average mass |B| / |B_n| (D-Cube's batch
removal, so a peel takes O(log) passes of O(nnz) bincounts), and remember the densest block
seen. The densest block becomes a candidate (its members, products and the window range it
spans), its cells are taken out, and the next peel starts; ``params.blocks`` peels in all.
Candidates are judged by ``detector.groups.blocks`` like the Logistic CP's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detector.groups.blocks import Candidate
from detector.groups.tensor import ReviewTensor

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

__all__ = ["dense_block_candidates", "densest_block"]


def dense_block_candidates(tensor: ReviewTensor, blocks: int) -> list[Candidate]:
    """Up to ``blocks`` dense blocks, peeled one after another (each removed before the next)."""
    alive = np.ones(tensor.nnz, dtype=np.bool_)
    candidates = []
    for _ in range(blocks):
        cells = np.flatnonzero(alive)
        if cells.size == 0:
            break
        block = densest_block(tensor, cells)
        alive[block] = False
        candidates.append(
            Candidate(
                reviewers=np.unique(tensor.reviewer[block]),
                products=np.unique(tensor.product[block]),
                first_window=int(tensor.window[block].min()),
                last_window=int(tensor.window[block].max()),
                source="dense_block",
            )
        )
    return candidates


def densest_block(tensor: ReviewTensor, cells: IntArray) -> IntArray:
    """The cells of the densest block one batch peel finds among ``cells`` (see module doc)."""
    coordinates = [c[cells] for c in tensor.coordinates()]
    keep = [np.zeros(size, dtype=np.bool_) for size in tensor.shape]
    for mode, values in enumerate(coordinates):
        keep[mode][values] = True
    live = np.ones(cells.size, dtype=np.bool_)
    best = _density(int(cells.size), keep)
    best_keep = [k.copy() for k in keep]
    while live.any():
        mode = int(np.argmax([k.sum() for k in keep]))
        values = coordinates[mode][live]
        mass = np.bincount(values, minlength=keep[mode].size)
        slices = int(keep[mode].sum())
        light = keep[mode] & (mass <= live.sum() / slices)
        keep[mode] &= ~light
        live &= keep[mode][coordinates[mode]]
        for other in range(len(keep)):  # slices left without cells
            present = np.zeros(keep[other].size, dtype=np.bool_)
            present[coordinates[other][live]] = True
            keep[other] &= present
        density = _density(int(live.sum()), keep)
        if density > best:
            best, best_keep = density, [k.copy() for k in keep]
    inside = np.ones(cells.size, dtype=np.bool_)
    for mode, values in enumerate(coordinates):
        inside &= best_keep[mode][values]
    return cells[inside]


def _density(mass: int, keep: list[BoolArray]) -> float:
    sizes = [int(k.sum()) for k in keep]
    if mass == 0 or min(sizes) == 0:
        return 0.0
    return mass / (sum(sizes) / len(sizes))
