"""The star window (``detector.consistency.star_window``, issue 13: camouflaged campaigns).

Each piece against an independent reference: the CUSUM's largest excursion and its stretch
against a brute-force maximum over all stretches, the stratified contrast against statsmodels'
Cochran–Mantel–Haenszel test, the pooled correlation against numpy on star-centred residuals,
the weekday contrast against a Poisson GLM (statsmodels) with the days as exposure; then the
whole test on planted data: honest products (features independent of time) at or below the
nominal rate, a genuine step in the star mix not flagged, a camouflaged window flagged.
"""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import StratifiedTable

from detector.consistency.kernel import (
    stratified_contrasts,
    top_excursion,
    within_star_correlation_sum,
)
from detector.consistency.star_window import _Calendar, star_window
from detector.direction import direction, excess_by_feature
from detector.verdict import categorize


def test_the_largest_excursion_is_the_best_stretch_by_brute_force():
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.normal(0.0, 1.0, 80)
        x[30:45] += 1.0
        top, start, end = top_excursion(x, 0.0, 0.25)
        steps = x - 0.25
        sums = np.concatenate([[0.0], np.cumsum(steps)])
        best, where = 0.0, None
        for i in range(80):
            for j in range(i, 80):
                if sums[j + 1] - sums[i] > best + 1e-12:
                    best, where = sums[j + 1] - sums[i], (i, j)
        assert top == pytest.approx(best)
        assert float(sums[end + 1] - sums[start]) == pytest.approx(best)
        assert where is not None and end == where[1]


def test_the_stratified_contrast_is_the_cochran_mantel_haenszel_statistic():
    rng = np.random.default_rng(5)
    n = 400
    stars = rng.integers(0, 5, n)
    mark = (rng.random(n) < 0.2 + 0.05 * stars).astype(np.int8)
    mark[rng.random(n) < 0.1] = -1  # unknown
    start, end = 120, 219
    mark[start:end] = np.where(
        mark[start:end] >= 0, np.maximum(mark[start:end], rng.random(end - start) < 0.3), -1
    )
    (z,) = stratified_contrasts(stars, mark[None, :], start, end)
    known = mark >= 0
    inside = np.zeros(n, dtype=bool)
    inside[start : end + 1] = True
    tables = []
    for s in range(5):
        sel = known & (stars == s)
        m, w = mark[sel] == 1, inside[sel]
        tables.append([[np.sum(w & m), np.sum(w & ~m)], [np.sum(~w & m), np.sum(~w & ~m)]])
    reference = StratifiedTable(np.array(tables, dtype=float).transpose(1, 2, 0))
    chi2 = reference.test_null_odds(correction=False).statistic
    assert z * z == pytest.approx(chi2, rel=1e-9)
    assert z > 0  # more marked reviews in the window


def test_the_pooled_correlation_matches_numpy_on_star_centred_residuals():
    rng = np.random.default_rng(8)
    n = 500
    stars = rng.integers(0, 5, n)
    a = rng.random(n) < 0.3
    b = np.where(rng.random(n) < 0.6, a, rng.random(n) < 0.5)
    c = rng.random(n) < 0.1 + 0.1 * stars
    rows = np.array([a, b, c], dtype=np.int8)
    centred = []
    for row in rows.astype(float):
        means = np.array([row[stars == s].mean() for s in range(5)])
        centred.append(row - means[stars])
    expected = np.corrcoef(np.array(centred)).sum()
    assert within_star_correlation_sum(stars, rows) == pytest.approx(expected, rel=1e-9)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # a saturated GLM: no residual df
@pytest.mark.filterwarnings("ignore:Perfect separation")
def test_the_weekday_contrast_is_the_poisson_interaction_with_days_as_exposure():
    rng = np.random.default_rng(2)
    days = np.arange(140) + 18_000  # 20 weeks
    per_day = rng.poisson(3.0, days.size)
    weekend = (days + 3) % 7 >= 5
    window = (days >= 18_050) & (days < 18_092)
    per_day[window & weekend] = rng.poisson(0.5, int((window & weekend).sum()))
    calendar = _Calendar.of(np.repeat(days, per_day))
    z = calendar.weekday_z(18_050, 18_091)
    cells, exposure, w_col, e_col = [], [], [], []
    for inside in (True, False):
        for end in (True, False):
            sel = (window == inside) & (weekend == end)
            cells.append(per_day[sel].sum())
            exposure.append(sel.sum())
            w_col.append(float(inside))
            e_col.append(float(end))
    design = np.column_stack([np.ones(4), w_col, e_col, np.array(w_col) * np.array(e_col)])
    fit = sm.GLM(
        np.array(cells), design, family=sm.families.Poisson(), exposure=np.array(exposure)
    ).fit()
    wald = fit.params[3] / fit.bse[3]
    assert z == pytest.approx(-wald / math.sqrt(calendar.dispersion), rel=1e-6)
    assert z > 2  # the window's weekends are quiet


