"""Serve plotly.js from the installed ``plotly`` package as ``static/vendor/plotly.min.js``.

The page must work offline (no CDN), and the Python package already ships the exact plotly.js
that matches the figures it builds, so we expose that one file instead of committing a 4.8 MB
copy. It goes through ``collectstatic`` and WhiteNoise like any other static file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PLOTLY_FILE = "plotly.min.js"
STATIC_PATH = f"vendor/{PLOTLY_FILE}"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_DIR))
        self.storage.prefix = "vendor"

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        if path != STATIC_PATH:
            return [] if find_all else ""
        found = str(PLOTLY_DIR / PLOTLY_FILE)
        return [found] if find_all else found

    def list(self, ignore_patterns: Any) -> Any:
        yield PLOTLY_FILE, self.storage
