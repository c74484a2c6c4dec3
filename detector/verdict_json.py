"""One encoding of a verdict record: ``Verdict.to_dict(checked=False)`` straight to JSON bytes.

Why: ``Verdict.to_dict()`` makes its blocks strict JSON by encoding each once with the json module
(``verdict._checked``) and copies the chart distributions, and the CLI then encoded the whole
record again with orjson: three walks of ~25 KB of dicts a product, ~0.5 ms of the ~0.75 ms
``to_dict`` cost on a 50-review product. Here the unchecked dict is encoded once, by orjson, with
the same meaning ``json_safe`` gives a value:

* NaN and ±inf are written as ``null`` (orjson does so itself; ``json_safe`` makes them None);
* numpy scalars and arrays go through ``json_safe`` (``default=``): Python numbers via
  ``.item()``, arrays as lists — the same digits the checked dict would get;
* tuples are arrays (orjson itself; ``json_safe`` makes them lists);
* anything else ``json_safe`` refuses (datetimes, dataclasses: orjson would write those, hence
  the passthrough options) raises ``TypeError``, as ``to_dict()`` would; a dict key that is not
  a string (orjson refuses it, ``json_safe`` writes ``str(key)``) falls back to the checked dict.

So ``encode(record)`` is byte for byte ``orjson.dumps(<the checked record>,
option=OPT_SERIALIZE_NUMPY)``, what the CLI printed before (tests/detector/test_cli_json.py
compares the two on the CLI's products and on planted numpy/NaN values).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from detector.verdict import numpy_default

__all__ = ["encode"]

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def encode(record: dict[str, Any], checked: Callable[[], dict[str, Any]] | None = None) -> bytes:
    """``record`` (built from ``to_dict(checked=False)``) as UTF-8 JSON; ``checked`` gives the
    checked record for the rare dict with a non-string key (see the module docstring)."""
    try:
        return orjson.dumps(record, default=numpy_default, option=_OPTIONS)
    except TypeError:
        if checked is None:
            raise
        return orjson.dumps(checked(), option=orjson.OPT_SERIALIZE_NUMPY)
