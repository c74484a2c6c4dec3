"""Honest shoppers who review several of the demo shop's products, as real marketplaces have.

Without them every honest account would have one review and anyone reviewing two products
would stand out; with them, activity is heavy-tailed (a few shoppers review many products,
most review one or two), and a paid pool must be found by what it does together — the same
products, one star level, one short window — not by being active.

Some honest reviews of the newer products (``SHARED_ASINS``) are handed to ``SHOPPERS`` regular
accounts, picked with Zipf weights; stars and times stay as simulated, so each product's own
reviews and verdict do not change, only who wrote them. The older products keep their reviewers
(their verdicts are pinned in ``tests/demo_market``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from detector.simulate import SimulatedProduct
from detector.simulate.draws import random_ids

SHOPPERS = 150
SHARED_SHARE = 0.4  # of each shared product's honest reviews
SHARED_ASINS = tuple(f"B0DEMO00{n}" for n in range(11, 18))


def with_regular_shoppers(products: list[SimulatedProduct], seed: int) -> list[SimulatedProduct]:
    """``products`` with part of the shared products' reviews written by regular shoppers."""
    rng = np.random.default_rng([seed, 1017, 1])
    shoppers = random_ids(rng, SHOPPERS, prefix="AE", length=28)
    weights = 1.0 / np.arange(1, SHOPPERS + 1) ** 0.8
    weights /= weights.sum()
    out = []
    for product in products:
        if product.asin not in SHARED_ASINS:
            out.append(product)
            continue
        user_ids = product.columns.user_id.copy()
        chosen = np.flatnonzero(rng.random(user_ids.size) < SHARED_SHARE)
        picks = rng.choice(SHOPPERS, size=chosen.size, p=weights)
        _, first = np.unique(picks, return_index=True)  # one review per shopper and product
        user_ids[chosen[first]] = shoppers[picks[first]]
        out.append(replace(product, columns=replace(product.columns, user_id=user_ids)))
    return out
