"""The ERO test of one feature: input checks, numeric features, categorical features.

See ``detector.ero.analysis`` for the method; these functions take star indices 0–4 (rating − 1)
and one feature's values, and return a ``FeatureResult``.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Hashable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from detector.ero import categorical_kernel
from detector.ero.results import (
    CategoryResult,
    ChiSquareResult,
    FeatureResult,
    OmnibusStatistic,
)
from detector.ero.sparse_table import fisher_exact_2x2, pool_cells
from detector.features import FeatureKind, feature, star_list
from detector.stats.factorize import known_string_objects, known_unique_inverse, unique_inverse
from detector.stats.group_kernels import numeric_feature
from detector.stats.studentized_range import studentized_range_sf, studentized_range_sf_of_one_k
from detector.stats.tukey import (
    NOISE,
    AnovaResult,
    pair_index_lists,
    pair_results,
)

__all__ = [
    "MIN_CATEGORY_SIZE",
    "MIN_GROUP_SIZE",
    "STARS",
    "Factorized",
    "Steps",
    "analyze_categorical",
    "analyze_numeric",
    "categorical_steps",
    "factorized",
    "numeric_steps",
    "numeric_values",
    "rating_index",
    "run_all_steps",
    "run_steps",
]

STARS = (1, 2, 3, 4, 5)
MIN_GROUP_SIZE = 2
MIN_CATEGORY_SIZE = 5


# --- input checks -----------------------------------------------------------------------------


def rating_index(ratings: ArrayLike) -> NDArray[np.intp]:
    """Ratings 1–5 as indices 0–4; ValueError for anything else."""
    array = np.asarray(ratings)
    if array.ndim != 1:
        raise ValueError(f"ratings must be a one-dimensional array, got shape {array.shape}")
    if array.dtype.kind == "b":
        raise ValueError("ratings must be whole stars from 1 to 5, not True/False")
    if array.size and array.dtype.kind not in "iuf":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("ratings must be whole stars from 1 to 5") from None
    values = array.astype(np.float64)
    bad = ~np.isin(values, STARS)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        value = values[position]
        shown = "missing" if np.isnan(value) else f"{value:g}"
        raise ValueError(
            f"ratings must be whole stars from 1 to 5; the rating at position {position} is {shown}"
        )
    return (values - 1).astype(np.intp)


def numeric_values(name: str, values: ArrayLike, length: int) -> NDArray[np.float64]:
    array = np.asarray(values)
    _check_length(name, array, length)
    try:
        numbers = array.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"feature {name!r} has values that are not numbers; list it in `categorical`"
        ) from None
    if np.isinf(numbers).any():
        raise ValueError(f"feature {name!r} has infinite values")
    return numbers


def _check_length(name: str, array: NDArray[Any], length: int) -> None:
    if array.ndim != 1 or array.shape[0] != length:
        raise ValueError(f"feature {name!r} has {array.size} values for {length} ratings")


def _categorical_codes(
    name: str, values: ArrayLike, length: int, found: Factorized | None = None
) -> tuple[NDArray[np.intp], list[Hashable]]:
    """(each value's category code, −1 where missing; category labels) - labels JSON-safe,
    sorted. Numbers, flags and strings by ``known_unique_inverse`` (one compiled pass), objects
    that are all strings or None by ``known_string_objects``, other objects here (missing:
    None, NaN or ""). ``found``: ``factorized(values)`` when the caller has it already."""
    array = np.asarray(values)
    _check_length(name, array, length)
    kind = array.dtype.kind
    if found is None:
        found = factorized(array)
    if found is None:
        return _object_codes(array)
    labels, codes = found
    if kind == "f":
        numbers: list[float] = labels.tolist()
        if all(number.is_integer() for number in numbers):
            return codes, [int(number) for number in numbers]
        return codes, list(numbers)
    label_list: list[Hashable] = labels.tolist()
    return codes, label_list


Factorized = tuple[NDArray[Any], NDArray[np.intp]]


def factorized(values: ArrayLike) -> Factorized | None:
    """(the distinct known values, sorted; each value's index in them, −1 where missing) of a
    categorical feature's values by ``known_unique_inverse`` or ``known_string_objects``; None
    for other object arrays (``_object_codes`` and ``distributions._category_codes`` factorize
    those, each with its own missing-value test). ``detector.analysis`` computes it once a
    feature for both the test and the chart."""
    array = np.asarray(values)
    found = known_unique_inverse(array)
    return known_string_objects(array) if found is None else found


def _object_codes(array: NDArray[Any]) -> tuple[NDArray[np.intp], list[Hashable]]:
    """``_categorical_codes`` of an array ``known_unique_inverse`` does not take (objects)."""
    present = np.array(  # missing: None, NaN or "" (one list pass, no calls)
        [
            not (v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and v == ""))
            for v in array.tolist()
        ],
        dtype=bool,
    )
    kept = array[present]
    try:
        labels, kept_codes = unique_inverse(kept)
    except TypeError:  # mixed types that do not sort together
        labels, kept_codes = unique_inverse(kept.astype(str))
    label_list = [
        label.item() if isinstance(label, np.generic) else label for label in labels.tolist()
    ]
    codes = np.full(array.size, -1, dtype=np.intp)
    codes[present] = kept_codes
    return codes, label_list


def _missing_note(name: str, missing: int) -> list[str]:
    if not missing:
        return []
    return [f"{missing} review{'s' if missing != 1 else ''} without {feature(name).noun} left out"]


def _star_groups(
    name: str, per_star: list[int]
) -> tuple[tuple[int, ...], tuple[int, ...], list[str]]:
    """(star levels kept: ≥ ``MIN_GROUP_SIZE`` reviews, star levels dropped: exactly 1 review,
    notes) from the reviews per star level 1–5 (``per_star[s]`` for s + 1 stars)."""
    kept = tuple([s + 1 for s, n in enumerate(per_star) if n >= MIN_GROUP_SIZE])
    dropped = tuple([s + 1 for s, n in enumerate(per_star) if n == 1])
    if not dropped:
        return kept, dropped, []
    note = (
        f"{star_list(dropped)} left out of {feature(name).noun}: "
        f"fewer than {MIN_GROUP_SIZE} reviews"
    )
    return kept, dropped, [note]


# A feature's test as a generator: it yields (q, k, ν) at most once - the studentized ranges whose
# tail probabilities P(Q(k, ν) > q) it needs - is sent those p-values back, and returns its
# FeatureResult. ``analyze_ero`` runs all of a product's features this way, so that features with
# the same k (all of them, usually; ν differs where reviews are missing or pooled) share one
# studentized-range evaluation: its fixed cost, not the values, was what a small product paid for.
Steps = Generator[tuple[NDArray[np.float64], int, int], NDArray[np.float64], FeatureResult]


def run_steps(steps: Steps) -> FeatureResult:
    """Run one feature's steps on its own."""
    try:
        q, k, df = next(steps)
        steps.send(studentized_range_sf(q, k, df))
    except StopIteration as done:
        result: FeatureResult = done.value
        return result
    raise RuntimeError("a feature's steps asked for p-values twice")  # pragma: no cover


def run_all_steps(all_steps: list[Steps]) -> list[FeatureResult]:
    """Run several features' steps, one studentized-range evaluation per k (for every ν at once,
    ``studentized_range_sf_of_one_k``: the same values as a call per (k, ν))."""
    results: list[FeatureResult | None] = [None] * len(all_steps)
    waiting: dict[int, list[tuple[int, NDArray[np.float64], int]]] = {}
    for index, steps in enumerate(all_steps):
        try:
            q, k, df = next(steps)
        except StopIteration as done:
            results[index] = done.value
            continue
        waiting.setdefault(k, []).append((index, q, df))
    for k, asked in waiting.items():
        found = studentized_range_sf_of_one_k(k, [(q, float(df)) for _, q, df in asked])
        for (index, _, _), p in zip(asked, found, strict=True):
            try:
                all_steps[index].send(p)
            except StopIteration as done:
                results[index] = done.value
            else:  # pragma: no cover
                raise RuntimeError("a feature's steps asked for p-values twice")
    finished = [result for result in results if result is not None]
    assert len(finished) == len(all_steps)
    return finished


def _untestable(
    name: str, kind: FeatureKind, notes: list[str], reason: str, **known: Any
) -> FeatureResult:
    return FeatureResult(name=name, kind=kind, satisfaction=None, notes=(*notes, reason), **known)


# --- numeric features -----------------------------------------------------------------------


def analyze_numeric(
    name: str,
    star_index: NDArray[np.intp],
    values: NDArray[np.float64],
    alpha: float,
    *,
    pairs: bool = True,
) -> FeatureResult:
    """The ERO test of one numeric feature (see ``detector.ero.analysis``)."""
    return run_steps(numeric_steps(name, star_index, values, alpha, pairs=pairs))


def numeric_steps(
    name: str,
    star_index: NDArray[np.intp],
    values: NDArray[np.float64],
    alpha: float,
    *,
    pairs: bool = True,
) -> Steps:
    """``analyze_numeric`` as steps (``Steps``): yields its Tukey q's once for their p-values."""
    # One compiled call (``detector.stats.group_kernels.numeric_feature``): per star level the
    # known values, and over the levels kept F and (packed) their means, the pairs' differences
    # and q.
    known_per_star, summary, f, packed = numeric_feature(
        star_index, np.asarray(values, dtype=np.float64), MIN_GROUP_SIZE, NOISE
    )
    missing, reviews, _, low, high = summary
    notes = _missing_note(name, missing)
    groups, dropped, group_notes = _star_groups(name, known_per_star.tolist())
    notes += group_notes
    known: dict[str, Any] = {"groups": groups, "dropped_groups": dropped}
    if len(groups) < 2:
        return _untestable(name, "numeric", notes, _too_few_groups(name), **known)
    known["reviews"] = reviews
    n_groups = len(groups)
    df_between, df_within = n_groups - 1, reviews - n_groups
    if low == high or math.isnan(f):
        return _untestable(name, "numeric", notes, _constant(name, low, high), **known)
    omnibus = OmnibusStatistic("anova_f", f, df_between, df_within, reviews)
    if not pairs:
        return _omnibus_only(name, "numeric", notes, omnibus, known)
    p = float(special.fdtrc(df_between, df_within, f))
    pairs_count = n_groups * (n_groups - 1) // 2
    p_adj = yield packed[n_groups + pairs_count :], n_groups, df_within  # the q's
    pair_a, pair_b = pair_index_lists(n_groups)
    p_list = p_adj.tolist()
    listed = packed.tolist()
    found = pair_results(
        groups,
        listed[:n_groups],
        pair_a,
        pair_b,
        listed[n_groups : n_groups + pairs_count],
        p_list,
        listed[n_groups + pairs_count :],
        alpha,
    )
    if not math.isfinite(f):
        notes.append(_perfect_separation_note(name))
    return FeatureResult(
        name=name,
        kind="numeric",
        satisfaction=min(p_list),
        anova=AnovaResult(f, p, df_between, df_within),
        pairs=found,
        omnibus=omnibus,
        notes=tuple(notes),
        **known,
    )


def _omnibus_only(
    name: str, kind: FeatureKind, notes: list[str], omnibus: OmnibusStatistic, known: Any
) -> FeatureResult:
    """The omnibus statistic alone (``pairs=False``: a reference fit needs nothing else)."""
    note = "Tukey's pairs were not computed (only the omnibus statistic was asked for)"
    return FeatureResult(
        name=name, kind=kind, satisfaction=None, omnibus=omnibus, notes=(*notes, note), **known
    )


def _too_few_groups(name: str) -> str:
    return (
        f"{feature(name).noun.capitalize()} cannot be compared: fewer than two star levels "
        f"have {MIN_GROUP_SIZE} or more reviews with it"
    )


def _constant(name: str, low: float, high: float) -> str:
    """Why a feature whose kept values run from ``low`` to ``high`` cannot be tested."""
    noun = feature(name).noun
    if low == high:
        return f"Every review has the same {noun} ({low:g}): nothing to compare"
    return f"The {noun} hardly varies (only by rounding errors): nothing to compare"


def _perfect_separation_note(name: str) -> str:
    return (
        f"Within each star group every review has the same {feature(name).noun}, "
        "so groups with different values are perfectly separated (F is infinite)"
    )


# --- categorical features -------------------------------------------------------------------


def analyze_categorical(
    name: str, star_index: NDArray[np.intp], values: ArrayLike, alpha: float, *, pairs: bool = True
) -> FeatureResult:
    """The ERO test of one categorical feature (see ``detector.ero.analysis``)."""
    return run_steps(categorical_steps(name, star_index, values, alpha, pairs=pairs))


def categorical_steps(
    name: str,
    star_index: NDArray[np.intp],
    values: ArrayLike,
    alpha: float,
    *,
    pairs: bool = True,
    found: Factorized | None = None,
) -> Steps:
    """``analyze_categorical`` as steps (``Steps``): yields its q's once for their p-values.

    The counting and the statistics are one compiled call
    (``categorical_kernel.categorical_feature``: the table after pooling, the chi-square, the
    indicators' ANOVA/Tukey statistics); this function reads the labels and writes the notes.
    Two complementary indicators ([y = A] and [y = B] = 1 − [y = A]) give the same test, so
    with two columns only the rarer named one is tested. The pooled rare categories count in
    the shares and the chi-square but are not a category a reason can name. ``found``:
    ``factorized(values)`` when the caller has it already."""
    codes, labels = _categorical_codes(name, values, star_index.size, found)
    whole, reals, counts, chi_statistics = categorical_kernel.categorical_feature(
        star_index,
        codes,
        len(labels),
        MIN_CATEGORY_SIZE,
        MIN_GROUP_SIZE,
        NOISE,
        categorical_kernel.SQUARE,
    )
    missing, pooled, rare, reviews, columns, factor, driver, n_groups = counts
    # the whole numbers as the kernel packs them (its docstring): one list, cut in six
    numbers = whole.tolist()
    labels_end = 5 + len(labels)
    per_star, totals = numbers[:5], numbers[5:labels_end]
    label_index = numbers[labels_end : labels_end + columns]
    totals_list = numbers[labels_end + columns : labels_end + 2 * columns]
    tested = numbers[labels_end + 2 * columns : labels_end + 2 * columns + factor]
    strongest = numbers[labels_end + 2 * columns + factor :]  # each category's driving pair
    notes = _missing_note(name, missing)
    if rare:
        notes += _pooling_notes(name, labels, totals, pooled)
    groups, dropped, group_notes = _star_groups(name, per_star)
    notes += group_notes
    known: dict[str, Any] = {"groups": groups, "dropped_groups": dropped}
    if len(groups) < 2:
        return _untestable(name, "categorical", notes, _too_few_groups(name), **known)
    column_labels = [labels[c] if c >= 0 else "other" for c in label_index]
    known["reviews"] = reviews
    if len(column_labels) < 2:
        reason = (
            _single_category(name, column_labels)
            if min(label_index, default=0) >= 0
            else f"No value of {feature(name).noun} is seen in {MIN_CATEGORY_SIZE} or more "
            "reviews: nothing to compare"
        )
        return _untestable(name, "categorical", notes, reason, **known)
    table = (  # the table itself only where the chi-square is computed in Python
        categorical_kernel.category_table(
            star_index, codes, len(labels), MIN_CATEGORY_SIZE, MIN_GROUP_SIZE
        )[0]
        if reviews >= categorical_kernel.EXACT_TOTAL
        else None
    )
    chi_square, pooled_shape = _chi_square_result(table, reviews, chi_statistics)
    omnibus = OmnibusStatistic("chi_square", chi_square.statistic, chi_square.dof, 0, reviews)
    if not pairs:
        return _omnibus_only(name, "categorical", notes, omnibus, known)
    df_between, df_within = n_groups - 1, reviews - n_groups
    pairs_count = n_groups * (n_groups - 1) // 2
    # the reals as packed: each category's largest q and the driver's q's (one studentized
    # range sf each: it falls with q at the same K and ν for every category, so a category's
    # smallest adjusted p is sf(max q)), each category's F, the driver's shares and differences
    asked = reals[: factor + pairs_count]
    f = reals[factor + pairs_count : 2 * factor + pairs_count]
    p_list = special.fdtrc(df_between, df_within, f).tolist()  # NaN F (constant): NaN p
    p_values = yield asked, n_groups, df_within
    every_p = p_values.tolist()
    category_list, driver_p = every_p[:factor], every_p[factor:]
    pair_a, pair_b = pair_index_lists(n_groups)
    listed = reals.tolist()
    f_list = listed[factor + pairs_count : 2 * factor + pairs_count]
    driver_q = listed[factor : factor + pairs_count]
    driver_shares = listed[2 * factor + pairs_count : 2 * factor + pairs_count + n_groups]
    driver_diff = listed[2 * factor + pairs_count + n_groups :]
    categories = tuple(
        [
            CategoryResult(  # (category, reviews, anova, satisfaction, adjusted, pair)
                column_labels[c],
                totals_list[c],
                AnovaResult(f_list[i], p_list[i], df_between, df_within),
                category_list[i],
                min(1.0, factor * category_list[i]),
                (groups[pair_a[strongest[i]]], groups[pair_b[strongest[i]]]),
            )
            for i, c in enumerate(tested)
        ]
    )
    if pooled_shape is not None:
        notes.append(_pooled_note((n_groups, columns), pooled_shape))
    if chi_square.low_expected_share > 0.2 and pooled_shape != (2, 2):  # 2 × 2: Fisher's p
        notes.append(
            f"The chi-square p-value is rough: {chi_square.low_expected_share:.0%} of the "
            "star × category cells expect fewer than 5 reviews"
        )
    return FeatureResult(
        name=name,
        kind="categorical",
        satisfaction=min(1.0, factor * category_list[driver]),
        anova=categories[driver].anova,
        pairs=pair_results(  # (shares are real means: no unit)
            groups, driver_shares, pair_a, pair_b, driver_diff, driver_p, driver_q, alpha
        ),
        category=categories[driver].category,
        categories=categories,
        bonferroni_factor=factor,
        chi_square=chi_square,
        omnibus=omnibus,
        notes=tuple(notes),
        **known,
    )


def _pooling_notes(name: str, labels: list[Hashable], totals: list[int], pooled: int) -> list[str]:
    """What ``category_table`` did with the categories seen in fewer than ``MIN_CATEGORY_SIZE``
    reviews: pooled into one column ("other"), or left out when even pooled they are fewer.

    Why: a 0/1 indicator that is 1 for a single review has zero variance in every star group but
    one, so its ANOVA/Tukey statistic and its Pearson X² cell, (1 − E)²/E with E = n_star/N, are
    huge although an exact test could not call one review unusual (Fisher's p for one hit among
    N is n_star/N at best). One 1-star review from Japan among 200 from the United States made
    a product "suspicious". Pooled, the rare categories still count in every star level's total
    and in the chi-square as one column, but are not tested or named on their own. When the
    pooled column itself has fewer than ``MIN_CATEGORY_SIZE`` reviews its reviews leave this
    feature (the same reason applies to it)."""
    rare = [total < MIN_CATEGORY_SIZE for total in totals]
    if not any(rare):
        return []
    rare_labels = [label for label, is_rare in zip(labels, rare, strict=True) if is_rare]
    shown = ", ".join(str(label) for label in rare_labels[:5])
    shown += ", …" if len(rare_labels) > 5 else ""
    reviews = f"review{'s' if pooled != 1 else ''}"
    if pooled >= MIN_CATEGORY_SIZE:
        return [
            f"{len(rare_labels)} values of {feature(name).noun} seen in fewer than "
            f"{MIN_CATEGORY_SIZE} reviews each ({shown}) are pooled as one group of {pooled} "
            f"{reviews}"
        ]
    return [
        f"{pooled} {reviews} left out of {feature(name).noun}: "
        f"{'its value' if len(rare_labels) == 1 else 'their values'} ({shown}) "
        f"{'is' if len(rare_labels) == 1 else 'are'} seen in fewer than {MIN_CATEGORY_SIZE} reviews"
    ]


def _single_category(name: str, labels: list[Hashable]) -> str:
    shown = f" ({labels[0]})" if labels else ""
    noun = feature(name).noun.removeprefix("the ")
    return f"Every review compared has the same {noun}{shown}: nothing to compare"


def _categorical_chi_square(
    table: NDArray[np.int64],
) -> tuple[ChiSquareResult, tuple[int, int] | None]:
    """(the categorical omnibus test, the pooled table's shape or None): Pearson's X² of ``table``
    after ``pool_sparse`` (star levels and values with few expected reviews pooled until
    Cochran's rule holds); a sparse table pooled down to 2 × 2 gets Fisher's exact p and its
    χ²(1) equivalent X²_eq = χ²₁⁻¹(1 − p) (``detector.ero.sparse_table`` says why)."""
    table = np.ascontiguousarray(table, dtype=np.int64)
    statistics = categorical_kernel.chi_square(table, categorical_kernel.SQUARE)
    return _chi_square_result(table, int(table.sum()), statistics)


def _chi_square_result(
    table: NDArray[np.int64] | None,
    reviews: int,
    statistics: tuple[float, int, float, int, int, float],
) -> tuple[ChiSquareResult, tuple[int, int] | None]:
    """``_categorical_chi_square`` from ``categorical_kernel.chi_square``'s results on a table
    of ``reviews`` reviews: below ``EXACT_TOTAL`` the same floats, above it by
    ``_categorical_chi_square_lists`` (which needs the ``table``)."""
    if reviews >= categorical_kernel.EXACT_TOTAL:
        assert table is not None, "a table of 2**26 or more reviews is tested in Python"
        return _categorical_chi_square_lists(table)
    statistic, dof, low_share, pooled_rows, pooled_columns, fisher = statistics
    shape = (pooled_rows, pooled_columns) if pooled_rows else None
    if shape == (2, 2):
        return ChiSquareResult(float(special.chdtri(1, fisher)), fisher, 1, low_share), shape
    p = float(special.chdtrc(dof, statistic)) if dof else 1.0
    return ChiSquareResult(statistic, p, dof, low_share), shape


def _categorical_chi_square_lists(
    table: NDArray[np.int64],
) -> tuple[ChiSquareResult, tuple[int, int] | None]:
    """``_categorical_chi_square`` in Python on nested lists (exact integer division at any N;
    the reference the compiled kernel is tested against)."""
    cells = table.tolist()
    pooled = pool_cells(cells)
    if pooled is None:
        return _pearson(cells), None
    result = _pearson(pooled)
    shape = (len(pooled), len(pooled[0]))
    if shape == (2, 2):
        p = fisher_exact_2x2(pooled)
        result = ChiSquareResult(float(special.chdtri(1, p)), p, 1, result.low_expected_share)
    return result, shape


def _pooled_note(shape: tuple[int, ...], pooled: tuple[int, ...]) -> str:
    exact = "; Fisher's exact p" if pooled == (2, 2) else ""
    return (
        f"The chi-square pools star levels or values with few expected reviews (Cochran's rule: "
        f"every cell expects 1 or more, at most 20% fewer than 5): {shape[0]} × {shape[1]} → "
        f"{pooled[0]} × {pooled[1]}{exact}"
    )


def _pearson(cells: list[list[int]]) -> ChiSquareResult:
    """Pearson's X² of independence (no continuity correction, so it matches the calibration's
    model): E = row·col/N, X² = Σ (O − E)²/E, dof = (r − 1)(c − 1), p = P(χ²_dof ≥ X²) — what
    ``scipy.stats.chi2_contingency(table, correction=False)`` computes, without its per-call
    overhead (tests/detector/ero compare the two), on nested lists. Every row and column has a
    count. The categorical test's compiled ``categorical_kernel.chi_square`` does the same
    arithmetic on a table of fewer than ``EXACT_TOTAL`` reviews, this one above that (and as the
    reference it is tested against), after pooling (``_categorical_chi_square_lists``): on
    sparser tables the χ² tail is too light."""
    rows = [sum(row) for row in cells]
    columns = [sum(column) for column in zip(*cells, strict=True)]
    total = sum(rows)
    dof = (len(rows) - 1) * (len(columns) - 1)
    statistic, low = 0.0, 0
    for row_total, row in zip(rows, cells, strict=True):
        for column_total, observed in zip(columns, row, strict=True):
            expected = row_total * column_total / total
            statistic += (observed - expected) ** 2 / expected
            low += expected < 5.0
    if not dof:
        statistic = 0.0
    p = float(special.chdtrc(dof, statistic)) if dof else 1.0
    return ChiSquareResult(statistic, p, int(dof), low / (len(rows) * len(columns)))


LOG_FEATURES = ("text_length", "reviewer_review_count", "helpful_votes")
HOUR_BLOCK = 4


def transform_features(features: Mapping[str, ArrayLike]) -> dict[str, ArrayLike]:
    """The features as the model-tail calibration tests them (issue 13): text length, reviewer
    history and helpful votes as log(1 + x) (ANOVA on lognormal counts is swamped by a few long
    reviews), the hour of day in six 4-hour blocks 0, 4, …, 20 (24 categories spend 92 degrees
    of freedom on a clock that campaigns shift as a block). Other features as given."""
    out = dict(features)
    for name in LOG_FEATURES:
        if name in out:
            try:
                values = np.asarray(out[name], dtype=np.float64)
            except (TypeError, ValueError):
                continue  # not numbers: the test says so
            out[name] = np.log1p(np.maximum(values, 0.0))
    if "hour_of_day" in out:
        hours = np.asarray(out["hour_of_day"], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            out["hour_of_day"] = np.floor(hours / HOUR_BLOCK) * HOUR_BLOCK
    return out
