"""Compiled arithmetic around the model tail's noncentral tails (numba; issue 18).

``calibration.tail_p_values`` evaluates, for each feature f of a product and each of the 91
nodes z_k, P(T' ≥ T_f | λ_fk) with λ_fk = N_f·u_fk², u_fk = max(0, m_f + s_f·z_k), and mixes
the nodes with weights w_k. The tails themselves are scipy's Boost ufuncs (``_ncx2_sf``,
``_ncf_sf``) and central ufuncs (``chdtrc``, ``fdtrc``), and the mix is numpy's matrix product;
what surrounds them - the grid of λ, picking the nodes with λ > 0, filling in the central tail,
clipping, the final bounds - was two dozen numpy calls on a few hundred numbers, a third of the
stage's time. ``noncentral_nodes`` and ``filled_tails`` do that arithmetic in two calls, with
the same IEEE operations (u·u for numpy's ``u**2``; no fused multiply-add), so the ufuncs see
the same arguments and the tails are bit for bit those of ``calibration._noncentral_sf``
(tests/detector/ero/test_tail_kernel.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["filled_tails", "noncentral_nodes"]


@njit(cache=True)
def noncentral_nodes(
    location: np.ndarray,
    scale: np.ndarray,
    value: np.ndarray,
    df1: np.ndarray,
    df2: np.ndarray,
    reviews: np.ndarray,
    nodes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(flat index f·K + k of every node with λ > 0 and T > 0, and there T, df1, df2, λ) for
    features f (arrays of length F) over the K ``nodes``."""
    features, k_nodes = location.shape[0], nodes.shape[0]
    lam = np.empty(features * k_nodes)
    count = 0
    for f in range(features):
        for k in range(k_nodes):
            x = location[f] + scale[f] * nodes[k]
            u = 0.0 if x < 0.0 else x  # np.maximum(0.0, x)
            lam[f * k_nodes + k] = reviews[f] * (u * u)
            if lam[f * k_nodes + k] > 0.0 and value[f] > 0.0:
                count += 1
    index = np.empty(count, dtype=np.int64)
    at_value = np.empty(count)
    at_df1 = np.empty(count)
    at_df2 = np.empty(count)
    at_lam = np.empty(count)
    i = 0
    for f in range(features):
        for k in range(k_nodes):
            j = f * k_nodes + k
            if lam[j] > 0.0 and value[f] > 0.0:
                index[i] = j
                at_value[i] = value[f]
                at_df1[i] = df1[f]
                at_df2[i] = df2[f]
                at_lam[i] = lam[j]
                i += 1
    return index, at_value, at_df1, at_df2, at_lam


@njit(cache=True)
def filled_tails(
    central: np.ndarray, index: np.ndarray, noncentral: np.ndarray, k_nodes: int
) -> np.ndarray:
    """The (F, K) tails: each feature's ``central`` tail at every node, the ``noncentral`` ones
    at ``index``; NaN as 0, then clipped to [0, 1] (``calibration._noncentral_sf``)."""
    features = central.shape[0]
    tails = np.empty((features, k_nodes))
    for f in range(features):
        for k in range(k_nodes):
            tails[f, k] = central[f]
    for i in range(index.shape[0]):
        tails[index[i] // k_nodes, index[i] % k_nodes] = noncentral[i]
    for f in range(features):
        for k in range(k_nodes):
            t = tails[f, k]
            if np.isnan(t):
                t = 0.0
            t = t if t > 0.0 else 0.0  # np.maximum(t, 0.0): the second on ties (-0.0 → 0.0)
            tails[f, k] = t if t < 1.0 else 1.0  # np.minimum(t, 1.0)
    return tails
