"""``python -m detector FILE``: verdicts for every product in a review file, without Django.

    python -m detector reviews.jsonl                 # a readable table, one product per row
    python -m detector reviews.csv --json            # one verdict JSON object per line
    python -m detector reviews.jsonl --threshold-model model.json --min-reviews 30 --jobs 2
    python -m detector reviews.jsonl --json --reviewers-out people.jsonl --reviews-out rows.jsonl

Two passes over the file (``detector.io`` holds one product's reviews at a time; the review graph
holds a few numbers per review):

1. read and check every review, count the products, and draw a seeded random sample of up to
   ``--reference-size`` products with 20+ reviews. With at least 50 such products the reference
   model (CvT line + ERO calibration) is fitted on the sample, robustly (``fit_reference(...,
   robust=True)``: the file may hold manipulated products); otherwise the packaged default is
   used. ``--threshold-model`` skips the fit. The same pass builds ONE review graph over every
   review of the file (reviewers × products, ``detector.reviewers``; a review without a user id is
   its own one-review reviewer) and fits the reviewer scores once.
2. analyse every product with its reviews' graph scores and print its verdict, in file order
   (first appearance); each verdict has the ``reviewers`` block.

``--reviewers-out PATH`` writes JSON Lines, one per reviewer of the graph (first appearance):
``{"user_id", "reviews", "reliability", "suspicion"}`` (reliability: TrueScore's posterior mean α_u;
suspicion in [0, 1]). ``--reviews-out PATH``: one per review, products in verdict order and each
product's reviews in file order: ``{"user_id", "parent_asin", "timestamp", "suspicion", "weight"}``
(timestamp in ms; weight: what the adjusted rating gives the review, 0–1, null for a product with
too few reviews to judge).

A bad file (unreadable, empty, a missing column, a rating that is not 1–5 stars) stops the run
before any verdict is printed, with a one-line message on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

import numpy as np
import orjson
from tqdm import tqdm

from detector.analysis import analyze
from detector.consistency import cvt
from detector.file_graph import FileGraph, GraphColumns
from detector.groups import cli as group_cli
from detector.io import BadReviewFile, PassRestarted, ProductReviews, ReviewSource
from detector.prepare import MIN_REVIEWS
from detector.reference import ReferenceModel, default_reference_model, fit_reference
from detector.verdict import AnalysisParams, Verdict

__all__ = ["MIN_OWN_PRODUCTS", "main"]

MIN_OWN_PRODUCTS = 50  # products with 20+ reviews needed to fit the file's own reference model
DEFAULT_REFERENCE_SIZE = 1000
_PROGRESS_BYTES = 5_000_000  # show progress bars for files larger than this
_LABELS = {
    "normal": "normal",
    "suspicious": "suspicious",
    "highly_suspicious": "highly suspicious",
    "insufficient_data": "not enough data",
}


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m detector",
        description="Judge every product's reviews in a JSON Lines or CSV file (ReviewSec).",
    )
    parser.add_argument("file", type=Path, help="reviews: .jsonl (Amazon 2023 schema) or .csv")
    parser.add_argument("--json", action="store_true", help="one JSON verdict per line")
    parser.add_argument(
        "--threshold-model", type=Path, help="a reference (or CvT) model JSON to use"
    )
    parser.add_argument("--min-reviews", type=int, default=MIN_REVIEWS, help="default 20")
    parser.add_argument(
        "--reference-size",
        type=int,
        default=DEFAULT_REFERENCE_SIZE,
        help="most products the file's own reference model is fitted on (default 1000)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="analysing processes (default 1)")
    parser.add_argument(
        "--reviewers-out", type=Path, help="write one JSON line per reviewer's scores here"
    )
    parser.add_argument(
        "--reviews-out", type=Path, help="write one JSON line per review's suspicion and weight"
    )
    group_cli.add_arguments(parser)  # --groups-out, --labels (issue 17, detector.groups)
    args = parser.parse_args(argv)
    if args.min_reviews < 1 or args.jobs < 1 or args.reference_size < 2:
        parser.error("--min-reviews and --jobs must be at least 1, --reference-size at least 2")
    return args


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the CLI; returns the exit status (0, or 1 for a bad file)."""
    args = _arguments(argv)
    out = out or sys.stdout
    try:
        given = _load_model(args.threshold_model) if args.threshold_model else None
        with ReviewSource(args.file) as source:
            model, products, graph = _reference(source, given, args.reference_size)
            if args.reviewers_out:
                _write_lines(args.reviewers_out, graph.reviewer_lines())
            params = AnalysisParams(min_reviews=args.min_reviews)
            state = _State(model, params, args.json, graph, args.reviews_out is not None)
            lines = _verdict_lines(source, state, args.jobs, products)
            if not args.json:
                print(_table_header(), file=out)
            with contextlib.ExitStack() as stack:
                reviews_out = None
                if args.reviews_out:
                    reviews_out = stack.enter_context(_open_out(args.reviews_out))
                for line, review_lines in lines:
                    print(line, file=out)
                    if reviews_out is not None:
                        reviews_out.writelines(review_lines)
            group_cli.run(args, args.file)  # --groups-out: collusion groups over the whole file
    except BadReviewFile as error:
        print(f"detector: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as Unix tools do
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 0
    return 0


def _load_model(path: Path) -> ReferenceModel:
    """A reference model's JSON, or a bare CvT model's (no ERO calibration)."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("schema") == cvt.SCHEMA:
            return ReferenceModel.cvt_only(cvt.ThresholdModel.from_dict(data))
        return ReferenceModel.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise BadReviewFile(f"cannot use {path} as a threshold model: {error}") from None


def _progress(path: Path, description: str, total: int | None, unit: str = "B") -> tqdm[NoReturn]:
    """A progress bar on stderr for long files (tqdm hides it when stderr is not a terminal)."""
    small = path.stat().st_size < _PROGRESS_BYTES
    scale = unit == "B"
    return tqdm(
        total=total, desc=description, unit=unit, unit_scale=scale, disable=True if small else None
    )


def _open_out(path: Path) -> TextIO:
    try:
        return path.open("w", encoding="utf-8")
    except OSError as error:
        raise BadReviewFile(f"cannot write {path}: {error}") from None


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    with _open_out(path) as stream:
        stream.writelines(lines)


def _reference(
    source: ReviewSource, given: ReferenceModel | None, reference_size: int
) -> tuple[ReferenceModel, int, FileGraph]:
    """Pass 1: check the file, count products, choose the model, fit the review graph.
    Returns (model, products, the fitted graph)."""
    size = None if source.path.suffix == ".gz" else source.path.stat().st_size
    bars: dict[str, tqdm[NoReturn]] = {}

    def progress(stage: str, read: int) -> None:
        if stage not in bars:
            bars[stage] = _progress(source.path, stage, size)
        bars[stage].update(read)

    try:
        while True:
            try:
                products, eligible, sample, columns = _first_pass(
                    source, progress, given, reference_size
                )
                break
            except PassRestarted:  # not grouped: now spilled, read it again from the spill
                continue
    finally:
        for bar in bars.values():
            bar.close()
    graph = columns.fit()
    if given is not None:
        return given, products, graph
    if eligible < MIN_OWN_PRODUCTS:
        print(
            f"detector: using the packaged reference model ({eligible} products with "
            f"{MIN_REVIEWS}+ reviews; {MIN_OWN_PRODUCTS} are needed to fit the file's own)",
            file=sys.stderr,
        )
        return default_reference_model(), products, graph
    print(
        f"detector: fitting the reference model on {len(sample):,} of the file's "
        f"{eligible:,} products with {MIN_REVIEWS}+ reviews",
        file=sys.stderr,
    )
    model = fit_reference(
        [p.reviews for p in sample],
        robust=True,
        sample_ids=[p.parent_asin or p.asin or "" for p in sample],
        source=f"{len(sample)} products of {source.path.name}",
    )
    return model, products, graph


def _first_pass(
    source: ReviewSource, progress: Any, given: ReferenceModel | None, reference_size: int
) -> tuple[int, int, list[ProductReviews], GraphColumns]:
    """(products, products with 20+ reviews, a seeded uniform sample of the latter, the review
    graph's columns)."""
    rng = np.random.default_rng(0)
    sample: list[ProductReviews] = []
    columns = GraphColumns()
    products = eligible = 0
    for product in source.products(progress):
        products += 1
        columns.add(product.reviews)
        if given is not None or product.size < MIN_REVIEWS:
            continue
        eligible += 1  # reservoir sampling (Algorithm R): a uniform sample in one pass
        if len(sample) < reference_size:
            sample.append(product)
        elif (slot := int(rng.integers(eligible))) < reference_size:
            sample[slot] = product
    return products, eligible, sample, columns


# --- pass 2: verdicts -----------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    model: ReferenceModel
    params: AnalysisParams
    as_json: bool
    graph: FileGraph
    review_lines: bool  # --reviews-out


_worker_state: dict[str, _State] = {}


def _init_worker(state: _State) -> None:
    _worker_state["state"] = state


def _line(job: tuple[int, ProductReviews]) -> tuple[str, list[str]]:
    """(the product's verdict line, its --reviews-out lines)."""
    index, product = job
    state = _worker_state["state"]
    scores = state.graph.product_scores(index)
    verdict = analyze(
        product.reviews, reference=state.model, params=state.params, reviewer_scores=scores
    )
    review_lines = state.graph.review_lines(index, product, verdict) if state.review_lines else []
    if state.as_json:
        record = {"product": product.product, **verdict.to_dict()}
        # One encoding, in C: the same keys and values as json.dumps(..., separators=(",", ":"),
        # ensure_ascii=False) (to_dict has already made the record strict JSON).
        line = orjson.dumps(record, option=orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")
        return line, review_lines
    return _table_row(product, verdict), review_lines


def _verdict_lines(
    source: ReviewSource, state: _State, jobs: int, products: int
) -> Iterator[tuple[str, list[str]]]:
    bar = _progress(source.path, "analysing", products, unit="product")
    groups: Iterable[tuple[int, ProductReviews]] = enumerate(source.products())
    try:
        if jobs == 1:
            _init_worker(state)
            for job in groups:
                yield _line(job)
                bar.update()
            return
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        with context.Pool(jobs, _init_worker, (state,)) as pool:
            for result in pool.imap(_line, groups, chunksize=16):
                yield result
                bar.update()
    finally:
        bar.close()


def _table_header() -> str:
    return (
        f"{'product':<14} {'reviews':>7} {'PCI':>6} {'ERO S':>6} {'mean':>5} {'adj.':>5}  "
        f"{'verdict':<18} reason"
    )


def _table_row(product: ProductReviews, verdict: Verdict) -> str:
    name = product.parent_asin or product.asin or "(file)"
    pci = "-" if verdict.pci is None else f"{verdict.pci:.3f}"
    satisfaction = "-" if verdict.satisfaction is None else f"{verdict.satisfaction:.3f}"
    reason = verdict.reasons[0] if verdict.reasons else ""
    if len(reason) > 100:
        reason = reason[:99].rstrip() + "…"
    reviewers = verdict.reviewers
    mean = adjusted = "-"
    if reviewers is not None and reviewers.adjusted_rating is not None:
        mean, adjusted = f"{reviewers.plain_mean:.2f}", f"{reviewers.adjusted_rating:.2f}"
    return (
        f"{name:<14} {verdict.reviews_analyzed:>7} {pci:>6} {satisfaction:>6} {mean:>5} "
        f"{adjusted:>5}  {_LABELS[verdict.category]:<18} {reason}"
    )
