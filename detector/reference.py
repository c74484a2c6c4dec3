"""The reference model: what a product is compared with (DESIGN §3.2, §3.3).

Both halves of the verdict judge a product against a population of reference products: the CvT
line gives its CUSUM threshold h_d, and the ERO calibration says how unusual its rating groups'
differences are. ``ReferenceModel`` holds both, fitted from the same products, so one JSON object
(stored by the Django app, or shipped as ``detector/data/default_reference_model.json``) is all
``detector.analyze`` needs. A model without a calibration (``ReferenceModel.cvt_only``: a bare CvT
line) shows every ERO feature as a signal outside the verdict.

**Refinement of the CvT intercept (DESIGN §3.4 needs it).** The paper's line h = a0 + a1·c runs
through the *middle* of a PCI contour, so about half of all honest reference products still show a
change interval at their own h_d — and the verdict rule calls every product with an interval and
an imperfect ERO score suspicious. Here the slope a1 is the paper's (pooled over the contour levels)
but the intercept is raised (or lowered) so that the line lies above the PCI = 0 contour of a
share ``1 − false_alarm_rate`` of the reference products:

    M_i = max_n max(g⁺_i[n], g⁻_i[n])           (PCI_i(h) = 0 exactly when h ≥ M_i)
    a0  = the (1 − false_alarm_rate)-quantile of  M_i − a1·c_i,

with c_i the C-index product i gets as a new product. At the default rate 0.1, 90% of reference
products have no change interval at their threshold: the consistency test becomes a control chart
with a known false-alarm rate, like a CUSUM chosen for its average run length.

Regenerate the packaged default (seeded, simulated honest products)::

    python -m detector.reference --fit [--products 300] [--seed 20250101]
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from detector.consistency import DEFAULT_H0, DEFAULT_NU, cusum, cvt, pci_grid
from detector.ero import (
    EROCalibration,
    FeatureCalibration,
    OmnibusStatistic,
    analyze_ero,
)
from detector.ero.calibration import DEFAULT_MIN_REFERENCE, combine_evidence, tail_p_values
from detector.leans import LeanCalibration, LeanStatistic, lean_statistics
from detector.prepare import MIN_REVIEWS, PreparedReviews, prepare_reviews

__all__ = [
    "DEFAULT_FALSE_ALARM_RATE",
    "DEFAULT_VERDICT_FEATURES",
    "SCHEMA",
    "ReferenceEvidence",
    "ReferenceModel",
    "default_reference_model",
    "fit_reference",
    "fit_reference_evidence",
    "reference_evidence",
]

SCHEMA = "reviewsec.reference/1"
DEFAULT_FALSE_ALARM_RATE = 0.1
DEFAULT_TRIM = 0.05
# Helpful votes are left out of the verdict: they grow with a review's age, so any product whose
# stars drift over time shows "unequal" votes, and campaigns barely move them (they stay a signal).
DEFAULT_VERDICT_FEATURES = (
    "day_of_week",
    "hour_of_day",
    "text_length",
    "country",
    "verified",
    "reviewer_review_count",
)
DEFAULT_MODEL_FILE = "default_reference_model.json"
_SHUFFLE_SEED = 20_250_101
_TRIM_EFFECTS = 200


class HasArrays(Protocol):
    def to_arrays(self) -> Mapping[str, ArrayLike | None]: ...


@dataclass(frozen=True)
class ReferenceModel:
    """A CvT threshold model and an ERO calibration fitted from the same reference products."""

    threshold_model: cvt.ThresholdModel
    calibration: EROCalibration | None
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE
    verdict_features: tuple[str, ...] = DEFAULT_VERDICT_FEATURES
    source: str = ""
    version: str = "1"
    # The contamination-tolerant fit (``fit_reference``): the products set aside as manipulated
    # (their sample ids, or "#i" for the i-th product given), the rounds to the fixed point and
    # the evidence below which a product was set aside.
    set_aside: tuple[str, ...] = ()
    rounds: int = 0
    trim: float | None = None
    # The honest law of each star-group lean (``detector.leans``), fitted on the members; None:
    # the fixed margins.
    leans: LeanCalibration | None = None

    @classmethod
    def cvt_only(cls, threshold_model: cvt.ThresholdModel) -> ReferenceModel:
        """A bare CvT line without an ERO calibration: no ERO feature decides the verdict."""
        return cls(threshold_model=threshold_model, calibration=None)

    @property
    def reference_products(self) -> int:
        if self.calibration is None:
            return len(self.threshold_model.reference_pci)
        return self.calibration.reference_products

    def threshold_for(self, x: ArrayLike) -> tuple[float, int]:
        """(h_d, C-index) for a product's ratings in arrival order."""
        return self.threshold_model.threshold_for(x)

    def contours(self) -> dict[str, Any]:
        """What the page's contour chart of PCI over (C-index, threshold) needs."""
        return self.threshold_model.contours()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, and ``from_dict(to_dict())`` gives back an equal model."""
        return {
            "schema": SCHEMA,
            "version": self.version,
            "source": self.source,
            "reference_products": self.reference_products,
            "false_alarm_rate": self.false_alarm_rate,
            "verdict_features": list(self.verdict_features),
            "threshold_model": self.threshold_model.to_dict(),
            "ero_calibration": None if self.calibration is None else self.calibration.to_dict(),
            "set_aside": list(self.set_aside),
            "rounds": self.rounds,
            "trim": self.trim,
            "leans": None if self.leans is None else self.leans.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReferenceModel:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not a reference model ({SCHEMA}): schema {data.get('schema')!r}")
        calibration = data["ero_calibration"]
        return cls(
            threshold_model=cvt.ThresholdModel.from_dict(data["threshold_model"]),
            calibration=None if calibration is None else EROCalibration.from_dict(calibration),
            false_alarm_rate=float(data["false_alarm_rate"]),
            verdict_features=tuple(str(name) for name in data["verdict_features"]),
            source=str(data.get("source", "")),
            version=str(data.get("version", "1")),
            set_aside=tuple(str(x) for x in data.get("set_aside", ())),
            rounds=int(data.get("rounds", 0)),
            trim=None if data.get("trim") is None else float(data["trim"]),
            leans=None if data.get("leans") is None else LeanCalibration.from_dict(data["leans"]),
        )


def fit_reference(
    products: Iterable[Mapping[str, Any] | HasArrays],
    *,
    h0: float = DEFAULT_H0,
    nu: float = DEFAULT_NU,
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE,
    verdict_features: Sequence[str] = DEFAULT_VERDICT_FEATURES,
    min_reviews: int = MIN_REVIEWS,
    robust: bool = False,
    sample_ids: Sequence[str] = (),
    source: str = "",
    version: str = "1",
    calibration: str = "tail",
    trim: float = DEFAULT_TRIM,
    max_rounds: int = 20,
) -> ReferenceModel:
    """Fit the CvT line and the ERO calibration on the same reference products.

    ``products``: review arrays as ``detector.analyze`` takes them (or objects with
    ``to_arrays()``, such as simulated products). Products with fewer than ``min_reviews``
    reviews are skipped (their CUSUM and tests say little). Only ``verdict_features`` are
    calibrated; the others stay signals outside the verdict.

    **Contamination (issue 13).** With ``calibration="tail"`` (the default) the ERO calibration is
    the model tail of ``detector.ero.calibration`` (lower-quantile location and scale, floor-free
    p-values, Fisher evidence) fitted to a fixed point: members = every product; repeat {fit on
    the members; E_j, the combined calibrated evidence of every product; members = {E_j ≥
    ``trim``}} until the member set stops changing (≤ ``max_rounds``). What was set aside is
    recorded in the model (``set_aside``, ``rounds``). Lower quantiles are what a minority of
    campaigns moves least, and the trim removes what remains: on a half-manipulated file the
    decisions stay within a few products of a clean file's. ``calibration="sum"`` is the schema /1
    calibration (the sum over reference effects), trimmed only with ``robust=True``.

    ``robust=True`` also fits the CvT line (used only with ``threshold="cvt"``) on each member's
    ratings shuffled: for reference sets that may hold genuine changes (a file's own products, a
    sample of the database).
    """
    if not 0.0 < false_alarm_rate < 1.0:
        raise ValueError(f"false_alarm_rate must lie strictly between 0 and 1: {false_alarm_rate}")
    evidence = reference_evidence(
        products,
        verdict_features=verdict_features,
        min_reviews=min_reviews,
        calibration=calibration,
    )
    return fit_reference_evidence(
        evidence,
        h0=h0,
        nu=nu,
        false_alarm_rate=false_alarm_rate,
        verdict_features=verdict_features,
        min_reviews=min_reviews,
        robust=robust,
        sample_ids=sample_ids,
        source=source,
        version=version,
        calibration=calibration,
        trim=trim,
        max_rounds=max_rounds,
    )


@dataclass(frozen=True)
class ReferenceEvidence:
    """What ``fit_reference`` reads of one product with ``min_reviews``+ reviews: its position
    among the products given, its stars in arrival order, the omnibus statistic of each testable
    verdict feature and its star-group leans. Computed product by product
    (``reference_evidence``), so a caller may compute it in several processes and join the
    lists in order (``python -m detector`` does)."""

    position: int
    ratings: NDArray[np.int64]
    statistics: Statistics
    leans: dict[str, LeanStatistic]


def reference_evidence(
    products: Iterable[Mapping[str, Any] | HasArrays],
    *,
    verdict_features: Sequence[str] = DEFAULT_VERDICT_FEATURES,
    min_reviews: int = MIN_REVIEWS,
    calibration: str = "tail",
    first_position: int = 0,
) -> list[ReferenceEvidence]:
    """The evidence of each product with ``min_reviews``+ reviews, in order (positions counted
    from ``first_position``)."""
    if calibration not in ("tail", "sum"):
        raise ValueError(f"calibration must be 'tail' or 'sum', got {calibration!r}")
    wanted = set(verdict_features)
    evidence = []
    for index, product in enumerate(products, start=first_position):
        arrays = product.to_arrays() if hasattr(product, "to_arrays") else product
        prepared = prepare_reviews(arrays)
        if prepared.ratings.size >= min_reviews:
            statistics = _omnibus_statistics(prepared, wanted, log_scaled=calibration == "tail")
            leans = _lean_statistics(prepared)
            evidence.append(ReferenceEvidence(index, prepared.ratings, statistics, leans))
    return evidence


def fit_reference_evidence(
    evidence: Sequence[ReferenceEvidence],
    *,
    h0: float = DEFAULT_H0,
    nu: float = DEFAULT_NU,
    false_alarm_rate: float = DEFAULT_FALSE_ALARM_RATE,
    verdict_features: Sequence[str] = DEFAULT_VERDICT_FEATURES,
    min_reviews: int = MIN_REVIEWS,
    robust: bool = False,
    sample_ids: Sequence[str] = (),
    source: str = "",
    version: str = "1",
    calibration: str = "tail",
    trim: float = DEFAULT_TRIM,
    max_rounds: int = 20,
) -> ReferenceModel:
    """``fit_reference`` from the products' evidence (``reference_evidence``, in order)."""
    if not 0.0 < false_alarm_rate < 1.0:
        raise ValueError(f"false_alarm_rate must lie strictly between 0 and 1: {false_alarm_rate}")
    if calibration not in ("tail", "sum"):
        raise ValueError(f"calibration must be 'tail' or 'sum', got {calibration!r}")
    if len(evidence) < 2:
        raise ValueError(
            f"a reference model needs at least two products with {min_reviews}+ reviews, "
            f"got {len(evidence)}"
        )
    ids = [str(sample_ids[e.position]) for e in evidence if len(sample_ids) > e.position]
    positions = [e.position for e in evidence]
    tail = calibration == "tail"
    statistics = [e.statistics for e in evidence]
    rounds = 0
    if tail:
        members, rounds = fixed_point_members(statistics, trim=trim, max_rounds=max_rounds)
    else:
        members = robust_members(statistics) if robust else list(range(len(evidence)))
    inside = set(members)
    set_aside = tuple(
        ids[i] if len(ids) == len(evidence) else f"#{positions[i]}"
        for i in range(len(evidence))
        if i not in inside
    )
    if len(members) < 2:
        raise ValueError("fewer than two reference products are left after trimming")
    series: list[NDArray[np.float64]] = [evidence[i].ratings.astype(np.float64) for i in members]
    if robust:  # each product's own ratings in a seeded random order: no change left in time
        series = [
            np.random.default_rng([_SHUFFLE_SEED, i]).permutation(x) for i, x in enumerate(series)
        ]
    member_ids = [ids[i] for i in members] if len(ids) == len(evidence) else []
    threshold_model = cvt.fit(series, h0=h0, nu=nu, sample_ids=member_ids)
    threshold_model = raise_to_false_alarm_rate(threshold_model, series, false_alarm_rate)
    member_statistics = [statistics[i] for i in members]
    return ReferenceModel(
        threshold_model=threshold_model,
        calibration=_tail_calibration(member_statistics)
        if tail
        else _calibration(member_statistics),
        false_alarm_rate=float(false_alarm_rate),
        verdict_features=tuple(verdict_features),
        source=source,
        version=version,
        set_aside=set_aside,
        rounds=rounds,
        trim=float(trim) if tail else None,
        leans=LeanCalibration.fit([evidence[i].leans for i in members]),
    )


