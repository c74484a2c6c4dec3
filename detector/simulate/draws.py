"""Small vectorised random helpers shared by the simulator's modules."""

import numpy as np
from numpy.typing import NDArray

_ALPHANUMERIC = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)


def categorical(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """``size`` draws of category indices with probabilities ``p``.

    Inverse-CDF sampling; several times faster than ``Generator.choice(p=...)`` on small arrays,
    which matters because every product makes a dozen such draws.
    """
    cumulative = np.cumsum(p)
    picks = np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")
    picked: NDArray[np.intp] = np.minimum(picks, len(p) - 1)
    return picked


def random_ids(rng: np.random.Generator, count: int, *, prefix: str, length: int) -> np.ndarray:
    """``count`` identifiers of ``length`` characters: ``prefix`` then uppercase letters/digits.

    ASINs are ``B0`` + 8, review ids ``R`` + 13, user ids (as in Amazon Reviews 2023) ``AE`` + 26.
    With 36^8 or more combinations collisions are negligible at any size we simulate.
    """
    tail = length - len(prefix)
    codes = _ALPHANUMERIC[rng.integers(0, _ALPHANUMERIC.size, size=(count, tail))]
    return np.char.add(prefix, codes.view(f"S{tail}").ravel().astype(str))
