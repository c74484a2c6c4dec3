"""Who sells what in the demo shop: storefronts with Amazon-shaped seller ids, and Amazon itself.

The product page shows the seller in the buy box the way Amazon does ("Sold by" with a link to
``/gp/help/seller/at-a-glance.html?seller=<id>``; Amazon itself by name only), so the crawler
reads it through the same parser it uses on the real shop.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSeller:
    seller_id: str  # "" for Amazon itself, which the buy box names without a link
    name: str


AMAZON = DemoSeller("", "Amazon.com")
LUMORA = DemoSeller("A1LUMORAHOME7Q", "Lumora Home")
TIDEWELL = DemoSeller("A3TIDEWELLSPRT", "Tidewell Sports")
VELOCE = DemoSeller("A2VELOCEOFFCL4", "Veloce Official")
EMBERLY = DemoSeller("A1EMBERLYBEAUT", "Emberly Beauty")
OAKHAVEN = DemoSeller("A3OAKHAVENGDS2", "Oakhaven Goods")
QUILLON = DemoSeller("A2QUILLONPAPER", "Quillon Paper Co.")
ZENTRIX = DemoSeller("A2ZNTRX7DIRECT", "Zentrix Direct")
HALCYON = DemoSeller("A1HLCYN0TRADE", "Halcyon Trading Co.")
BRIGHTPATH = DemoSeller("A3BRTPATHOUT1", "Brightpath Outdoors")
MOSSGROVE = DemoSeller("A1MOSSGROVELV", "Mossgrove Living")

SELLER_OF = {
    "B0DEMO0001": LUMORA,
    "B0DEMO0002": AMAZON,
    "B0DEMO0003": TIDEWELL,
    "B0DEMO0004": VELOCE,
    "B0DEMO0005": EMBERLY,
    "B0DEMO0006": OAKHAVEN,
    "B0DEMO0007": QUILLON,
    "B0DEMO0011": ZENTRIX,
    "B0DEMO0012": ZENTRIX,
    "B0DEMO0013": ZENTRIX,
    "B0DEMO0014": HALCYON,
    "B0DEMO0015": HALCYON,
    "B0DEMO0016": BRIGHTPATH,
    "B0DEMO0017": MOSSGROVE,
}


def seller_of(asin: str) -> DemoSeller:
    return SELLER_OF.get(asin, AMAZON)