def _lean_statistics(prepared: PreparedReviews) -> dict[str, LeanStatistic]:
    """A reference product's star-group leans (``detector.leans``), from the file's
    ``reviewer_review_count`` as ``detector.analyze`` reads it without a graph fit."""
    counts = prepared.features.get("reviewer_review_count")
    history = (
        np.full(prepared.ratings.size, np.nan)
        if counts is None
        else np.asarray(counts, dtype=np.float64)
    )
    verified = prepared.features.get("verified")
    flags = verified if verified is not None and verified.dtype == np.bool_ else None
    return lean_statistics(prepared.ratings, history=history, verified=flags)


def raise_to_false_alarm_rate(
    model: cvt.ThresholdModel, series: Sequence[NDArray[np.float64]], false_alarm_rate: float
) -> cvt.ThresholdModel:
    """The model with a0 set so a share ``false_alarm_rate`` of ``series`` alarms at h_d.

    See the module docstring: M_i is the smallest threshold with no alarm, c_i the C-index the
    product gets, and a0 the (1 − rate)-quantile of M_i − a1·c_i ("higher" method: at least that
    share is covered, never fewer).
    """
    excursions = np.array(
        [
            max(g.max() for g in cusum(x, float(x.mean()), model.nu, check_ratings=False))
            for x in series
        ]
    )
    pci_h0 = np.array(
        [pci_grid(x, [model.h0], nu=model.nu, check_ratings=False)[0] for x in series]
    )
    c_index = np.array([model.c_index_for(float(p)) for p in pci_h0])
    residual = excursions - model.a1 * c_index
    a0 = float(np.quantile(residual, 1.0 - false_alarm_rate, method="higher"))
    return replace(model, a0=a0)


