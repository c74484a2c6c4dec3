"""Domain errors of the analysis flow, each with a message a shopper can read."""


class CrawlFailed(Exception):
    """The crawl could not produce reviews to analyse; ``str(error)`` is for the shopper."""

    code = "crawl_failed"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class RetryableCrawlError(CrawlFailed):
    """A failure that waiting can cure (robot check, 503, time-out): the task retries."""

    code = "retryable"
