from tests.api.conftest import api, empty_throttle_counts  # noqa: F401