Statistics = dict[str, OmnibusStatistic]


def _omnibus_statistics(
    prepared: PreparedReviews, wanted: set[str], *, log_scaled: bool = False
) -> Statistics:
    """The omnibus statistic of every testable verdict feature (what the calibration fits)."""
    features = {name: values for name, values in prepared.features.items() if name in wanted}
    result = analyze_ero(
        prepared.ratings, features, check_ratings=False, log_scaled=log_scaled, pairs=False
    )
    return {
        f.name: f.omnibus
        for f in result.features
        if f.omnibus is not None and math.isfinite(f.omnibus.value)
    }


def _calibration(statistics: Sequence[Statistics]) -> EROCalibration:
    """``fit_calibration`` from statistics already computed (the same fit, without re-testing)."""
    by_feature: dict[str, list[OmnibusStatistic]] = {}
    for product in statistics:
        for name, statistic in product.items():
            by_feature.setdefault(name, []).append(statistic)
    return EROCalibration(
        features={name: FeatureCalibration.fit(found) for name, found in by_feature.items()},
        reference_products=len(statistics),
    )


def _tail_calibration(statistics: Sequence[Statistics]) -> EROCalibration:
    """The model-tail calibration of ``detector.ero.calibration`` (schema /2) on ``statistics``:
    per feature the statistics of its most common kind, effects shrunk as for schema /1, then
    location and scale from their lower quantiles; features under ``min_reference`` products are
    left out (uncalibrated)."""
    by_feature: dict[str, list[OmnibusStatistic]] = {}
    for product in statistics:
        for name, statistic in product.items():
            by_feature.setdefault(name, []).append(statistic)
    features = {}
    for name, found in by_feature.items():
        kinds = [s.kind for s in found]
        kind = max(sorted(set(kinds)), key=kinds.count)
        found = [s for s in found if s.kind == kind]
        if len(found) < DEFAULT_MIN_REFERENCE:
            continue
        features[name] = FeatureCalibration.fit(found).with_tail()
    return EROCalibration(features=features, reference_products=len(statistics), method="tail")


