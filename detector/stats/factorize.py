"""``np.unique(values, return_inverse=True)`` by hashing instead of sorting (issue 18).

Every categorical ERO feature (weekday names, countries, hour blocks, verified flags) is turned
into category codes two or three times per product - for its test, its chart, its sentence - and
``np.unique`` sorts all N values to do it: O(N log N) string comparisons, about 1 ms for 10,000
country names. Categories are few, so a hash table finds them in one pass:

* each string is read as a row of machine words (width w: w UCS-4 code points), hashed (FNV-1a
  over the words, two interleaved chains; a row equal to the one before is not hashed) into an
  open-addressing table of at least 2N slots, and compared word by word with the first value
  of its slot's chain - so two values share a code exactly when they are equal, whatever the
  hash does;
* the distinct values (first occurrences, D of them) are then sorted as ``np.unique`` sorts them
  (``np.argsort`` of those D values) and the codes renumbered to that order;
* whole numbers within a short range (stars, hours, flags, counts) need no hash: their offsets
  from the smallest are counted (``np.bincount``) and the codes are the running count of values
  seen.

The result is identical to ``np.unique(values, return_inverse=True)`` (tests/detector/stats
compare the two on random arrays of every kind handled). O(N + D log D) time, O(N) memory.
Other numbers (numpy sorts them with SIMD: faster than a hash table, measured), arrays of other
kinds (objects, structured) and empty arrays go to ``np.unique`` itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["unique_inverse"]

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # mixes the odd words' chain into the even ones'


@njit(cache=True)
def _hash_codes(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row in order of first appearance, index of each code's first row).

    A row equal to the one before takes its code without hashing (reviews come in runs of the
    same country or flag); the hash runs two FNV-1a chains over the even and odd words, so the
    multiplications of a long string do not wait on each other. Codes do not depend on the
    hash: two rows share a code exactly when they are equal."""
    n, width = rows.shape
    size = 8
    while size < 2 * n:
        size *= 2
    mask = np.uint64(size - 1)
    table = np.full(size, -1, dtype=np.int64)  # slot → code
    firsts = np.empty(n, dtype=np.int64)
    codes = np.empty(n, dtype=np.int64)
    count = 0
    for i in range(n):
        if i > 0:
            same = True
            for j in range(width):
                if rows[i - 1, j] != rows[i, j]:
                    same = False
                    break
            if same:
                codes[i] = codes[i - 1]
                continue
        h = _FNV_OFFSET
        g = _FNV_PRIME
        j = 0
        while j + 1 < width:
            h = (h ^ np.uint64(rows[i, j])) * _FNV_PRIME
            g = (g ^ np.uint64(rows[i, j + 1])) * _FNV_PRIME
            j += 2
        if j < width:
            h = (h ^ np.uint64(rows[i, j])) * _FNV_PRIME
        h ^= g * _GOLDEN
        h ^= h >> np.uint64(29)  # the product moves low bits up only: fold the high ones down
        slot = np.int64(h & mask)
        while True:
            code = table[slot]
            if code < 0:
                table[slot] = count
                firsts[count] = i
                codes[i] = count
                count += 1
                break
            first = firsts[code]
            equal = True
            for j in range(width):
                if rows[first, j] != rows[i, j]:
                    equal = False
                    break
            if equal:
                codes[i] = code
                break
            slot = (slot + 1) & (size - 1)
    return codes, firsts[:count]


def _rows(values: NDArray[Any]) -> NDArray[Any] | None:
    """The values as a C-contiguous (N, words) unsigned array, or None for kinds not handled."""
    kind = values.dtype.kind
    if kind in "US" and values.dtype.itemsize == 0:
        return None
    if kind == "U":
        words = np.ascontiguousarray(values).view(np.uint32)
        return words.reshape(values.size, values.dtype.itemsize // 4)
    if kind == "S":
        return (
            np.ascontiguousarray(values).view(np.uint8).reshape(values.size, values.dtype.itemsize)
        )
    return None  # numbers: numpy's vectorised sort beats a hash table (measured)


def _small_integers(values: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]] | None:
    """The same by counting, for whole numbers within a range of max(1024, 2N): star ratings,
    hours, flags. None for anything else."""
    kind = values.dtype.kind
    if kind == "f":
        found = _whole_codes(np.ascontiguousarray(values, dtype=np.float64))
    elif kind in "bi" or (kind == "u" and values.dtype.itemsize < 8):
        found = _integer_codes(np.ascontiguousarray(values, dtype=np.int64))
    else:
        return None
    uniques, codes = found
    if codes.size != values.size:  # not whole numbers, or too wide a range
        return None
    return uniques.astype(values.dtype), codes


@njit(cache=True)
def _integer_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, codes) by counting offsets from the smallest; empty codes when
    the range exceeds max(1024, 2N)."""
    low = values[0]
    high = values[0]
    for value in values:
        low = min(low, value)
        high = max(high, value)
    width = high - low + 1
    if width > max(1024, 2 * values.shape[0]):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.intp)
    seen = np.zeros(width, dtype=np.bool_)
    for value in values:
        seen[value - low] = True
    rank = np.empty(width, dtype=np.intp)
    count = 0
    for offset in range(width):
        rank[offset] = count
        count += seen[offset]
    uniques = np.empty(count, dtype=np.int64)
    for offset in range(width):
        if seen[offset]:
            uniques[rank[offset]] = low + offset
    codes = np.empty(values.shape[0], dtype=np.intp)
    for i in range(values.shape[0]):
        codes[i] = rank[values[i] - low]
    return uniques, codes


@njit(cache=True)
def _whole_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_integer_codes`` of floats that are all whole numbers below 2⁵² in magnitude (as floats);
    empty codes otherwise."""
    integers = np.empty(values.shape[0], dtype=np.int64)
    for i in range(values.shape[0]):
        value = values[i]
        if not abs(value) < 2.0**52 or np.floor(value) != value:
            return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.intp)
        integers[i] = np.int64(value)
    uniques, codes = _integer_codes(integers)
    return uniques.astype(np.float64), codes


def unique_inverse(values: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """``np.unique(values, return_inverse=True)`` of a one-dimensional array (module docstring)."""
    array = np.asarray(values)
    if array.ndim == 1 and array.size:
        counted = _small_integers(array)
        if counted is not None:
            return counted
    rows = _rows(array) if array.ndim == 1 and array.size else None
    if rows is None:
        uniques, inverse = np.unique(array, return_inverse=True)
        return uniques, inverse.reshape(-1).astype(np.intp)
    codes, firsts = _hash_codes(rows)
    representatives = array[firsts]
    order = np.argsort(representatives, kind="stable")
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    return representatives[order], rank[codes]
