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
compare the two on random arrays of every kind handled).

``known_unique_inverse`` is the same for a categorical feature's column with missing values: the
distinct known values (NaN and the empty string are unknown) and each value's code, −1 where it
is unknown - what ``np.unique`` of the known values gives, without first copying them out. The
hash table's pass skips the empty strings, and when the distinct strings are few
(``SORT_LIMIT``) the same pass sorts them (insertion sort of D rows compared word by word: the
order ``np.unique`` gives strings, code point by code point, NUL padding first), so a weekday or
country column is one compiled call. O(N + D log D) time, O(N) memory.
Other numbers (numpy sorts them with SIMD: faster than a hash table, measured), arrays of other
kinds (objects, structured) and empty arrays go to ``np.unique`` itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["known_string_objects", "known_unique_inverse", "unique_inverse"]

SORT_LIMIT = 64  # distinct strings the hash pass sorts itself (insertion sort); more: np.argsort

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # mixes the odd words' chain into the even ones'


@njit(cache=True)
def _hash_codes(
    rows: np.ndarray, skip_empty: bool, sort_limit: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """(code of each row, index of each code's first row, whether the codes are sorted).

    Codes in order of first appearance, or - when at most ``sort_limit`` rows are distinct -
    in the rows' sorted order (``_sort_codes``; then True). With ``skip_empty`` an all-zero row
    (the empty string) gets code −1 and no code of its own.

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
        if skip_empty:
            empty = True
            for j in range(width):
                if rows[i, j] != 0:
                    empty = False
                    break
            if empty:
                codes[i] = -1
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
    if count > sort_limit:
        return codes, firsts[:count], False
    return _sort_codes(rows, codes, firsts[:count])


@njit(cache=True)
def _row_less(rows: np.ndarray, a: int, b: int) -> bool:
    """Row a before row b: the first differing word decides (unsigned), as numpy orders
    strings (code points, or bytes for ``S``; the NUL padding of a shorter string first)."""
    for j in range(rows.shape[1]):
        if rows[a, j] != rows[b, j]:
            less: bool = rows[a, j] < rows[b, j]
            return less
    return False


@njit(cache=True)
def _sort_codes(
    rows: np.ndarray, codes: np.ndarray, firsts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """The codes renumbered to the sorted order of their rows (insertion sort of the few
    distinct rows ``firsts``; codes −1 stay −1), the first rows in that order, True."""
    count = firsts.shape[0]
    order = firsts.copy()
    for i in range(1, count):
        row = order[i]
        j = i - 1
        while j >= 0 and _row_less(rows, row, order[j]):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = row
    rank = np.empty(count, dtype=np.int64)
    for position in range(count):
        rank[codes[order[position]]] = position
    sorted_codes = np.empty(codes.shape[0], dtype=np.intp)
    for i in range(codes.shape[0]):
        sorted_codes[i] = rank[codes[i]] if codes[i] >= 0 else -1
    return sorted_codes, order, True


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
    return _hashed(array, rows, skip_empty=False)


def _hashed(
    array: NDArray[Any], rows: NDArray[Any], *, skip_empty: bool
) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """(sorted distinct values, codes) of strings by ``_hash_codes``; codes −1 for the empty
    string with ``skip_empty``."""
    codes, firsts, ordered = _hash_codes(rows, skip_empty, SORT_LIMIT)
    representatives = array[firsts]
    if ordered:
        return representatives, codes.astype(np.intp, copy=False)
    order = np.argsort(representatives, kind="stable")
    rank = np.empty(order.size, dtype=np.intp)
    rank[order] = np.arange(order.size)
    renumbered = rank[codes]
    if skip_empty:
        renumbered[codes < 0] = -1
    return representatives[order], renumbered


def known_unique_inverse(values: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]] | None:
    """(``np.unique`` of the known values, each value's index in it or −1 where unknown) of a
    one-dimensional array of numbers, flags or strings: NaN and the empty string are unknown
    (module docstring). None for other arrays (objects, more dimensions, empty), which the
    caller factorizes itself."""
    array = np.asarray(values)
    if array.ndim != 1 or not array.size:
        return None
    kind = array.dtype.kind
    if kind in "US":
        rows = _rows(array)
        return None if rows is None else _hashed(array, rows, skip_empty=True)
    if kind == "f":
        uniques, codes = _known_whole_codes(np.ascontiguousarray(array, dtype=np.float64))
        if codes.size == array.size:
            return uniques.astype(array.dtype), codes
        known = ~np.isnan(array)
        found, inverse = np.unique(array[known], return_inverse=True)
        codes = np.full(array.size, -1, dtype=np.intp)
        codes[known] = inverse.reshape(-1)
        return found, codes
    if kind in "biu":
        return unique_inverse(array)
    return None


def known_string_objects(values: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]] | None:
    """``known_unique_inverse`` of a one-dimensional object array whose values are all Python
    strings or None (a country column as the readers give it): (the distinct known strings,
    sorted, as an object array; each value's index in them, −1 for None and the empty string);
    None for any other array (the caller then factorizes it itself).

    Why: ``np.unique`` of an object array sorts all N values by Python comparisons and costs
    ~20 µs on a product's 50 country names, twice a product (its test and its chart). The
    distinct values are few, so a set of them, sorted, and one dict look-up per value give the
    same: Python's ``sorted`` orders strings by the same ``<`` that ``np.unique``'s object sort
    uses, and a set merges exactly the values ``np.unique`` finds equal (``==`` on strings)."""
    array = np.asarray(values)
    if array.dtype.kind != "O" or array.ndim != 1 or not array.size:
        return None
    listed = array.tolist()
    if not {value.__class__ for value in listed} <= _STRING_OR_NONE:
        return None
    distinct = set(listed)
    distinct.discard(None)
    distinct.discard("")
    ordered = sorted(distinct)
    rank: dict[Any, int] = {label: index for index, label in enumerate(ordered)}
    codes = np.array([rank.get(value, -1) for value in listed], dtype=np.intp)
    uniques = np.empty(len(ordered), dtype=object)
    uniques[:] = ordered
    return uniques, codes


_STRING_OR_NONE = frozenset({str, type(None)})


@njit(cache=True)
def _known_whole_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_whole_codes`` of the values that are not NaN, code −1 for NaN; empty codes when a
    known value is not whole or the range is too wide."""
    n = values.shape[0]
    known = 0
    for i in range(n):
        known += not np.isnan(values[i])
    integers = np.empty(known, dtype=np.int64)
    k = 0
    for i in range(n):
        value = values[i]
        if np.isnan(value):
            continue
        if not abs(value) < 2.0**52 or np.floor(value) != value:
            return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.intp)
        integers[k] = np.int64(value)
        k += 1
    codes = np.full(n, -1, dtype=np.intp)
    if known == 0:
        return np.empty(0, dtype=np.float64), codes
    uniques, known_codes = _integer_codes(integers)
    if known_codes.size != known:
        return np.empty(0, dtype=np.float64), np.empty(0, dtype=np.intp)
    k = 0
    for i in range(n):
        if not np.isnan(values[i]):
            codes[i] = known_codes[k]
            k += 1
    return uniques.astype(np.float64), codes
