"""The frozen products, model and expected verdicts behind ``test_analyze_same_verdicts``.

The speed-ups of issue 18 must not change a verdict. This module holds what the test needs:

* ``products()``: the frozen inputs (``data/same_verdicts/products.npz``): a seeded
  ``detector.simulate`` population of 24 products (seed 18), honest, boosted and bad-mouthed
  products of 100 reviews, a bad-mouthed one of 3,000, an honest and a boosted one of 10,000;
  stored, so that a change of the simulator does not move the inputs;
* ``model()``: the packaged reference model as committed then
  (``data/same_verdicts/model.json.gz``), frozen for the same reason;
* ``leaves(verdict_dict)``: ``Verdict.to_dict()`` flattened to path → value; a list of more than
  ``LONG`` numbers (the CUSUM series) becomes its length, sum and position-weighted sum, a long
  list of strings its SHA-256;
* ``differences(expected, found)``: what differs, strings/ints/bools exactly, floats within
  ``RELATIVE`` (1e-6) relative or ``ABSOLUTE`` (1e-12) absolute; a leaf of any other type (a
  numpy scalar) differs.

The expectation (``data/same_verdicts/expected.json.gz``) is computed by the code BEFORE the
speed-ups. When someone else's change (the verdict rule, the words) legitimately moves it,
regenerate it from the unoptimised speed paths and everything else as it is now:

    .venv/bin/python tests/detector/same_verdicts.py --baseline <commit before the speed-ups>

which copies ``detector/``, puts ``SPEED_PATHS`` back to their state at ``--baseline`` and runs
the frozen products through that tree in a child process (``--path-at PATH=REV`` takes one
speed path from another commit: someone else's later change to a file the speed-ups share).
``--write-inputs`` re-freezes the inputs and model from the current simulator and the committed
packaged model (only when they are wanted new).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data" / "same_verdicts"
PRODUCTS = DATA / "products.npz"
MODEL = DATA / "model.json.gz"
EXPECTED = DATA / "expected.json.gz"
LONG = 64
RELATIVE = 1e-6
ABSOLUTE = 1e-12
# The files the speed-ups of issue 18 (helper H3) may touch; a baseline tree has them as they were.
SPEED_PATHS = (
    "detector/analysis.py",
    "detector/features.py",
    "detector/ero",
    "detector/consistency",
    "detector/stats",
)


def _freeze_inputs() -> None:
    """Draw the products from ``detector.simulate`` and store them with the packaged model."""
    from detector.reference import ReferenceModel
    from detector.simulate import population, simulate

    arrays: dict[str, np.ndarray] = {}
    found = [product.to_arrays() for product in population(24, seed=18)]
    for scenario, n, seed in (
        ("honest", 100, 1),
        ("boost", 100, 1),
        ("badmouth", 100, 1),
        ("badmouth", 3_000, 2),
        ("honest", 10_000, 3),
        ("boost", 10_000, 3),
    ):
        found.append(simulate(scenario, seed=seed, n_reviews=n).to_arrays())
    for index, product in enumerate(found):
        for name, values in product.items():
            if values is not None:
                arrays[f"{index:03d}/{name}"] = np.asarray(values)
    DATA.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(PRODUCTS, **arrays)  # type: ignore[arg-type]
    packaged = subprocess.run(  # as committed, not a half-edited working copy
        ["git", "show", "HEAD:detector/data/default_reference_model.json"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    model = ReferenceModel.from_dict(json.loads(packaged)).to_dict()
    MODEL.write_bytes(gzip.compress(json.dumps(model).encode(), mtime=0))


def products() -> list[dict[str, np.ndarray]]:
    """The frozen products, in order, each name → array as ``detector.analyze`` takes them."""
    with np.load(PRODUCTS, allow_pickle=False) as stored:
        found: dict[int, dict[str, np.ndarray]] = {}
        for key in stored.files:
            index, name = key.split("/")
            found.setdefault(int(index), {})[name] = stored[key]
    return [found[index] for index in sorted(found)]


def model() -> Any:
    """The frozen reference model."""
    from detector.reference import ReferenceModel

    return ReferenceModel.from_dict(json.loads(gzip.decompress(MODEL.read_bytes())))


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Path → leaf of a JSON-like value; long lists as checksums (see the module docstring)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(leaves(item, f"{path}/{key}"))
        return out
    if isinstance(value, list):
        if len(value) > LONG and all(isinstance(v, str) for v in value):
            digest = hashlib.sha256("\x00".join(value).encode()).hexdigest()
            return {f"{path}#len": len(value), f"{path}#sha256": digest}
        if len(value) > LONG and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        ):
            numbers = np.asarray(value, dtype=np.float64)
            weights = np.arange(1, numbers.size + 1, dtype=np.float64)
            return {
                f"{path}#len": len(value),
                f"{path}#sum": float(numbers.sum()),
                f"{path}#weighted": float(numbers @ weights),
            }
        out = {f"{path}#len": len(value)}
        for index, item in enumerate(value):
            out.update(leaves(item, f"{path}/{index}"))
        return out
    return {path: value}


def _same(expected: Any, found: Any) -> bool:
    if type(found) not in (type(None), str, int, float, bool):  # numpy scalars are not JSON
        return False
    if isinstance(expected, float) or isinstance(found, float):
        if not isinstance(expected, int | float) or not isinstance(found, int | float):
            return False
        if isinstance(expected, bool) or isinstance(found, bool):
            return expected is found
        if math.isnan(expected) or math.isnan(found):
            return math.isnan(expected) and math.isnan(found)
        return math.isclose(expected, found, rel_tol=RELATIVE, abs_tol=ABSOLUTE)
    return type(expected) is type(found) and expected == found


def differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Human-readable differences between two ``leaves`` mappings (empty: the same)."""
    out = []
    for key in sorted(expected.keys() | found.keys()):
        if key not in found:
            out.append(f"{key}: missing (expected {expected[key]!r})")
        elif key not in expected:
            out.append(f"{key}: unexpected {found[key]!r}")
        elif not _same(expected[key], found[key]):
            out.append(f"{key}: expected {expected[key]!r}, found {found[key]!r}")
    return out


