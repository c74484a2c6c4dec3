from tests.analyses.conftest import sent_jobs  # noqa: F401  (crawls are recorded, never run)
from tests.browser.conftest import demo_live_server  # noqa: F401  (the live server, demo on)
