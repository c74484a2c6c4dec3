"""``scrapy crawl reviewer -a profile_ids=amzn1.account.A,amzn1.account.B [-a max_profiles=N]``.

Fetches reviewers' public profiles. A missing profile is skipped; a sign-in wall or a robot
check ends the whole crawl at once, since every further profile would meet the same wall.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response

from crawler.items import ReviewerItem
from crawler.parsing.pages import PageKind
from crawler.parsing.profile import parse_profile
from crawler.spiders.base import MarketplaceSpider
from marketplaces import profile_page_url

_PROFILE_ID = re.compile(r"[A-Za-z0-9._-]{3,64}")


class ReviewerSpider(MarketplaceSpider):
    name = "reviewer"

    def __init__(
        self,
        profile_ids: str | Iterable[str] = (),
        max_profiles: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(profile_ids, str):
            profile_ids = profile_ids.split(",")
        wanted = [pid.strip() for pid in profile_ids if _PROFILE_ID.fullmatch(pid.strip())]
        limit = int(max_profiles or 0)
        self.profile_ids = list(dict.fromkeys(wanted))[: limit or None]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for profile_id in self.profile_ids:
            yield scrapy.Request(
                profile_page_url(self.base_url, profile_id),
                callback=self.parse,
                errback=self.on_error,
                cb_kwargs={"profile_id": profile_id},
            )

    def parse(
        self, response: Response, profile_id: str = "", **kwargs: Any
    ) -> Iterator[ReviewerItem]:
        kind = self.page_kind(response)
        if kind is PageKind.NOT_FOUND:
            self.crawler.stats.inc_value("reviewsec/profiles_not_found")
            return
        if kind is not PageKind.OK:
            self.record_reason(kind.value, url=response.url, http_status=response.status)
            raise CloseSpider(kind.value)
        yield parse_profile(
            self.selector(response), marketplace=self.marketplace, profile_id=profile_id
        )
        self.page_done(items=1)
