from tests.analyses.conftest import sent_jobs  # noqa: F401  (crawls are recorded, never run)
