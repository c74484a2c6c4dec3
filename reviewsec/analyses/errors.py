"""Domain errors of the analysis flow, each with a message a shopper can read."""

# The longest wait of the crawl task between two tries of a RetryableCrawlError (its
# ``retry_backoff_max``); housekeeping adds it to the time limit to know when a job is stuck.
RETRY_BACKOFF_MAX_SECONDS = 15 * 60


class CrawlFailed(Exception):
    """The crawl could not produce reviews to analyse; ``str(error)`` is for the shopper."""

    code = "crawl_failed"
    # Recorded on the job with its readable reason; logs need no traceback (reviewsec.logs).
    expected_failure = True

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class RetryableCrawlError(CrawlFailed):
    """A failure that waiting can cure (robot check, 503, time-out): the task retries."""

    code = "retryable"