def judge() -> list[dict[str, Any]]:
    """Every frozen product's ``leaves(analyze(...).to_dict())`` against the frozen model."""
    import detector

    reference = model()
    return [leaves(detector.analyze(p, reference=reference).to_dict()) for p in products()]


def _baseline_tree(scratch: Path, revision: str, overrides: dict[str, str]) -> Path:
    tree = scratch / "baseline"
    shutil.copytree(
        ROOT / "detector", tree / "detector", ignore=shutil.ignore_patterns("__pycache__")
    )
    for path, at in [(p, revision) for p in SPEED_PATHS] + list(overrides.items()):
        revision_here = at
        if at == "WORKTREE":  # as it is now (someone else's uncommitted change to a speed path)
            (tree / path).write_bytes((ROOT / path).read_bytes())
            continue
        listed = subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", revision_here, "--", path],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        current = ROOT / path
        if current.is_dir():  # files added since the baseline go
            for file in current.rglob("*"):
                relative = file.relative_to(ROOT).as_posix()
                if file.is_file() and "__pycache__" not in relative and relative not in listed:
                    (tree / relative).unlink(missing_ok=True)
        for relative in listed:
            shown = subprocess.run(
                ["git", "show", f"{revision_here}:{relative}"],
                cwd=ROOT,
                capture_output=True,
                check=True,
            )
            target = tree / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(shown.stdout)
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="judge with SPEED_PATHS as at this commit")
    parser.add_argument(
        "--path-at",
        action="append",
        default=[],
        metavar="PATH=REV",
        help="after --baseline, take this file or folder as at REV (someone else's change to it;"
        " REV=WORKTREE: the file as it is in the working tree)",
    )
    parser.add_argument("--write-inputs", action="store_true", help="re-freeze products and model")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        json.dump(judge(), sys.stdout)
        return
    if args.write_inputs:
        _freeze_inputs()
    with tempfile.TemporaryDirectory(prefix="same-verdicts-") as name:
        overrides = dict(item.split("=", 1) for item in args.path_at)
        tree = (
            ROOT if args.baseline is None else _baseline_tree(Path(name), args.baseline, overrides)
        )
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child"],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    expected = {
        "baseline": args.baseline or "working tree",
        "path_at": args.path_at,
        "products": json.loads(done.stdout),
    }
    EXPECTED.write_bytes(gzip.compress(json.dumps(expected, sort_keys=True).encode(), mtime=0))
    print(f"wrote {EXPECTED}: {len(expected['products'])} products")


if __name__ == "__main__":
    main()
