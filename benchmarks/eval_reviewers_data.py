"""Load the real Amazon Reviews 2018 5-core files (../shared/data/amazon-2018-5core) as arrays.

Each review is counted once per listing: the 2018 files repeat one review under every variant ASIN,
so rows with the same (reviewerID, unixReviewTime, reviewText) are one review, filed under the first
ASIN it appears with (exact duplicate lines collapse the same way).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "amazon-2018-5core"


def load_2018(path: Path) -> dict[str, Any]:
    seen: set[tuple[str, int, str]] = set()
    columns: dict[str, list[Any]] = {
        k: [] for k in ("user", "asin", "rating", "time", "verified", "votes", "length")
    }
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            key = (row.get("reviewerID", ""), int(row["unixReviewTime"]), row.get("reviewText", ""))
            if key in seen:
                continue
            seen.add(key)
            columns["user"].append(row.get("reviewerID"))
            columns["asin"].append(row["asin"])
            columns["rating"].append(float(row["overall"]))
            columns["time"].append(int(row["unixReviewTime"]) * 1000)
            columns["verified"].append(bool(row.get("verified", False)))
            columns["votes"].append(float(str(row.get("vote", "0")).replace(",", "")))
            columns["length"].append(len(row.get("reviewText", "") or ""))
    return {
        "user": columns["user"],
        "asin": columns["asin"],
        "rating": np.array(columns["rating"]),
        "time": np.array(columns["time"], dtype=np.int64),
        "verified": np.array(columns["verified"]),
        "votes": np.array(columns["votes"]),
        "length": np.array(columns["length"], dtype=np.float64),
    }


def files() -> list[Path]:
    return sorted(DATA.glob("*.json.gz"))
