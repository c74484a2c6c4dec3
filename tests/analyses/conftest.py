import pytest

from reviewsec.analyses import dispatch


@pytest.fixture
def sent_jobs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the job ids handed to the broker instead of running them (the broker is external)."""
    sent: list[int] = []
    monkeypatch.setattr(dispatch, "_send", sent.append)
    return sent