def test_the_weekday_dispersion_is_the_pearson_chi2_of_weekly_levels_and_a_weekend_ratio():
    """φ against statsmodels: a Poisson GLM with one level per 7-day block and a weekend effect,
    Pearson χ² / residual df; a product whose level falls and rises (launch, season) keeps its
    within-week φ near 1, which the whole life's variance-to-mean ratio is far above."""
    rng = np.random.default_rng(5)
    days = np.arange(18_000, 18_000 + 7 * 30 + 3)  # 30 whole blocks and three days after
    level = 2.0 + 12.0 * np.exp(-np.arange(days.size) / 40.0) + 6.0 * (np.arange(days.size) > 150)
    weekend = (days + 3) % 7 >= 5
    per_day = rng.poisson(level * np.where(weekend, 1.4, 1.0))
    per_day[7 * 12 : 7 * 13] = 0  # a block without reviews: no level to fit, left out
    calendar = _Calendar.of(np.repeat(days, per_day))
    whole = 7 * 30
    block = np.repeat(np.arange(30), 7)
    used = np.bincount(block, weights=per_day[:whole]) > 0
    rows = used[block]
    levels = np.eye(30)[block][rows][:, used]
    design = np.column_stack([levels, weekend[:whole][rows].astype(float)])
    fit = sm.GLM(per_day[:whole][rows], design, family=sm.families.Poisson()).fit()
    assert calendar.dispersion == pytest.approx(max(1.0, fit.pearson_chi2 / fit.df_resid), 1e-9)
    assert calendar.dispersion < 1.5
    assert per_day.var() / per_day.mean() > 2.5  # the old whole-life ratio


def _product(rng, n=500, days=540, window=None, step=None):
    """Stars i.i.d. from a J-shaped mix, features independent of time given the star; with
    ``window`` = (first day, share) a camouflaged campaign: extra 4/5-star reviews on the
    weekdays of 60 days, 35% unverified against 10%; with ``step`` a genuine change of the
    star mix half-way (no feature moves)."""
    mix = np.array([0.1, 0.05, 0.08, 0.17, 0.6])
    day = np.sort(rng.integers(0, days, n)) + 18_000
    stars = rng.choice(np.arange(1, 6), n, p=mix)
    if step:
        later = day >= 18_000 + days // 2
        stars[later] = rng.choice(np.arange(1, 6), int(later.sum()), p=[0.02, 0.02, 0.06, 0.3, 0.6])
    unverified = rng.random(n) < np.where(stars == 1, 0.15, 0.1)
    history = rng.negative_binomial(0.8, 0.06, n).astype(float)
    hours = np.floor(rng.normal(20, 3, n) % 24)
    if window is not None:
        first, share = window
        k = int(share * n)
        fake_day = first + 18_000 + rng.integers(0, 60, k)
        fake_day = np.where((fake_day + 3) % 7 >= 5, fake_day - 2, fake_day)
        day = np.concatenate([day, fake_day])
        stars = np.concatenate([stars, np.where(rng.random(k) < 0.45, 4, 5)])
        unverified = np.concatenate([unverified, rng.random(k) < 0.35])
        history = np.concatenate([history, rng.negative_binomial(1, 1 / 7, k).astype(float)])
        hours = np.concatenate([hours, np.floor(rng.normal(13, 3, k) % 24)])
        order = np.argsort(day, kind="stable")
        day, stars, unverified, history, hours = (
            a[order] for a in (day, stars, unverified, history, hours)
        )
    return dict(
        ratings=stars,
        days=day.astype("datetime64[D]"),
        verified=~unverified,
        history=history,
        hours=hours,
    )


def _window(product):
    """The star window of a ``_product`` (None when none is tested)."""
    return star_window(
        product["ratings"],
        days=product["days"],
        verified=product["verified"],
        history=product["history"],
        hours=product["hours"],
    )