def evidence_values(
    calibration: EROCalibration, statistics: Sequence[Statistics]
) -> list[float | None]:
    """Each product's combined calibrated evidence E (Fisher over its calibrated features, as
    ``analyze_ero`` computes ``satisfaction`` with a tail calibration); None: no feature."""
    per_product: list[list[float]] = [[] for _ in statistics]
    for name, feature in calibration.features.items():
        rows = [
            i
            for i, product in enumerate(statistics)
            if name in product and product[name].kind == feature.statistic
        ]
        if not rows or feature.location is None or feature.scale is None:
            continue
        found = [statistics[i][name] for i in rows]
        p = tail_p_values(
            feature.location,
            feature.scale,
            feature.statistic,
            [s.value for s in found],
            [s.df1 for s in found],
            [s.df2 for s in found],
            [s.reviews for s in found],
        )
        for i, value in zip(rows, p.tolist(), strict=True):
            per_product[i].append(value)
    return [combine_evidence(ps) for ps in per_product]


def fixed_point_members(
    statistics: Sequence[Statistics], *, trim: float = 0.05, max_rounds: int = 20
) -> tuple[list[int], int]:
    """(members, rounds): the fixed point of fit → set aside E < ``trim`` → refit (see
    ``fit_reference``). Stops early if fewer than ``DEFAULT_MIN_REFERENCE`` would remain."""
    members = list(range(len(statistics)))
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 (the count is returned)
        calibration = _tail_calibration([statistics[i] for i in members])
        evidence = evidence_values(calibration, statistics)
        kept = [i for i, e in enumerate(evidence) if e is None or e >= trim]
        if kept == members or len(kept) < DEFAULT_MIN_REFERENCE:
            break
        members = kept
    return members, rounds


