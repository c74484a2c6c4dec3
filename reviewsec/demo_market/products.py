"""The demo shop's fixed products, simulated with ``detector.simulate``.

The catalogue is the same on every start (stable ASINs ``B0DEMO0001``…, fixed seeds): three honest
products, one with a genuine quality change, one boosted, one bad-mouthed and one with too few
reviews to judge; then five popular products of two sellers (Zentrix Direct, Halcyon Trading Co.)
that a paid-review pool works on, and two decoys of other sellers the pool rates honestly as
camouflage (``reviewsec.demo_market.pool``). ``DEMO_ROBOT_CHECK_ASIN`` is reserved for the
product whose page answers with a robot check; the demo market serves that page itself, so it
has no reviews here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from detector.simulate import SCENARIOS, Listing, SimulatedProduct
from reviewsec.demo_market.pool import PaidPool, plant_paid_pool
from reviewsec.demo_market.shoppers import with_regular_shoppers

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
_EARBUDS = _listing(
    "B0DEMO0011",
    "Zentrix Wireless Earbuds, Bluetooth 5.3, 40H Playtime, IPX5 Waterproof",
    "Zentrix",
    "Electronics › Headphones, Earbuds & Accessories › Earbud Headphones",
    25.99,
    39.99,
    ("Color: Black", "Color: White"),
    "earbuds",
)
_POWER_BANK = _listing(
    "B0DEMO0012",
    "Zentrix Power Bank 20000mAh, USB C PD 22.5W Fast Charging",
    "Zentrix",
    "Electronics › Portable Power Banks",
    29.99,
    None,
    ("Color: Black", "Color: Blue"),
    "power bank",
)
_SMART_PLUG = _listing(
    "B0DEMO0013",
    "Zentrix Smart Plug 4-Pack, WiFi Outlet, Works with Alexa and Google Home",
    "Zentrix",
    "Tools & Home Improvement › Electrical › Smart Plugs",
    21.99,
    27.99,
    ("Size: 4-Pack",),
    "smart plug",
)
_BAKING_MATS = _listing(
    "B0DEMO0014",
    "Halcyon Silicone Baking Mats, Set of 3, Non Stick, Reusable",
    "Halcyon",
    "Home & Kitchen › Kitchen & Dining › Bakeware › Baking Mats",
    15.99,
    None,
    ("Size: Half Sheet", "Size: Quarter Sheet"),
    "baking mat",
)
_CUTTING_BOARD = _listing(
    "B0DEMO0015",
    "Halcyon Bamboo Cutting Board Set with Juice Groove, 3 Pieces",
    "Halcyon",
    "Home & Kitchen › Kitchen & Dining › Kitchen Utensils & Gadgets › Cutting Boards",
    24.99,
    32.99,
    ("Style: 3-Piece Set",),
    "cutting board",
)
_HEADLAMP = _listing(
    "B0DEMO0016",
    "Brightpath LED Headlamp, Rechargeable, 1200 Lumens, Motion Sensor",
    "Brightpath",
    "Sports & Outdoors › Outdoor Recreation › Camping & Hiking › Lights & Lanterns › Headlamps",
    19.99,
    None,
    ("Color: Black", "Color: Orange"),
    "headlamp",
)
_PLANTERS = _listing(
    "B0DEMO0017",
    "Mossgrove Ceramic Planter Set of 3, with Drainage Holes and Saucers",
    "Mossgrove",
    "Patio, Lawn & Garden › Gardening & Lawn Care › Pots, Planters & Container Accessories",
    34.99,
    44.99,
    ("Color: White", "Color: Sage"),
    "planter",
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
    # The paid pool's five products (``pool.CAMPAIGN_ASINS``): popular enough that its 24 accounts
    # are 4-7% of each one's reviews (issue 17: "mostly on popular products where the fakes are a
    # small share"). The power bank's 280 rather than 270: at 270 its own reviews read as
    # "deflated" by reviewers' review counts, a rare misreading the demo should not teach.
    _DemoItem(_EARBUDS, "honest", 290, date(2023, 2, 6), 640),
    _DemoItem(_POWER_BANK, "honest", 280, date(2023, 4, 10), 600),
    _DemoItem(_SMART_PLUG, "honest", 260, date(2023, 1, 9), 660),
    _DemoItem(_BAKING_MATS, "honest", 280, date(2022, 12, 5), 700),
    _DemoItem(_CUTTING_BOARD, "honest", 250, date(2023, 3, 13), 620),
    _DemoItem(_HEADLAMP, "honest", 160, date(2023, 5, 1), 560),
    _DemoItem(_PLANTERS, "honest", 150, date(2022, 11, 14), 720),
)


DEMO_SEED = 7


def demo_catalogue(seed: int = DEMO_SEED) -> list[SimulatedProduct]:
    """The demo market's products (see :func:`demo_shop_stock`)."""
    return list(demo_shop_stock(seed)[0])


def demo_paid_pool(seed: int = DEMO_SEED) -> PaidPool:
    """What the paid pool planted in the demo shop: its ground truth."""
    return demo_shop_stock(seed)[1]


@lru_cache(maxsize=2)
def demo_shop_stock(seed: int = DEMO_SEED) -> tuple[tuple[SimulatedProduct, ...], PaidPool]:
    """The demo market's products, identical for the same ``seed`` (ASINs do not depend on it).

    ``DEMO_SEED`` is chosen so that each demo product shows its scenario's *usual* verdict: the
    demo teaches what the page means, and a product from the detector's misses would teach the
    wrong thing. The misses are real and measured on a population, not hidden:
    ``benchmarks/eval_detection.py`` reports, e.g., the share of boosts that go unnoticed (five-star
    fakes on a product whose own mean is already about 4.5 move the CUSUM by only 0.15 a review).
    ``tests/demo_market/test_demo_products.py`` pins the demo verdicts so a detector change that
    moves them is seen.
    """
    products = [
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
    nouns = {item.listing.asin: item.listing.noun for item in _CATALOGUE}
    planted, pool = plant_paid_pool(with_regular_shoppers(products, seed), nouns, seed)
    return tuple(planted), pool
