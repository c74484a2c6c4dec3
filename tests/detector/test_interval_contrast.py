"""The suspect change interval's contrast and the "marks together" lean (issue 13, held-out
seeds): checked against statsmodels (Mantel-Haenszel, the 2x2 log odds ratio), planted nulls and
planted campaigns, not against the code's own output."""

import numpy as np
import pytest
from scipy import stats

import detector
from detector.consistency.star_window import WindowContrast
from detector.leans import HISTORY_MARGIN, MARGIN_FLOOR, lean_p_values, lean_statistics
from detector.verdict import categorize

EPOCH = np.datetime64("2021-01-04T00:00:00", "s")  # a Monday


@pytest.mark.parametrize(
    ("interval", "category"),
    [
        (None, "highly_suspicious"),  # nothing to contrast: the rule before the contrast
        (0.0499, "highly_suspicious"),  # the interval's reviews unlike the same stars' others
        (0.05, "suspicious"),  # 0.05 itself is not "below 0.05"
        (0.6, "suspicious"),  # an interval like the others does not count; E < 0.05 alone does
    ],
)
def test_an_interval_needs_its_own_contrast_to_be_highly_suspicious(interval, category):
    assert categorize(0.2, 0.01, interval=interval) == category


def test_the_contrast_does_not_touch_the_other_rules():
    assert categorize(0.2, 0.001, interval=0.9) == "highly_suspicious"  # E alone below 0.002
    assert categorize(0.2, 0.2, interval=0.9) == "normal"  # an interval like the rest: no count
    assert categorize(0.2, 0.2, interval=0.01) == "suspicious"
    assert categorize(0.2, 0.5, interval=0.0) == "normal"  # never raises on its own
    assert categorize(0.0, 0.01, interval=0.0) == "suspicious"
    assert categorize(0.2, 0.01, interval=0.9, window=0.005) == "highly_suspicious"


def test_the_interval_contrast_of_one_mark_is_the_mantel_haenszel_z_of_statsmodels():
    from statsmodels.stats.contingency_tables import StratifiedTable

    rng = np.random.default_rng(3)
    n = 400
    stars = rng.choice(np.arange(1, 6), size=n, p=[0.1, 0.05, 0.1, 0.25, 0.5])
    verified = rng.random(n) < 0.85
    verified[150:200] = rng.random(50) < 0.4  # the stretch's reviews more often unverified
    days = EPOCH + (np.arange(n) * 86_400).astype("timedelta64[s]")  # one review a day
    contrast = WindowContrast.of(stars, days=days, verified=verified)
    p, z = contrast.p(150, 199)
    tables = []
    for s in range(1, 6):
        level = stars == s
        inside = level & (np.arange(n) >= 150) & (np.arange(n) <= 199)
        outside = level & ~inside
        tables.append(
            [
                [np.sum(inside & ~verified), np.sum(inside & verified)],
                [np.sum(outside & ~verified), np.sum(outside & verified)],
            ]
        )
    table = StratifiedTable(np.array(tables, dtype=float).transpose(1, 2, 0))
    chi2 = table.test_null_odds(correction=False).statistic
    assert z["unverified"] == pytest.approx(np.sqrt(chi2), rel=1e-9)
    # one review a day: the weekday contrast joins by Stouffer (marks' correlation 1 for one)
    total = z["unverified"] + z["weekday"]
    assert p == pytest.approx(stats.norm.sf(total / np.sqrt(2.0)), rel=1e-9)


