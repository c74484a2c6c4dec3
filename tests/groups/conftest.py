import pytest

from tests.groups.demo_data import store_demo_shop


@pytest.fixture
def demo_shop(db) -> None:
    store_demo_shop()
