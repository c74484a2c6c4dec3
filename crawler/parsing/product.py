"""A product's facts from its page (``/dp/ASIN``), or what a review-list page shows of them.

Amazon has rearranged its price box many times; each value is read from a short list of
selectors, newest layout first, and stays empty when none matches, so a changed page degrades
to fewer facts instead of wrong ones.
"""

from __future__ import annotations

import re
from decimal import Decimal

from parsel import Selector

from crawler.items import ProductItem
from crawler.parsing import spec as review_spec
from crawler.parsing.numbers import parse_int, parse_ints, parse_percent, parse_price, parse_rating
from crawler.parsing.text import clean_text
from marketplaces import marketplace_info

_PRICE = (
    "#corePriceDisplay_desktop_feature_div .priceToPay .a-offscreen",
    "#corePrice_feature_div .a-price .a-offscreen",
    "#apex_desktop .a-price .a-offscreen",
    "#priceblock_dealprice",
    "#priceblock_ourprice",
    "#price_inside_buybox",
    "#newBuyBoxPrice",
    "#kindle-price",
    "#buyNewSection .offer-price",
    "[data-hook=product-price]",
    "#price",
)
_LIST_PRICE = (
    "#corePriceDisplay_desktop_feature_div .basisPrice .a-offscreen",
    "#corePrice_feature_div .a-text-price[data-a-strike] .a-offscreen",
    ".basisPrice .a-offscreen",
    "#listPrice",
    "#priceblock_listprice",
    "#digital-list-price",
    "#buyNewInner .a-text-strike, #buyNewSection ~ * .a-text-strike, #buybox .a-text-strike",
    "[data-hook=product-list-price]",
)
_DISCOUNT = (".savingsPercentage", "#regularprice_savings", "[data-hook=product-discount]")
_IMAGE_ATTRS = (
    ("#landingImage", "data-old-hires"),
    ("#landingImage", "src"),
    ("#imgBlkFront", "src"),
    ("#ebooksImgBlkFront", "src"),
    ("#main-image", "src"),
    ("[data-hook=product-image]", "src"),
    ('meta[property="og:image"]', "content"),
)


def parse_product(page: Selector, *, marketplace: str, asin: str) -> ProductItem:
    """Everything the page shows about the product; missing values stay empty."""
    price, currency = product_price(page, marketplace)
    list_price, _ = first_price(page, _LIST_PRICE, marketplace)
    return ProductItem(
        marketplace=marketplace,
        asin=asin,
        title=product_title(page),
        brand=product_brand(page),
        **_seller_fields(page),
        category=product_category(page),
        price=price,
        list_price=list_price,
        discount_percent=discount_percent(page, price, list_price),
        currency=currency,
        image_url=product_image(page),
        shop_average_rating=average_rating(page),
        shop_rating_count=rating_count(page),
        star_histogram=star_histogram(page),
    )


