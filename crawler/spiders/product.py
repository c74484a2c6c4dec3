"""``scrapy crawl product -a asin=… [-a marketplace=…] [-a base_url=…]``: one product page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.items import ProductItem
from crawler.parsing.pages import PageKind
from crawler.parsing.product import parse_product
from crawler.spiders.base import MarketplaceSpider
from marketplaces import product_page_url


class ProductSpider(MarketplaceSpider):
    name = "product"

    def __init__(self, asin: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.asin = self.checked_asin(asin)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(
            product_page_url(self.base_url, self.asin), callback=self.parse, errback=self.on_error
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[ProductItem]:
        kind = self.page_kind(response)
        if kind is not PageKind.OK:
            self.record_reason(kind.value, url=response.url, http_status=response.status)
            return
        yield parse_product(self.selector(response), marketplace=self.marketplace, asin=self.asin)
        self.page_done(items=1)