def robust_members(
    statistics: Sequence[Statistics], trim_below: float = 0.1, max_rounds: int = 20
) -> list[int]:
    """The reference products left after trimming those the calibration itself calls unequal.

    Manipulated products in a reference set widen the spread of the ERO effects until other
    manipulated products look ordinary. So: fit the calibration, drop every product whose ERO
    satisfaction (Bonferroni over its calibrated features, as in ``detector.ero``) is below
    ``trim_below`` (the verdict's highly-suspicious cut-off), refit on the rest, and repeat until
    the set stops changing. On honest products this drops about the few percent that fall below
    0.1 by chance, which narrows the reference a little; on a set with a quarter manipulated
    products it removes nearly all of them. The CvT side is made robust separately, by fitting on
    each product's ratings shuffled (a change in time cannot survive a shuffle).
    """
    members = list(range(len(statistics)))
    for _ in range(max_rounds):
        calibration = _thinned(_calibration([statistics[i] for i in members]))
        satisfaction = satisfactions(calibration, statistics)
        kept = [int(i) for i in np.flatnonzero(satisfaction >= trim_below)]
        if kept == members or len(kept) < 2:
            break
        members = kept
    return members


def _thinned(calibration: EROCalibration, size: int = _TRIM_EFFECTS) -> EROCalibration:
    """The calibration with each feature's effects cut to ``size`` evenly spaced quantiles.

    Only for the trimming decisions: a calibrated p-value costs one noncentral-F tail per
    reference effect, and each round asks for one per product and feature (n² in all); the
    quantiles keep the effects' distribution, and the final calibration uses every effect.
    """
    features = {}
    for name, feature in calibration.features.items():
        effects = np.sort(np.asarray(feature.effects))
        if effects.size > size:
            effects = effects[np.linspace(0, effects.size - 1, size).round().astype(int)]
        features[name] = replace(feature, effects=tuple(effects.tolist()))
    return replace(calibration, features=features)


