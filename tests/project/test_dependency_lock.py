"""Dependencies are locked: every one pyproject.toml names is pinned in the lock the Makefile
(and so CI) installs, the runtime ones in the lock the Docker image installs."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {
        match[1].lower().replace("_", "-").replace(".", "-"): match[2]
        for match in re.finditer(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", text, re.M)
    }


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_every_runtime_dependency_is_pinned_in_both_locks() -> None:
    for lock in ("base.lock", "dev.lock"):
        pins = _pins(lock)
        missing = [r for r in _project()["dependencies"] if _name(r) not in pins]
        assert not missing, f"{lock} lacks {missing}: run make lock"


def test_every_dev_dependency_is_pinned_in_the_dev_lock() -> None:
    pins = _pins("dev.lock")
    missing = [r for r in _project()["optional-dependencies"]["dev"] if _name(r) not in pins]
    assert not missing, f"dev.lock lacks {missing}: run make lock"


def test_make_install_and_the_docker_image_install_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements/dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-r requirements/base.lock" in dockerfile
    assert "--no-deps ." in dockerfile
    assert "make audit" in (ROOT / ".ci" / "run").read_text()
