"""Product listings (title, brand, category, price, variants) and Amazon-shaped identifiers."""

from dataclasses import dataclass

import numpy as np

from .draws import random_ids


@dataclass(frozen=True)
class Listing:
    """What the product page says about a product; ``noun`` is how reviewers refer to it."""

    asin: str
    parent_asin: str
    title: str
    brand: str
    category: str
    price: float
    list_price: float | None
    variants: tuple[str, ...]
    noun: str


@dataclass(frozen=True)
class _Kind:
    category: str
    noun: str
    names: tuple[str, ...]
    features: tuple[str, ...]
    variants: tuple[str, ...]
    median_price: float


_KINDS = (
    _Kind(
        "Electronics › Headphones, Earbuds & Accessories › Earbud Headphones",
        "earbuds",
        ("Wireless Earbuds", "Bluetooth 5.3 Earbuds", "Noise Cancelling Earbuds"),
        ("40H Playtime", "IPX7 Waterproof", "with Charging Case", "Deep Bass"),
        ("Color: Black", "Color: White", "Color: Navy Blue"),
        34.99,
    ),
    _Kind(
        "Home & Kitchen › Kitchen & Dining › Cookware › Skillets",
        "skillet",
        ("Cast Iron Skillet 12 Inch", "Nonstick Frying Pan 10 Inch", "Stainless Steel Skillet"),
        ("Pre-Seasoned", "Oven Safe", "Induction Compatible", "PFOA Free"),
        ("Size: 10 Inch", "Size: 12 Inch"),
        29.99,
    ),
    _Kind(
        "Electronics › Computers & Accessories › Chargers & Adapters",
        "charger",
        ("65W USB C Charger", "Fast Wall Charger 3-Port", "GaN Charger Block"),
        ("Foldable Plug", "for Laptop and Phone", "PD 3.0", "Compact Design"),
        ("Color: White", "Color: Black"),
        24.99,
    ),
    _Kind(
        "Beauty & Personal Care › Skin Care › Face › Serums",
        "serum",
        ("Vitamin C Serum", "Hyaluronic Acid Serum", "Retinol Night Serum"),
        ("for Face", "with Vitamin E", "Fragrance Free", "1 fl oz"),
        ("Size: 1 Fl Oz", "Size: 2 Fl Oz"),
        18.99,
    ),
    _Kind(
        "Home & Kitchen › Kitchen & Dining › Coffee, Tea & Espresso › Coffee Grinders",
        "grinder",
        ("Electric Burr Coffee Grinder", "Conical Burr Grinder", "Blade Coffee Grinder"),
        ("18 Grind Settings", "Stainless Steel", "for Espresso and Drip", "One Touch"),
        ("Color: Black", "Color: Silver"),
        49.99,
    ),
    _Kind(
        "Tools & Home Improvement › Lighting & Ceiling Fans › Lamps & Shades › Desk Lamps",
        "lamp",
        ("LED Desk Lamp", "Bamboo Desk Lamp", "Architect Desk Lamp"),
        ("Dimmable", "with USB Charging Port", "Eye-Caring", "5 Color Modes"),
        ("Color: Black", "Color: White", "Color: Natural Wood"),
        32.99,
    ),
    _Kind(
        "Sports & Outdoors › Exercise & Fitness › Yoga › Yoga Mats",
        "mat",
        ("Yoga Mat 1/4 Inch", "Non Slip Exercise Mat", "TPE Yoga Mat"),
        ("with Carrying Strap", "Extra Thick", "Eco Friendly", "72 x 24 Inch"),
        ("Color: Purple", "Color: Black", "Color: Teal"),
        26.99,
    ),
    _Kind(
        "Pet Supplies › Dogs › Beds & Furniture › Beds",
        "dog bed",
        ("Orthopedic Dog Bed", "Calming Donut Dog Bed", "Washable Dog Bed"),
        ("for Large Dogs", "Removable Cover", "Waterproof Lining", "Non-Skid Bottom"),
        ("Size: Medium", "Size: Large", "Size: X-Large"),
        44.99,
    ),
    _Kind(
        "Toys & Games › Building Toys › Building Sets",
        "building set",
        ("Building Blocks Set 500 Pieces", "Magnetic Tiles 100 PCS", "STEM Building Kit"),
        ("for Kids 6+", "Creative Gift", "with Storage Box", "Compatible with Major Brands"),
        ("Style: Classic",),
        39.99,
    ),
    _Kind(
        "Office Products › Office & School Supplies › Writing & Correction Supplies › Pens",
        "pen set",
        ("Gel Pens 24 Pack", "Fountain Pen Set", "Fine Point Pens"),
        ("Quick Dry Ink", "Smooth Writing", "Assorted Colors", "0.5 mm"),
        ("Style: Black Ink", "Style: Assorted"),
        12.99,
    ),
)
_BRANDS = (
    "Lumora", "Nordvik", "Brightpath", "Veloce", "Oakhaven", "Zentro", "Hollis & Pike",
    "Aurelio", "Quillon", "Tidewell", "Ferrow", "Pinecrest", "Sundial Home", "Marlowe",
    "Kestrel", "Ardent", "Bellwyn", "Corvo", "Driftline", "Emberly",
)  # fmt: skip


def random_listing(rng: np.random.Generator) -> Listing:
    """A plausible listing: brand, title from the kind's names and selling points, price, variants.

    Prices are log-normal around the kind's median; 40% of products show a higher list price.
    """
    kind = _KINDS[rng.integers(len(_KINDS))]
    brand = _BRANDS[rng.integers(len(_BRANDS))]
    features = rng.choice(len(kind.features), size=2, replace=False)
    title = f"{brand} {kind.names[rng.integers(len(kind.names))]}, " + ", ".join(
        kind.features[k] for k in sorted(features)
    )
    price = round(float(kind.median_price * rng.lognormal(0.0, 0.35)), 0) - 0.01
    price = max(price, 4.99)
    markup = float(rng.uniform(1.1, 1.6))
    list_price = max(round(price * markup), round(price) + 1) - 0.01 if rng.random() < 0.4 else None
    n_variants = int(rng.integers(1, len(kind.variants) + 1))
    variants = tuple(kind.variants[:n_variants])
    asins = random_ids(rng, 2, prefix="B0", length=10)
    parent = asins[1] if n_variants > 1 else asins[0]
    return Listing(
        asin=str(asins[0]),
        parent_asin=str(parent),
        title=title,
        brand=brand,
        category=kind.category,
        price=price,
        list_price=list_price,
        variants=variants,
        noun=kind.noun,
    )