def _product(rng, n, *, fakes=0, fake_star=5, change=False):
    """n honest reviews over 400 days (features independent of time given the star), optionally
    a genuine change of the star mix half-way, or ``fakes`` reviews of one star in 10 days from
    unverified one-review accounts posting at 3-5 h."""
    day = np.sort(rng.integers(0, 400, n))
    p_before = [0.1, 0.08, 0.15, 0.3, 0.37]
    p_after = [0.03, 0.02, 0.05, 0.2, 0.7] if change else p_before
    stars = np.where(
        day < 200,
        rng.choice(np.arange(1, 6), size=n, p=p_before),
        rng.choice(np.arange(1, 6), size=n, p=p_after),
    )
    hours = (20 + rng.normal(0, 3, n)) % 24
    verified = rng.random(n) < 0.88
    history = rng.negative_binomial(0.8, 0.8 / 12.8, n).astype(float)
    length = rng.lognormal(4.6, 0.9, n).round() + 1
    country = rng.choice(np.array(["US", "UK", "DE"]), size=n, p=[0.8, 0.1, 0.1])
    if fakes:
        day = np.concatenate([day, 150 + rng.integers(0, 10, fakes)])
        stars = np.concatenate([stars, np.full(fakes, fake_star)])
        hours = np.concatenate([hours, rng.uniform(3, 5, fakes)])
        verified = np.concatenate([verified, rng.random(fakes) < 0.2])
        history = np.concatenate([history, np.ones(fakes)])
        length = np.concatenate([length, rng.lognormal(3.8, 0.5, fakes).round() + 1])
        country = np.concatenate([country, np.full(fakes, "US")])
    seconds = day * 86_400 + (hours * 3600).astype(np.int64)
    return {
        "rating": stars,
        "posted_at": EPOCH + seconds.astype("timedelta64[s]"),
        "verified": verified,
        "reviewer_review_count": history,
        "text_length": length,
        "country": country,
    }


def test_genuine_changes_are_not_judged_highly_suspicious_for_their_interval_alone():
    rng = np.random.default_rng(11)
    highly = 0
    contrasted = 0
    for _ in range(30):
        verdict = detector.analyze(_product(rng, int(rng.integers(300, 900)), change=True))
        interval = verdict.evidence.interval
        if interval is not None:
            contrasted += 1
            highly += interval.p < 0.01
    assert contrasted >= 20  # the change forms an interval on most of them
    assert highly <= 2  # and its reviews look like the same stars' others (1% each)


def test_a_burst_of_doubtful_reviews_has_a_strong_interval_contrast():
    rng = np.random.default_rng(12)
    for fake_star in (5, 1):
        verdict = detector.analyze(_product(rng, 500, fakes=90, fake_star=fake_star))
        assert verdict.evidence.interval is not None
        assert verdict.evidence.interval.p < 1e-6
        assert verdict.category == "highly_suspicious"
        assert verdict.to_dict()["evidence"]["change_interval_contrast"]["p"] < 1e-6


def test_marks_together_is_the_within_star_log_odds_ratio_of_statsmodels():
    from statsmodels.stats.contingency_tables import Table2x2

    rng = np.random.default_rng(5)
    n = 600
    stars = rng.choice(np.arange(1, 6), size=n, p=[0.1, 0.05, 0.05, 0.2, 0.6])
    verified = rng.random(n) < 0.85
    history = rng.negative_binomial(0.8, 0.8 / 12.8, n).astype(float)
    found = lean_statistics(stars, history=history, verified=verified)
    for level in (5, 1):
        group = stars == level
        unverified, new = ~verified[group], history[group] <= 1
        table = np.array(
            [
                [np.sum(unverified & new), np.sum(unverified & ~new)],
                [np.sum(~unverified & new), np.sum(~unverified & ~new)],
            ],
            dtype=float,
        )
        reference = Table2x2(table + 0.5)
        assert found[f"together_{level}"].log_odds == pytest.approx(reference.log_oddsratio)
        assert found[f"together_{level}"].se == pytest.approx(reference.log_oddsratio_se)
    p = lean_p_values(stars, history=history, verified=verified)["marks_together"]
    margin = np.log(HISTORY_MARGIN)  # no calibration: the fixed margin
    one_sided = [
        stats.norm.sf((found[f"together_{s}"].log_odds - margin) / found[f"together_{s}"].se)
        for s in (5, 1)
    ]
    assert p == pytest.approx(min(1.0, 2 * min(one_sided)))


