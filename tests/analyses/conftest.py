import pytest

from reviewsec.analyses.dispatch import crawl_job_dispatcher
from tests.analyses.private_redis import private_broker  # noqa: F401  (a fixture)


class SentJobs(list[int]):
    """Job ids handed to the broker, in order; ``countdowns`` holds each one's start delay."""

    def __init__(self) -> None:
        super().__init__()
        self.countdowns: dict[int, float] = {}

    def __call__(self, job_id: int, countdown: float = 0, task_id: str | None = None) -> None:
        self.append(job_id)
        self.countdowns[job_id] = countdown


@pytest.fixture
def sent_jobs(monkeypatch: pytest.MonkeyPatch) -> SentJobs:
    """Record the job ids handed to the broker instead of running them (the broker is external)."""
    sent = SentJobs()
    monkeypatch.setattr(crawl_job_dispatcher, "_send", sent)
    return sent
