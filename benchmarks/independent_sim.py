"""An evaluation generator written independently of ``detector.simulate`` (issue 13).

Nothing here is taken from ``detector/simulate``: other star models, other arrival processes,
other feature laws.  Every product is seeded by (seed, scenario, index), so products can be made
one at a time in any order.  ``make_product`` returns a plain dict of arrays (what
``detector.analyze`` takes) plus ``truth``.

Honest reviews
  * stars: per product either a Dirichlet mix around a J-shaped base, or an ordinal-probit model
    (latent quality q_p ~ N(m, s), per-review noise N(0, 1), product-specific cut-points); plus a
    slow AR(1) drift of the latent quality (products are not perfectly stationary).
  * arrivals: daily discrete Hawkes process, baseline μ_d = μ·weekly(d)·life(d)·season(d),
    self-excitation α·Σ_k β·e^{−β(d−k)}·N_k (α 0.2–0.5).  Weekly profile peaks on weekends;
    large products also get an annual (December) peak.
  * posting clock: a per-country local evening peak (wrapped normal around 20 h, sd 3.5 h) → UTC.
  * text length: lognormal, log-mean 4.6 + 0.35·[1–2 stars] + 0.15·[3 stars], sd 0.9.
  * verified: per product rate Beta-drawn in ≈ 0.80–0.95, a little lower on 1-star reviews.
  * reviewer history: NegBin(mean 12, r 0.8), helpful votes Poisson(age_days/200·(1+|r−3|/2)).
Fake reviews get their own laws per scenario (see ``_attack_specs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

SCENARIOS = (
    "honest_small",
    "honest_large",
    "honest_viral",
    "genuine_change",
    "launch_boost",
    "slow_drip",
    "camouflage",
    "boost5",
    "badmouth1",
    "badmouth2",
    "incentivised",
)
HONEST = ("honest_small", "honest_large", "honest_viral")
ATTACKS = (
    "launch_boost",
    "slow_drip",
    "camouflage",
    "boost5",
    "badmouth1",
    "badmouth2",
    "incentivised",
)
COUNTRIES = np.array(["US", "UK", "DE", "CA", "IN", "FR", "JP", "AU"])
UTC_OFFSET = {"US": -6, "UK": 0, "DE": 1, "CA": -5, "IN": 5, "FR": 1, "JP": 9, "AU": 10}
EPOCH = np.datetime64("2019-01-07T00:00:00", "s")  # a Monday


def _rng(seed: int, scenario: str, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, SCENARIOS.index(scenario) + 101, index])


# ----------------------------------------------------------------------------- stars
@dataclass
class StarModel:
    kind: str
    probs: np.ndarray | None = None  # Dirichlet kind
    quality: float = 0.0  # probit kind
    cuts: np.ndarray | None = None

    def draw(self, rng: np.random.Generator, n: int, shift: np.ndarray | float = 0.0) -> np.ndarray:
        shift = np.broadcast_to(np.asarray(shift, dtype=float), (n,))
        if self.kind == "dirichlet":
            # a latent shift moves mass up/down via a tilt of the probabilities
            out = np.empty(n, dtype=np.int64)
            stars = np.arange(1, 6)
            for s in np.unique(np.round(shift, 2)):
                sel = np.flatnonzero(np.round(shift, 2) == s)
                w = self.probs * np.exp(1.2 * s * (stars - 3))
                out[sel] = rng.choice(stars, size=sel.size, p=w / w.sum())
            return out
        latent = self.quality + shift + rng.standard_normal(n)
        return 1 + np.searchsorted(self.cuts, latent)


def _star_model(rng: np.random.Generator, target_mean: float | None = None) -> StarModel:
    if target_mean is not None or rng.random() < 0.5:
        cuts = np.sort(np.array([-1.3, -0.8, -0.25, 0.45]) + rng.normal(0, 0.12, 4))
        if target_mean is None:
            quality = rng.normal(0.55, 0.45)
        else:
            quality = _quality_for_mean(cuts, target_mean)
        return StarModel("probit", quality=quality, cuts=cuts)
    base = np.array([0.07, 0.04, 0.08, 0.21, 0.60])
    return StarModel("dirichlet", probs=rng.dirichlet(base * rng.uniform(8, 40)) + 1e-4)


def _probit_mean(cuts: np.ndarray, q: float) -> float:
    from scipy.stats import norm

    cdf = np.concatenate([[0.0], norm.cdf(cuts - q), [1.0]])
    return float(np.sum(np.arange(1, 6) * np.diff(cdf)))


def _quality_for_mean(cuts: np.ndarray, mean: float) -> float:
    lo, hi = -4.0, 4.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _probit_mean(cuts, mid) < mean else (lo, mid)
    return (lo + hi) / 2


# ----------------------------------------------------------------------------- arrivals
def _weekly(rng: np.random.Generator) -> np.ndarray:
    w = np.array([0.9, 0.85, 0.9, 0.95, 1.0, 1.35, 1.3]) * rng.uniform(0.9, 1.1, 7)
    return w / w.mean()


def _daily_counts(
    rng: np.random.Generator,
    days: int,
    target: int,
    seasonal: bool,
    surge: tuple[int, int, float] | None,
) -> np.ndarray:
    d = np.arange(days)
    weekly = _weekly(rng)[(d + 0) % 7]
    life = np.exp(-d / rng.uniform(0.6, 3.0) / days) * (1 - np.exp(-(d + 1) / 20))
    season = (
        1
        + (0.8 * np.exp(-0.5 * ((d % 365 - 345) / 12) ** 2) + 0.25 * np.cos(2 * np.pi * d / 365))
        * seasonal
    )
    base = weekly * life * np.maximum(season, 0.2)
    if surge is not None:
        start, length, factor = surge
        base = base.copy()
        base[start : start + length] *= factor
    alpha, beta = rng.uniform(0.2, 0.5), rng.uniform(0.3, 0.8)
    mu = base * target * (1 - alpha) / base.sum()
    counts = np.zeros(days, dtype=np.int64)
    excite = 0.0
    for k in range(days):
        lam = mu[k] + alpha * beta * excite
        counts[k] = rng.poisson(lam)
        excite = excite * np.exp(-beta) + counts[k]
    return counts


def _times_from_counts(
    rng: np.random.Generator,
    counts: np.ndarray,
    country: np.ndarray,
    hour_peak: float = 20.0,
    hour_sd: float = 3.5,
) -> np.ndarray:
    day = np.repeat(np.arange(counts.size), counts)
    offs = np.array([UTC_OFFSET[c] for c in country]) if country.size else np.zeros(0)
    local = (rng.normal(hour_peak, hour_sd, day.size)) % 24
    seconds = (
        day * 86400 + ((local - offs) * 3600).astype(np.int64) + rng.integers(0, 3600, day.size)
    )
    return EPOCH + seconds.astype("timedelta64[s]")


# ----------------------------------------------------------------------------- features
def _honest_features(
    rng: np.random.Generator, stars: np.ndarray, main_country: str, verified_rate: float
) -> dict[str, np.ndarray]:
    n = stars.size
    p = np.full(COUNTRIES.size, 0.15 / (COUNTRIES.size - 1))
    p[list(COUNTRIES).index(main_country)] = 0.85
    country = rng.choice(COUNTRIES, size=n, p=p)
    logmean = 4.6 + 0.35 * (stars <= 2) + 0.15 * (stars == 3)
    text = np.maximum(1, np.round(rng.lognormal(logmean, 0.9))).astype(float)
    v_rate = np.where(stars == 1, verified_rate - 0.06, verified_rate)
    verified = rng.random(n) < v_rate
    history = rng.negative_binomial(0.8, 0.8 / (0.8 + 12), n).astype(float)
    return {
        "country": country,
        "text_length": text,
        "verified": verified,
        "reviewer_review_count": history,
    }


@dataclass
class AttackSpec:
    stars: tuple[float, ...]  # probabilities of 1..5
    share: tuple[float, float]
    window: str  # "launch", "burst", "drip", "two_months", "month"
    text_logmean: float | None  # None: honest lengths
    text_sd: float
    verified: float
    history_mean: float
    hour_peak: float
    hour_sd: float
    weekdays_only: bool
    country: str | None  # None: product's own mix


def _attack_specs() -> dict[str, AttackSpec]:
    return {
        "launch_boost": AttackSpec(
            (0, 0, 0, 0.15, 0.85),
            (0.20, 0.40),
            "launch",
            3.9,
            0.7,
            0.35,
            1.5,
            14.0,
            5.0,
            False,
            None,
        ),
        "slow_drip": AttackSpec(
            (0, 0, 0, 0.05, 0.95), (0.10, 0.20), "drip", 4.0, 0.7, 0.30, 1.0, 12.0, 5.0, False, None
        ),
        "camouflage": AttackSpec(
            (0, 0, 0, 0.45, 0.55),
            (0.15, 0.30),
            "two_months",
            None,
            0.9,
            0.70,
            6.0,
            13.0,
            3.5,
            True,
            None,
        ),
        "boost5": AttackSpec(
            (0, 0, 0, 0, 1.0), (0.15, 0.30), "burst", 3.8, 0.6, 0.30, 1.0, 4.0, 3.0, False, "IN"
        ),
        "badmouth1": AttackSpec(
            (1.0, 0, 0, 0, 0), (0.15, 0.30), "burst", 4.2, 0.7, 0.25, 1.0, 3.0, 3.0, False, None
        ),
        "badmouth2": AttackSpec(
            (0.15, 0.85, 0, 0, 0),
            (0.15, 0.30),
            "burst",
            4.2,
            0.7,
            0.30,
            1.5,
            10.0,
            4.0,
            False,
            None,
        ),
        "incentivised": AttackSpec(
            (0, 0, 0, 0.25, 0.75),
            (0.15, 0.30),
            "month",
            6.0,
            0.5,
            0.03,
            40.0,
            19.0,
            3.5,
            False,
            None,
        ),
    }


# ----------------------------------------------------------------------------- products
def make_product(scenario: str, index: int, seed: int = 13) -> dict[str, Any]:
    """One product: arrays for ``detector.analyze`` plus ``truth`` (scenario, fake mask, ...)."""
    rng = _rng(seed, scenario, index)
    if scenario == "honest_small":
        n_target, days = int(rng.integers(30, 81)), int(rng.integers(120, 720))
    elif scenario == "honest_large":
        n_target, days = int(rng.integers(2000, 6001)), int(rng.integers(500, 1400))
    else:
        n_target, days = (
            int(np.exp(rng.uniform(np.log(150), np.log(1500)))),
            int(rng.integers(200, 900)),
        )
    main_country = rng.choice(COUNTRIES, p=[0.55, 0.12, 0.1, 0.08, 0.06, 0.04, 0.03, 0.02])
    verified_rate = float(np.clip(rng.beta(18, 2.5), 0.80, 0.95))

    surge = None
    if scenario == "honest_viral":
        surge = (
            int(rng.integers(days // 5, days // 2)),
            int(rng.integers(7, 22)),
            float(rng.uniform(8, 20)),
        )
    seasonal = scenario == "honest_large" or rng.random() < 0.3
    spec = _attack_specs().get(scenario)
    fake_share = float(rng.uniform(*spec.share)) if spec else 0.0
    n_honest_target = max(20, round(n_target * (1 - fake_share)))
    lo, hi = {"honest_small": (30, 80), "honest_large": (2000, 6000)}.get(scenario, (120, 2000))
    lo_h, hi_h = int(lo * (1 - fake_share)) + 1, int(hi * (1 - fake_share))
    for _ in range(200):  # the Hawkes total is random: redraw until the size is in range
        counts = _daily_counts(rng, days, n_honest_target, seasonal, surge)
        if lo_h <= counts.sum() <= hi_h:
            break
    # honest reviewers' country first (clock depends on it)
    n = int(counts.sum())
    if n < 2:
        counts[0] += 2
        n = int(counts.sum())
    if scenario == "genuine_change":
        before, after = _star_model(rng, rng.uniform(3.0, 3.4)), None
        after = StarModel(
            "probit",
            quality=_quality_for_mean(before.cuts, rng.uniform(4.2, 4.6)),
            cuts=before.cuts,
        )
        model = before
    else:
        model = _star_model(rng)
    drift = np.cumsum(rng.normal(0, 0.015, n))
    drift = 0.3 * drift / max(1.0, np.abs(drift).max())  # bounded slow drift
    shift = drift.copy()
    if surge is not None:
        day_of = np.repeat(np.arange(days), counts)
        in_surge = (day_of >= surge[0]) & (day_of < surge[0] + surge[1])
        shift = shift - 0.15 * in_surge
    stars = model.draw(rng, n, shift)
    change_at = None
    if scenario == "genuine_change":
        change_at = int(n * rng.uniform(0.3, 0.7))
        stars[change_at:] = after.draw(rng, n - change_at, shift[change_at:])
    feats = _honest_features(rng, stars, str(main_country), verified_rate)
    posted = _times_from_counts(rng, counts, feats["country"])
    fake = np.zeros(n, dtype=bool)

    if spec is not None:
        n_fake = max(3, round(fake_share / (1 - fake_share) * n))
        f = _fake_block(rng, spec, n_fake, days, feats, str(main_country))
        posted = np.concatenate([posted, f.pop("posted_at")])
        stars = np.concatenate([stars, f.pop("rating")])
        for key in feats:
            feats[key] = np.concatenate([feats[key], f[key]])
        fake = np.concatenate([fake, np.ones(n_fake, dtype=bool)])
    order = np.argsort(posted, kind="stable")
    age_days = (
        (EPOCH + np.timedelta64(days + 30, "D") - posted).astype("timedelta64[D]").astype(float)
    )
    helpful = rng.poisson(np.maximum(age_days, 0) / 200 * (1 + np.abs(stars - 3) / 2))
    out = {
        "rating": stars[order].astype(np.int64),
        "posted_at": posted[order],
        "text_length": feats["text_length"][order],
        "country": feats["country"][order],
        "verified": feats["verified"][order],
        "helpful_votes": helpful[order].astype(float),
        "reviewer_review_count": feats["reviewer_review_count"][order],
    }
    out["truth"] = {
        "scenario": scenario,
        "index": index,
        "fake": fake[order],
        "fake_share": float(fake.mean()),
        "direction": _direction(scenario),
        "honest_mean": float(stars[~fake].mean()),
        "change_at": change_at,
    }
    return out


def _direction(scenario: str) -> str | None:
    if scenario in ("badmouth1", "badmouth2"):
        return "down"
    if scenario in ATTACKS:
        return "up"
    return None


def _fake_block(
    rng: np.random.Generator,
    spec: AttackSpec,
    k: int,
    days: int,
    honest: dict[str, np.ndarray],
    main_country: str,
) -> dict[str, np.ndarray]:
    stars = rng.choice(np.arange(1, 6), size=k, p=np.array(spec.stars) / sum(spec.stars))
    if spec.window == "launch":
        start, length = 0, int(rng.integers(14, 36))
    elif spec.window == "drip":
        start, length = 0, days
    elif spec.window == "two_months":
        start, length = int(rng.integers(days // 6, max(days // 6 + 1, days - 60))), 60
    elif spec.window == "month":
        start, length = int(rng.integers(days // 6, max(days // 6 + 1, days - 30))), 30
    else:  # burst
        start, length = (
            int(rng.integers(days // 5, max(days // 5 + 1, int(days * 0.8)))),
            int(rng.integers(7, 22)),
        )
    length = max(1, min(length, days - start))
    if spec.window == "drip":  # a few every week, evenly
        weeks = max(1, length // 7)
        per_week = np.full(weeks, k // weeks)
        per_week[: k - per_week.sum()] += 1
        day = np.concatenate([7 * w + rng.integers(0, 7, c) for w, c in enumerate(per_week)])
    else:
        day = start + rng.integers(0, length, k)
    if spec.weekdays_only:
        dow = day % 7  # EPOCH is Monday
        day = np.where(dow >= 5, day - (dow - 4), day)
    if spec.country is None:
        country = rng.choice(honest["country"], size=k)
    else:
        country = np.full(k, spec.country)
    offs = np.array([UTC_OFFSET[c] for c in country])
    local = rng.normal(spec.hour_peak, spec.hour_sd, k) % 24
    seconds = day * 86400 + ((local - offs) * 3600).astype(np.int64) + rng.integers(0, 3600, k)
    posted = EPOCH + seconds.astype("timedelta64[s]")
    if spec.text_logmean is None:
        logmean = 4.6 + 0.35 * (stars <= 2) + 0.15 * (stars == 3)
        text = rng.lognormal(logmean, spec.text_sd)
    else:
        text = rng.lognormal(spec.text_logmean, spec.text_sd, k)
    verified = rng.random(k) < spec.verified
    history = rng.negative_binomial(1.0, 1.0 / (1.0 + spec.history_mean), k).astype(float)
    return {
        "rating": stars.astype(np.int64),
        "posted_at": posted,
        "text_length": np.maximum(1, np.round(text)).astype(float),
        "country": country,
        "verified": verified,
        "reviewer_review_count": history,
    }


def scenario_products(scenario: str, count: int = 40, seed: int = 13) -> list[dict[str, Any]]:
    return [make_product(scenario, i, seed) for i in range(count)]


def contaminated_file(
    count: int = 200, seed: int = 977, attacked_share: float = 0.5
) -> list[dict[str, Any]]:
    """A reference file where ``attacked_share`` of the products carry a campaign (all kinds)."""
    rng = np.random.default_rng([seed, 5])
    out = []
    for i in range(count):
        if rng.random() < attacked_share:
            scenario = ATTACKS[int(rng.integers(len(ATTACKS)))]
        else:
            scenario = (
                "honest_small",
                "honest_large",
                "honest_viral",
                "genuine_change",
                "honest_mid",
            )[int(rng.integers(5))]
            if scenario == "honest_mid":
                scenario = (
                    "honest_viral"
                    if rng.random() < 0.3
                    else "genuine_change"
                    if rng.random() < 0.1
                    else "honest_small"
                )
        out.append(make_product(scenario, 10_000 + i, seed))
    return out


def clean_file(count: int = 200, seed: int = 977) -> list[dict[str, Any]]:
    rng = np.random.default_rng([seed, 6])
    return [make_product(HONEST[int(rng.integers(3))], 20_000 + i, seed) for i in range(count)]


def arrays(product: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in product.items() if k != "truth"}