def test_marks_together_holds_its_rate_on_independent_marks_and_finds_a_slow_drip():
    from detector.leans import LeanCalibration, LeanMargin

    floor = LeanCalibration(
        {side: LeanMargin(np.log(MARGIN_FLOOR), 0.05) for side in ("together_5", "together_1")}
    )
    rng = np.random.default_rng(21)
    null_small, drip_small = 0, 0
    runs = 300
    for _ in range(runs):
        n = int(rng.integers(100, 2000))
        stars = rng.choice(np.arange(1, 6), size=n, p=[0.08, 0.04, 0.08, 0.2, 0.6])
        verified = rng.random(n) < rng.uniform(0.8, 0.95)
        history = rng.negative_binomial(0.8, 0.8 / 12.8, n).astype(float)
        found = lean_p_values(stars, history=history, verified=verified, calibration=floor)
        null_small += found["marks_together"] < 0.01
        # 15% more reviews: 5-star, 30% verified, from accounts with about one review
        k = int(0.15 * n / 0.85)
        drip_stars = np.concatenate([stars, np.full(k, 5)])
        drip_verified = np.concatenate([verified, rng.random(k) < 0.3])
        drip_history = np.concatenate([history, rng.negative_binomial(1.0, 0.5, k)])
        drip = lean_p_values(
            drip_stars, history=drip_history, verified=drip_verified, calibration=floor
        )
        drip_small += drip["marks_together"] < 0.01
    assert null_small / runs <= 0.02  # nominal 1%, against the floor OR 1.1
    assert drip_small / runs >= 0.6


def test_a_slow_drip_is_highly_suspicious_without_claiming_the_ratings_shifted():
    rng = np.random.default_rng(8)
    product = _product(rng, 600)
    k = 110  # 5-star fakes spread evenly over the product's life, both doubtful marks mostly
    day = rng.integers(0, 400, k)
    seconds = day * 86_400 + (rng.uniform(8, 16, k) * 3600).astype(np.int64)
    product = {
        "rating": np.concatenate([product["rating"], np.full(k, 5)]),
        "posted_at": np.concatenate([product["posted_at"], EPOCH + seconds.astype("m8[s]")]),
        "verified": np.concatenate([product["verified"], rng.random(k) < 0.3]),
        "reviewer_review_count": np.concatenate(
            [product["reviewer_review_count"], rng.integers(0, 2, k).astype(float)]
        ),
        "text_length": np.concatenate([product["text_length"], rng.lognormal(4.0, 0.7, k)]),
        "country": np.concatenate([product["country"], np.full(k, "US")]),
    }
    verdict = detector.analyze(product)
    assert verdict.evidence.lean_p["marks_together"] < 1e-4
    assert verdict.category == "highly_suspicious"
    assert verdict.pci == 0.0  # evenly spread: no change interval
    assert verdict.reasons[0].startswith("No stretch of ratings gives it away")
    assert "ratings shifted" not in verdict.reasons[0]


def test_large_honest_products_whose_stars_drift_stay_normal():
    """Thousands of honest reviews whose star mix drifts slowly, whose volume peaks every
    December, and whose features differ a little by star level as real ones do (longer 1-2-star
    texts, fewer verified 1-star purchases): the change law finds intervals (its exchangeable
    null does not hold), E is moderate at this size, but the intervals' reviews are written like
    the same stars' others, so they do not count: the issue's 85% normal, none highly."""
    rng = np.random.default_rng(17)
    order = ["normal", "suspicious", "highly_suspicious"]
    normal = intervals = 0
    runs = 12
    for _ in range(runs):
        n = int(rng.integers(3000, 6000))
        day = np.sort(rng.integers(0, 1100, n))
        december = ((day // 30) % 12 == 11) & (rng.random(n) < 0.5)
        day = np.sort(np.concatenate([day, day[december]]))
        n = day.size
        drift = 0.5 * np.sin(2 * np.pi * day / 1100 + rng.uniform(0, 6.3))
        stars = 1 + np.searchsorted(
            np.array([-1.2, -0.7, -0.1, 0.6]), 0.8 + drift + rng.standard_normal(n)
        )
        product = _product(rng, n)  # features drawn independently of time
        product["rating"] = stars
        product["verified"] = rng.random(n) < np.where(stars == 1, 0.80, 0.88)
        product["text_length"] = rng.lognormal(4.6 + 0.35 * (stars <= 2), 0.9).round() + 1
        seconds = day * 86_400 + ((20 + rng.normal(0, 3, n)) % 24 * 3600).astype(np.int64)
        product["posted_at"] = EPOCH + seconds.astype("m8[s]")
        verdict = detector.analyze(product)
        before = detector.analyze(product, params={"interval_contrast": 1.0})  # the old rule
        assert order.index(verdict.category) <= order.index(before.category)  # never raises
        assert verdict.category != "highly_suspicious"
        intervals += verdict.pci > 0
        normal += verdict.category == "normal"
    assert intervals >= runs // 2  # the drift does form change intervals
    assert normal >= 0.85 * runs