def satisfactions(
    calibration: EROCalibration, statistics: Sequence[Statistics]
) -> NDArray[np.float64]:
    """Each product's ERO satisfaction min(1, m · min p) over its m calibrated features.

    The same numbers as ``analyze_ero(..., calibration=calibration).satisfaction`` (1 where no
    feature is calibrated), from the statistics alone and with one noncentral tail evaluation per
    feature for all products at once, as ``FeatureCalibration.calibrated_p`` computes them one by
    one: p = (1 + Σ_j P(T' ≥ T | λ = N·e_j)) / (n + 1).
    """
    best = np.ones(len(statistics))
    counted = np.zeros(len(statistics))
    for name, feature in calibration.features.items():
        rows = [
            i
            for i, product in enumerate(statistics)
            if name in product and product[name].kind == feature.statistic
        ]
        if not rows or len(feature.effects) < calibration.min_reference:
            continue
        p_values = _calibrated_p_values(feature, [statistics[i][name] for i in rows])
        best[rows] = np.minimum(best[rows], p_values)
        counted[rows] += 1
    return np.where(counted > 0, np.minimum(1.0, counted * best), 1.0)


def _calibrated_p_values(
    feature: FeatureCalibration, found: Sequence[OmnibusStatistic]
) -> NDArray[np.float64]:
    value = np.array([s.value for s in found])[:, None]
    df1 = np.array([s.df1 for s in found], dtype=np.float64)[:, None]
    df2 = np.array([s.df2 for s in found], dtype=np.float64)[:, None]
    noncentrality = np.array([s.reviews for s in found])[:, None] * np.asarray(feature.effects)
    central = noncentrality == 0.0  # scipy's noncentral tails are wrong at exactly λ = 0
    shifted = np.where(central, 1.0, noncentrality)
    if feature.statistic == "chi_square":
        tails = np.where(central, stats.chi2.sf(value, df1), stats.ncx2.sf(value, df1, shifted))
    else:
        tails = np.where(
            central, stats.f.sf(value, df1, df2), stats.ncf.sf(value, df1, df2, shifted)
        )
    tails = np.clip(np.nan_to_num(tails, nan=0.0), 0.0, 1.0)
    p_values: NDArray[np.float64] = (1.0 + tails.sum(axis=1)) / (tails.shape[1] + 1.0)
    return p_values


@lru_cache(maxsize=1)
def default_reference_model() -> ReferenceModel:
    """The packaged model, fitted on simulated honest products (see the module docstring)."""
    text = resources.files("detector").joinpath("data", DEFAULT_MODEL_FILE).read_text("utf-8")
    return ReferenceModel.from_dict(json.loads(text))


def _fit_default(products: int, seed: int) -> ReferenceModel:
    from detector.simulate import iter_population

    population = iter_population(products, seed=seed, mix={"honest": 1.0})
    source = f"{products} simulated honest products (detector.simulate, seed {seed})"
    return fit_reference(population, source=source, version=f"sim-{seed}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m detector.reference", description="Fit the packaged default model."
    )
    parser.add_argument("--fit", action="store_true", required=True)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20250101)
    default_out = Path(__file__).parent / "data" / DEFAULT_MODEL_FILE
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args(argv)
    model = _fit_default(args.products, args.seed)
    args.out.write_text(json.dumps(model.to_dict(), separators=(",", ":")) + "\n", "utf-8")
    threshold = model.threshold_model
    print(
        f"wrote {args.out}: {model.source}; h = {threshold.a0:.3f} + {threshold.a1:.4f}·c; "
        f"{model.reference_products} members, {len(model.set_aside)} set aside, "
        f"{model.rounds} rounds"
    )


if __name__ == "__main__":
    main()