def _first_text(page: Selector, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        for node in page.css(selector):
            text = clean_text(" ".join(node.css("::text").getall()))
            if text:
                return text
    return ""


def product_title(page: Selector) -> str:
    title = _first_text(page, ("#productTitle", "#ebooksProductTitle", "[data-hook=product-link]"))
    if title:
        return title
    return clean_text(page.css('meta[name="title"]::attr(content)').get())


def product_brand(page: Selector) -> str:
    """The brand, or for books the authors: "Dawn", "David Baldacci"."""
    authors = page.css(
        "#bylineInfo .author a.contributorNameID::text, #byline .author a.contributorNameID::text,"
        " #bylineInfo .author > a::text, #byline .author > a::text"
    ).getall()
    names = list(dict.fromkeys(clean_text(name) for name in authors if clean_text(name)))
    if names:
        return ", ".join(names)
    byline = _first_text(
        page, ("a#bylineInfo", "#brand", "[data-hook=cr-product-byline]", "[data-hook=brand]")
    )
    return _strip_brand_words(byline)


def _seller_fields(page: Selector) -> dict[str, str]:
    seller_id, seller_name = product_seller(page)
    return {"seller_id": seller_id, "seller_name": seller_name}


_SELLER_LINKS = (
    "#sellerProfileTriggerId",
    "#merchantInfoFeature_feature_div a[href*='seller=']",
    "[tabular-attribute-name='Sold by'] a[href*='seller=']",
    "#merchant-info a[href*='seller=']",
)
# (selector, whether the cell holds just a name): "#merchant-info" holds a sentence to read.
_SELLER_TEXTS = (
    ("#merchantInfoFeature_feature_div .offer-display-feature-text > span", True),
    ("[tabular-attribute-name='Sold by'] .tabular-buybox-text-message", True),
    ("#merchant-info", False),
    ("#Ebooks-desktop-printSoldBy .a-color-base", True),
    (".print-sold-by .a-color-base", True),
)
_SOLD_BY_PHRASES = (
    # "Ships from and sold by Amazon.com." / "Dispatched from and sold by Amazon." (en), de, fr,
    # it, es; the seller is what follows, up to the sentence's end.
    r"(?:ships|dispatched|sent) from and sold by\s+(?P<name>.+?)\.?$",
    r"^sold by\s+(?P<name>.+?)(?:\s+and\s+(?:fulfilled|ships|dispatched)\b.*)?\.?$",
    r"verkauf und versand durch\s+(?P<name>.+?)\.?$",
    r"exp[ée]di[ée] et vendu par\s+(?P<name>.+?)\.?$",
    r"venduto e spedito da\s+(?P<name>.+?)\.?$",
    r"vendido y enviado por\s+(?P<name>.+?)\.?$",
)


def product_seller(page: Selector) -> tuple[str, str]:
    """Who sells the product in the buy box, as ``(seller id, name)``; ``("", "")`` if not shown.

    A third-party seller is a link whose query names the seller id
    (``/gp/help/seller/at-a-glance.html?seller=A1B2C3…``). Amazon itself and e-book publishers
    ("Sold by: Hachette Book Group") are named without an id, so the id stays empty. Only the
    buy box counts: a used offer's "Sold by" further down the page is another seller's offer.
    """
    for selector in _SELLER_LINKS:
        for link in page.css(selector):
            seller_id = _seller_id_from_href(link.attrib.get("href", ""))
            name = clean_text(" ".join(link.css("::text").getall()))
            if seller_id or name:
                return seller_id, name
    for selector, bare_name in _SELLER_TEXTS:
        for node in page.css(selector):
            text = clean_text(" ".join(node.xpath(".//text()[not(ancestor::script)]").getall()))
            name = _seller_from_sentence(text, bare_name=bare_name)
            if name:
                return "", name
    return "", ""


def _seller_id_from_href(href: str) -> str:
    match = re.search(r"[?&]seller=([A-Z0-9]{6,20})(?:&|$)", href)
    return match.group(1) if match else ""


def _seller_from_sentence(text: str, *, bare_name: bool) -> str:
    """ "Dispatched from and sold by Amazon. Gift-wrap available." → "Amazon".

    A cell that holds only a name (``bare_name``) gives that name; any other text gives "".
    """
    first = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", text, maxsplit=1)[0].strip()
    for pattern in _SOLD_BY_PHRASES:
        match = re.search(pattern, first, re.IGNORECASE)
        if match:
            return match.group("name").strip()
    if not bare_name or re.search(r"\b(?:sold|vendu|verkauf|venduto|vendido)\b", first, re.I):
        return ""  # a sentence about selling we cannot read: better no seller than a wrong one
    return first if len(first) <= 120 else ""


def _strip_brand_words(byline: str) -> str:
    """ "Visit the Dawn Store" / "Brand: Dawn" / "by Dawn" → "Dawn" (en, de, fr, it, es)."""
    patterns = (
        r"^(?:Visit the|Besuche den|Visitez la boutique|Visita lo Store di|Visita la tienda de)\s+"
        r"(.+?)(?:[- ]Store|-Store)?$",
        r"^(?:Brand|Marke|Marque|Marca)\s*:\s*(.+)$",
        r"^(?:by|von|de|di|por)\s+(.+)$",
    )
    for pattern in patterns:
        match = re.match(pattern, byline, re.IGNORECASE)
        if match:
            return match.group(1).strip()
    return byline


def product_category(page: Selector) -> str:
    crumbs = page.css(
        "#wayfinding-breadcrumbs_feature_div ul li a ::text, [data-hook=breadcrumb] a ::text"
    ).getall()
    return " › ".join(clean_text(crumb) for crumb in crumbs if clean_text(crumb))


def first_price(
    page: Selector, selectors: tuple[str, ...], marketplace: str
) -> tuple[Decimal | None, str]:
    """The first selector's price that reads as an amount, with its currency."""
    default_currency = marketplace_info(marketplace).currency
    for selector in selectors:
        for node in page.css(selector):
            amount, currency = parse_price(" ".join(node.css("::text").getall()), default_currency)
            if amount is not None:
                return amount, currency
    return None, ""


def product_price(page: Selector, marketplace: str) -> tuple[Decimal | None, str]:
    return first_price(page, _PRICE, marketplace)


def discount_percent(
    page: Selector, price: Decimal | None, list_price: Decimal | None
) -> int | None:
    """The shown saving ("-20%", "You Save: £3.46 (20%)"), else computed from the two prices."""
    shown = parse_percent(_first_text(page, _DISCOUNT))
    if shown is None:
        saving = re.search(r"\((\d{1,3})\s*%\)", _first_text(page, ("#buyNewInner", "#buybox")))
        shown = int(saving.group(1)) if saving else None
    if shown is not None:
        return shown
    if price is not None and list_price and list_price > price:
        return int(((list_price - price) / list_price * 100).to_integral_value())
    return None


def product_image(page: Selector) -> str:
    for selector, attribute in _IMAGE_ATTRS:
        value = (page.css(selector).attrib.get(attribute) or "").strip()
        if value.startswith(("http://", "https://")):
            return value
    return ""


def average_rating(page: Selector) -> float | None:
    """The shop's average ("4.4 out of 5 stars"), as it shows it."""
    candidates = [
        page.css("#acrPopover::attr(title)").get(),
        _first_text(page, ("[data-hook=rating-out-of-text]", "#acrPopover .a-icon-alt")),
        _first_text(page, ("[data-hook=average-star-rating] .a-icon-alt",)),
    ]
    for text in candidates:
        value = parse_rating(text)
        if value is not None and value >= 1:
            return value
    return None


def rating_count(page: Selector) -> int | None:
    """How many ratings the shop counts ("21,200 ratings", "2.345 valutazioni clienti")."""
    text = _first_text(page, review_spec.selector_list("shop_rating_count"))
    return parse_int(text)


def star_histogram(page: Selector) -> dict[str, int]:
    """Percent of ratings per star, as the histogram shows it: {"5": 59, "4": 28, ...}."""
    histogram: dict[str, int] = {}
    rows = page.css(
        "#histogramTable tr, #histogramTable li, table.cr-ratings-histogram tr, "
        "[data-hook=histogram-row]"
    )
    for row in rows:
        text = clean_text(" ".join(row.css("::text").getall()))
        labels = " ".join(row.css("::attr(aria-label)").getall())
        numbers = parse_ints(text) or parse_ints(labels)
        percents = re.findall(r"(\d{1,3})\s*%", text) or re.findall(r"(\d{1,3}) percent", labels)
        if numbers and percents and 1 <= numbers[0] <= 5:
            histogram.setdefault(str(numbers[0]), int(percents[-1]))
    return histogram