def _p(product):
    found = _window(product)
    return 1.0 if found is None else found.p


def test_honest_products_and_genuine_changes_are_at_or_below_the_nominal_rate():
    rng = np.random.default_rng(13)
    honest = np.array([_p(_product(rng)) for _ in range(200)])
    changed = np.array([_p(_product(rng, step=True)) for _ in range(100)])
    assert np.mean(honest < 0.05) <= 0.06 and np.mean(honest < 0.01) <= 0.015
    assert np.mean(changed < 0.05) <= 0.08 and np.mean(changed < 0.01) <= 0.02


def test_a_camouflaged_window_is_found_and_its_reviews_set_apart():
    rng = np.random.default_rng(21)
    ps = []
    for _ in range(40):
        product = _product(rng, window=(250, 0.25))
        found = _window(product)
        assert found is not None
        ps.append(found.p)
    ps = np.array(ps)
    assert np.mean(ps < 0.01) >= 0.65 and np.median(ps) < 1e-3


def test_the_star_window_raises_the_category_as_the_rule_says():
    assert categorize(0.0, 1.0, window=0.0099) == "highly_suspicious"
    assert categorize(0.0, 1.0, window=0.01) == "suspicious"
    assert categorize(0.0, 1.0, window=0.0299) == "suspicious"
    assert categorize(0.0, 1.0, window=0.03) == "normal"
    assert categorize(0.2, 0.01, window=0.5) == "highly_suspicious"  # never lowers
    assert categorize(None, 1.0, window=0.0) == "insufficient_data"


def test_direction_without_the_window_and_from_a_camouflaged_cell():
    from detector.consistency.star_window import StarWindow

    stars = np.array([3.0] * 50 + [5.0] * 20 + [3.0] * 30)
    d = direction(stars, window=StarWindow("top", 50, 69, 0.001, 0.001, p=0.002))
    assert d.direction == "inflated" and d.adjusted_rating == pytest.approx(3.0)
    assert d.source == "star_window"
    # Honest reviews 60% 5-star; the fakes (a cell of their own, "abroad") 45/55 4- and 5-star:
    # the fakes' excess is of both levels, and without them the rating is lower.
    honest = [1] * 10 + [2] * 5 + [3] * 8 + [4] * 17 + [5] * 60
    fakes = [4] * 18 + [5] * 22
    ratings = np.array(honest * 3 + fakes)
    country = np.array(["home"] * 300 + ["abroad"] * 40)
    excess = excess_by_feature(ratings, country, True)
    assert excess[3] > 0 and excess[4] > 0 and excess[:3].sum() == 0
    found = direction(ratings.astype(float), feature=("country", country, True))
    assert found.direction == "inflated"


def test_the_clock_contrast_is_the_generalized_cmh_statistic():
    """One star level: Q = (N − 1)/N · Pearson's χ² of the window × block table (scipy), read
    as z = Φ⁻¹(1 − p) with (blocks − 1) degrees of freedom; with several star levels Q is the
    sum over levels of nothing simpler, so the one-level identity is the reference."""
    from scipy import stats

    from detector.consistency.star_window import _Clock

    rng = np.random.default_rng(4)
    n = 600
    stars = np.full(n, 5)
    hours = np.floor(rng.normal(20, 3, n) % 24)
    start, end = 200, 299
    hours[start : end + 1] = np.floor(rng.normal(13, 3, end - start + 1) % 24)
    clock = _Clock.of(stars, hours)
    z = clock.z(start, end)
    blocks = (hours // 4).astype(int)
    inside = np.zeros(n, dtype=bool)
    inside[start : end + 1] = True
    table = np.array(
        [np.bincount(blocks[inside], minlength=6), np.bincount(blocks[~inside], minlength=6)]
    )
    table = table[:, table.sum(axis=0) > 0]
    chi2, _, dof, _ = stats.chi2_contingency(table, correction=False)
    q = chi2 * (n - 1) / n
    assert z == pytest.approx(stats.norm.isf(stats.chi2.sf(q, dof)), rel=1e-6)
    assert z > 5


def test_the_window_holds_whole_days():
    rng = np.random.default_rng(30)
    product = _product(rng, window=(250, 0.25))
    found = _window(product)
    day = product["days"]
    assert found is not None
    assert found.start == 0 or day[found.start - 1] < day[found.start]
    assert found.end == day.size - 1 or day[found.end + 1] > day[found.end]
