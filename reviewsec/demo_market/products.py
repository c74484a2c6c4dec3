"""The demo shop's fixed products, simulated with ``detector.simulate``.

The catalogue is the same on every start (stable ASINs ``B0DEMO0001``…, fixed seeds): three honest
products, one with a genuine quality change, one boosted, one bad-mouthed and one with too few
reviews to judge. ``DEMO_ROBOT_CHECK_ASIN`` is reserved for the product whose page answers with
a robot check; the demo market serves that page itself, so it has no reviews here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from detector.simulate import SCENARIOS, Listing, SimulatedProduct

DEMO_ROBOT_CHECK_ASIN = "B0DEMO0099"


@dataclass(frozen=True)
class _DemoItem:
    listing: Listing
    scenario: str
    n_reviews: int
    start: date
    life_days: int
    params: dict[str, object] = field(default_factory=dict)


def _listing(
    asin: str,
    title: str,
    brand: str,
    category: str,
    price: float,
    list_price: float | None,
    variants: tuple[str, ...],
    noun: str,
) -> Listing:
    return Listing(asin, asin, title, brand, category, price, list_price, variants, noun)


_LAMP = _listing(
    "B0DEMO0001",
    "Lumora Bamboo Desk Lamp, Dimmable, with USB Charging Port",
    "Lumora",
    "Tools & Home Improvement › Lighting & Ceiling Fans › Lamps & Shades › Desk Lamps",
    32.99,
    45.99,
    ("Color: Natural Wood", "Color: Black"),
    "lamp",
)
_SKILLET = _listing(
    "B0DEMO0002",
    "Nordvik Cast Iron Skillet 12 Inch, Pre-Seasoned, Oven Safe",
    "Nordvik",
    "Home & Kitchen › Kitchen & Dining › Cookware › Skillets",
    29.99,
    None,
    ("Size: 10 Inch", "Size: 12 Inch"),
    "skillet",
)
_YOGA_MAT = _listing(
    "B0DEMO0003",
    "Tidewell Non Slip Yoga Mat 1/4 Inch, Extra Thick, with Carrying Strap",
    "Tidewell",
    "Sports & Outdoors › Exercise & Fitness › Yoga › Yoga Mats",
    24.99,
    34.99,
    ("Color: Purple", "Color: Teal", "Color: Black"),
    "mat",
)
_CHARGER = _listing(
    "B0DEMO0004",
    "Veloce 65W USB C Charger, GaN Charger Block, Foldable Plug",
    "Veloce",
    "Electronics › Computers & Accessories › Chargers & Adapters",
    27.99,
    None,
    ("Color: White",),
    "charger",
)
_SERUM = _listing(
    "B0DEMO0005",
    "Emberly Vitamin C Serum for Face, with Vitamin E, Fragrance Free",
    "Emberly",
    "Beauty & Personal Care › Skin Care › Face › Serums",
    17.99,
    29.99,
    ("Size: 1 Fl Oz", "Size: 2 Fl Oz"),
    "serum",
)
_GRINDER = _listing(
    "B0DEMO0006",
    "Oakhaven Electric Burr Coffee Grinder, 18 Grind Settings",
    "Oakhaven",
    "Home & Kitchen › Kitchen & Dining › Coffee, Tea & Espresso › Coffee Grinders",
    49.99,
    59.99,
    ("Color: Black", "Color: Silver"),
    "grinder",
)
_PENS = _listing(
    "B0DEMO0007",
    "Quillon Fountain Pen Set, Fine Point, Assorted Colors",
    "Quillon",
    "Office Products › Office & School Supplies › Writing & Correction Supplies › Pens",
    14.99,
    None,
    ("Style: Assorted",),
    "pen set",
)
_CATALOGUE = (
    _DemoItem(_LAMP, "honest", 240, date(2022, 9, 12), 760),
    _DemoItem(_SKILLET, "honest", 320, date(2021, 11, 2), 1040),
    _DemoItem(_YOGA_MAT, "honest", 180, date(2023, 1, 16), 620),
    _DemoItem(
        _CHARGER,
        "genuine_change",
        300,
        date(2022, 3, 7),
        900,
        {"direction": "down", "change_fraction": 0.55, "severity": 0.9},
    ),
    _DemoItem(
        _SERUM,
        "boost",
        260,
        date(2022, 6, 20),
        820,
        {"fake_share": 0.25, "window_days": 5, "attack_start": date(2023, 5, 8)},
    ),
    _DemoItem(
        _GRINDER,
        "badmouth",
        220,
        date(2022, 10, 3),
        700,
        {"fake_share": 0.22, "window_days": 4, "attack_start": date(2023, 11, 20)},
    ),
    _DemoItem(_PENS, "tiny", 12, date(2024, 2, 5), 150),
)


DEMO_SEED = 7


def demo_catalogue(seed: int = DEMO_SEED) -> list[SimulatedProduct]:
    """The demo market's products, identical for the same ``seed`` (ASINs do not depend on it).

    ``DEMO_SEED`` is chosen so that each demo product shows its scenario's *usual* verdict: the
    demo teaches what the page means, and a product from the detector's misses would teach the
    wrong thing. The misses are real and measured on a population, not hidden:
    ``benchmarks/eval_detection.py`` reports, e.g., the share of boosts that go unnoticed (five-star
    fakes on a product whose own mean is already about 4.5 move the CUSUM by only 0.15 a review).
    ``tests/demo_market/test_demo_products.py`` pins the demo verdicts so a detector change that
    moves them is seen.
    """
    return [
        SCENARIOS[item.scenario](
            np.random.default_rng([seed, index]),
            listing=item.listing,
            n_reviews=item.n_reviews,
            start=item.start,
            life_days=item.life_days,
            **item.params,
        )
        for index, item in enumerate(_CATALOGUE)
    ]
