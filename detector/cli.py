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
before any verdict is printed, with a one-line message on stderr and exit status 1. So does a
``--jobs`` worker that dies (a signal, the out-of-memory killer), as soon as the run waits for it
(``concurrent.futures.ProcessPoolExecutor`` fails the lost tasks; ``multiprocessing.Pool`` would
respawn the worker and wait for them forever).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import json
import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn, TextIO

import numpy as np
from tqdm import tqdm

from detector import verdict_json
from detector.analysis import analyze
from detector.columns import ProductTable, ReviewColumns
from detector.consistency import cvt
from detector.file_graph import FileGraph, fit_file_graph
from detector.groups import cli as group_cli
from detector.groups import review_events
from detector.io import BadReviewFile, ProductReviews
from detector.prepare import MIN_REVIEWS
from detector.read_columns import read_columns
from detector.reference import (
    ReferenceEvidence,
    ReferenceModel,
    default_reference_model,
    fit_reference,
    fit_reference_evidence,
    reference_evidence,
)
from detector.stages import Stages
from detector.variants import merge_variants
from detector.verdict import AnalysisParams, Verdict

__all__ = ["MIN_OWN_PRODUCTS", "main"]

MIN_OWN_PRODUCTS = 50  # products with 20+ reviews needed to fit the file's own reference model
DEFAULT_REFERENCE_SIZE = 1000
_PROGRESS_BYTES = 5_000_000  # show progress bars for files larger than this
_BATCH = 16  # products a worker analyses per message
_DUMPS = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
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
    parser.add_argument(
        "--profile", action="store_true", help="print each stage's wall time on stderr"
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
    _map_large_blocks()
    stages = Stages()
    try:
        given = _load_model(args.threshold_model) if args.threshold_model else None
        if not args.file.is_file():
            raise BadReviewFile(f"cannot read {args.file}: no such file")
        table, model, graph = _read_and_fit(args, given, stages)
        if args.reviewers_out:
            with stages("reviewers-out"):
                _write_lines(args.reviewers_out, graph.reviewer_lines())
        params = AnalysisParams(min_reviews=args.min_reviews)
        state = _State(model, params, args.json, graph, args.reviews_out is not None, table)
        with stages("analysis"):
            _print_verdicts(args, state, out, stages)
        if getattr(args, "groups_out", None) is not None:
            with stages("groups"):
                _write_groups(args, table.in_file_order())
        elif getattr(args, "labels", None) is not None:
            raise BadReviewFile("--labels needs --groups-out")
    except (BadReviewFile, WorkerDied) as error:
        print(f"detector: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as Unix tools do
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 0
    if args.profile:
        print(f"detector: profile: {stages.summary()}", file=sys.stderr)
        print(f"detector: memory: {_peak_memory()}", file=sys.stderr)
    return 0


def _peak_memory() -> str:
    """Peak resident memory of this process and of the largest worker it reaped (Linux counts
    ``ru_maxrss`` in KiB; a forked worker's figure includes the pages it shares with the parent
    copy-on-write, so the two do not add up to what the machine held)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"parent peak {own:.0f} MB, workers peak {workers:.0f} MB"


def _read_and_fit(
    args: argparse.Namespace, given: ReferenceModel | None, stages: Stages
) -> tuple[ProductTable, ReferenceModel, FileGraph]:
    """Read the file once (in ``--jobs`` processes), fold 2018 variants, then fit the review
    graph here while the workers fit the reference model on the sample
    (``_parallel_reference_fit``)."""
    path: Path = args.file
    size = None if path.suffix == ".gz" else path.stat().st_size
    with _pool(args.jobs) as pool, _progress(path, "reading", size) as bar:
        with stages("read"):
            mapper = None if pool is None else pool.map  # in order, one range a task
            columns = read_columns(path, mapper, bar.update)
        with stages("variants"):
            columns, merge = merge_variants(columns)
        if merge.repeats:
            print(f"detector: {merge.sentence(merge.repeats + columns.n_reviews)}", file=sys.stderr)
        groups = getattr(args, "groups_out", None) is not None
        table = ProductTable.from_columns(columns, keep_file_order=groups)
        del columns  # the table holds the same columns, product after product
        fit = _reference_fit(path, table, given, args.reference_size, pool, args.jobs)
        _release_free_memory()  # the read's blocks, before the graph fit's peak
        with stages("graph fit"):
            graph = fit_file_graph(table)
        with stages("reference fit (waited for)"):
            model = fit()
    _release_free_memory()
    return table, model, graph


_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
_MMAP_BYTES = 1 << 20


def _map_large_blocks() -> None:
    """Give every heap block of 1 MiB or more its own mapping (glibc ``mallopt``), so a freed
    column or fit temporary goes back to the system at once (the workers inherit the setting).

    glibc starts at that threshold but raises it to the size of each mapped block freed (up to
    32 MiB), after which a million-review array lives in the heap, and once freed stays resident
    for reuse: the parent's peak counted those dead pages beside the live ones (the graph fit's
    peak 636 -> 571 MB on the bench file's table, ``MALLOC_MMAP_THRESHOLD_`` set the same way).
    A product's arrays are far smaller, so the analysis allocates as before. Elsewhere (no
    glibc) nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, _MMAP_BYTES)


def _release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc ``malloc_trim``) before the
    analysis workers fork.

    The graph fit's temporaries (~300 MB at a million reviews) are freed when it returns, but
    glibc keeps freed heap memory for reuse, so the parent stays at its peak and every forked
    worker starts with those pages mapped (its RSS counted them: 640 MB a worker). Trimming
    gave 723 -> 447 MB resident after the fit on the bench file. Elsewhere (no glibc) nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class WorkerDied(Exception):
    """A ``--jobs`` worker process ended abruptly (killed by a signal, e.g. the out-of-memory
    killer's SIGKILL); the message names how, in one line for stderr."""


@contextlib.contextmanager
def _pool(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    if jobs == 1:
        yield None
        return
    with _executor(jobs) as executor:
        yield executor


@contextlib.contextmanager
def _executor(
    jobs: int, initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = ()
) -> Iterator[ProcessPoolExecutor]:
    """``jobs`` worker processes (forked on Linux). A worker that dies fails every task still
    waited for with ``BrokenProcessPool`` (``multiprocessing.Pool`` respawned it and waited for
    its lost task forever), turned here into ``WorkerDied``. On leaving, the tasks not started
    are cancelled (a ``| head`` that stopped reading, an error) and the running ones awaited."""
    executor = ProcessPoolExecutor(
        jobs, mp_context=_context(), initializer=initializer, initargs=initargs
    )
    try:
        yield executor
    except BrokenProcessPool:
        workers = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=True)  # the executor joins its workers: their exit codes known
        raise WorkerDied(_death(workers)) from None
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _death(workers: Iterable[multiprocessing.process.BaseProcess]) -> str:
    """How the pool's first dead worker ended, e.g. "signal 9 (SIGKILL)", from its exit code
    (−N: killed by signal N). The executor terminates the other workers (SIGTERM) once one is
    dead, so a SIGTERM is named only when no worker ended otherwise. The workers are the
    executor's own table of them (``_processes``, which the typeshed stubs declare); a dead
    worker's pipe closes a moment before the system can report its exit, hence the join."""
    codes = []
    for process in workers:
        process.join(timeout=5)
        if process.exitcode:
            codes.append(process.exitcode)
    codes.sort(key=lambda code: code == -signal.SIGTERM)
    how = "abruptly"
    if codes and codes[0] < 0:
        number = -codes[0]
        with contextlib.suppress(ValueError):
            how = f"(signal {number}: {signal.Signals(number).name})"
        if how == "abruptly":
            how = f"(signal {number})"
    elif codes:
        how = f"(exit status {codes[0]})"
    return (
        f"a worker process died {how}, perhaps killed by the out-of-memory killer; "
        "the run stopped (try fewer --jobs, or --jobs 1)"
    )


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


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


def _reference_fit(
    path: Path,
    table: ProductTable,
    given: ReferenceModel | None,
    reference_size: int,
    pool: ProcessPoolExecutor | None,
    jobs: int = 1,
) -> Callable[[], ReferenceModel]:
    """Start choosing the model; the returned call gives it (waiting for a worker's fit)."""
    if given is not None:
        return lambda: given
    eligible, sample = reference_sample(table.sizes(), reference_size)
    if eligible < MIN_OWN_PRODUCTS:
        print(
            f"detector: using the packaged reference model ({eligible} products with "
            f"{MIN_REVIEWS}+ reviews; {MIN_OWN_PRODUCTS} are needed to fit the file's own)",
            file=sys.stderr,
        )
        return default_reference_model
    print(
        f"detector: fitting the reference model on {len(sample):,} of the file's "
        f"{eligible:,} products with {MIN_REVIEWS}+ reviews",
        file=sys.stderr,
    )
    products = [table.product(index, users=False) for index in sample]
    reviews = [p.reviews for p in products]
    ids = [p.parent_asin or p.asin or "" for p in products]
    source = f"{len(sample)} products of {path.name}"
    if pool is None:
        return lambda: _fit_reference(reviews, ids, source)
    return _parallel_reference_fit(pool, jobs, reviews, ids, source)


def _fit_reference(
    reviews: list[dict[str, np.ndarray]], ids: list[str], source: str
) -> ReferenceModel:
    return fit_reference(reviews, robust=True, sample_ids=ids, source=source)


def _parallel_reference_fit(
    pool: ProcessPoolExecutor,
    pieces: int,
    reviews: list[dict[str, np.ndarray]],
    ids: list[str],
    source: str,
) -> Callable[[], ReferenceModel]:
    """``fit_reference`` in the pool while this process fits the review graph: the sample's
    per-product evidence (``reference_evidence``: its ERO statistics, most of the fit) in one
    piece per worker, then, as soon as the pieces are in, the fit on their evidence joined in
    order (``fit_reference_evidence``) in one worker — the same model as one ``fit_reference``
    call. The returned call waits for it (and raises what a piece or the fit raised, or
    ``BrokenProcessPool`` if a worker died).

    The final fit is submitted by a small thread of this process that waits for the pieces: not
    by a done-callback, which would run in the executor's manager thread and submit from there.
    The thread ends before the returned call returns, so no thread is running when the
    analysis workers are forked."""
    size = -(-len(reviews) // pieces)
    parts = [
        pool.submit(_reference_evidence, reviews[at : at + size], at)
        for at in range(0, len(reviews), size)
    ]
    fitted: list[Future[ReferenceModel]] = []
    failed: list[BaseException] = []

    def fit() -> None:
        try:
            evidence = [item for part in parts for item in part.result()]
            fitted.append(pool.submit(_fit_evidence, evidence, ids, source))
        except BaseException as error:  # raised again by ``model``
            failed.append(error)

    starter = threading.Thread(target=fit, name="reference fit", daemon=True)
    starter.start()

    def model() -> ReferenceModel:
        starter.join()
        if failed:
            raise failed[0]
        return fitted[0].result()

    return model


def _reference_evidence(
    reviews: list[dict[str, np.ndarray]], first_position: int
) -> list[ReferenceEvidence]:
    return reference_evidence(reviews, first_position=first_position)


def _fit_evidence(evidence: list[ReferenceEvidence], ids: list[str], source: str) -> ReferenceModel:
    return fit_reference_evidence(evidence, robust=True, sample_ids=ids, source=source)


def reference_sample(sizes: np.ndarray, reference_size: int) -> tuple[int, list[int]]:
    """(products with 20+ reviews, a seeded uniform sample of up to ``reference_size`` of them,
    as product indices in the order reservoir sampling leaves them: Algorithm R, seed 0)."""
    rng = np.random.default_rng(0)
    sample: list[int] = []
    eligible = 0
    for index in np.flatnonzero(sizes >= MIN_REVIEWS).tolist():
        eligible += 1
        if len(sample) < reference_size:
            sample.append(index)
        elif (slot := int(rng.integers(eligible))) < reference_size:
            sample[slot] = index
    return eligible, sample


# --- verdicts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    model: ReferenceModel
    params: AnalysisParams
    as_json: bool
    graph: FileGraph
    review_lines: bool  # --reviews-out
    table: ProductTable


_worker_state: dict[str, _State] = {}


def _init_worker(state: _State | None) -> None:
    if state is not None:  # spawn: the state comes pickled; fork: the parent set it already
        _worker_state["state"] = state


@dataclass(frozen=True)
class _Batch:
    """A batch of products' output as a worker hands it back: the verdict lines as one UTF-8
    blob (each line ending in a newline), the --reviews-out lines joined, and the CPU seconds
    spent in ``analyze`` and in building and encoding the JSON records.

    One ``bytes`` per batch rather than a ``str`` per product: a verdict line is ~20 kB (the
    bench file's 20,000 lines are 414 MB), and each str was decoded from orjson's bytes, pickled
    to the parent as UTF-8, decoded there and encoded again by ``print``; a bytes blob is copied
    through the pipe and written to stdout's buffer as it is (measured on the bench output:
    8.4 -> 4.1 s CPU over the processes)."""

    lines: bytes
    review_lines: str
    products: int
    analysing: float
    rendering: float
    written: bool = False  # by the worker itself (``_OrderedWriter``): lines and review lines empty


def _lines(indices: range) -> _Batch:
    """The products' verdict lines (and --reviews-out lines).

    CPU time (``time.process_time``: this process's), not wall time: with ``--jobs`` workers on
    a shared machine a worker waits for a core, and wall time inside ``analyze`` doubled what a
    product costs (7.6 ms "in analyze" against ~4 ms of CPU, issue 18)."""
    state = _worker_state["state"]
    lines: list[bytes] = []
    review_lines: list[str] = []
    analysing = rendering = 0.0
    for index in indices:
        product = state.table.product(index, users=False)
        scores = state.graph.product_scores(index)
        start = time.process_time()
        verdict = analyze(
            product.reviews, reference=state.model, params=state.params, reviewer_scores=scores
        )
        analysing += time.process_time() - start
        if state.review_lines:
            review_lines.extend(state.graph.review_lines(index, product, verdict))
        if state.as_json:
            start = time.process_time()
            lines.append(_json_line(product.product, verdict))
            rendering += time.process_time() - start
        else:
            lines.append(_table_row(product, verdict).encode("utf-8"))
    blob = b"\n".join([*lines, b""]) if lines else b""  # one copy: each line, a newline
    return _Batch(blob, "".join(review_lines), len(lines), analysing, rendering)


def _json_line(product: dict[str, str | None], verdict: Verdict) -> bytes:
    """The verdict's JSON line, encoded once (``detector.verdict_json``: the same bytes as
    orjson on the checked ``to_dict()``)."""
    record = {"product": product, **verdict.to_dict(checked=False)}
    return verdict_json.encode(record, checked=lambda: {"product": product, **verdict.to_dict()})


def _print_verdicts(args: argparse.Namespace, state: _State, out: TextIO, stages: Stages) -> None:
    if not args.json:
        print(_table_header(), file=out)
    write = _byte_writer(out)
    with contextlib.ExitStack() as stack:
        reviews_out = stack.enter_context(_open_out(args.reviews_out)) if args.reviews_out else None
        bar = stack.enter_context(
            _progress(args.file, "analysing", state.table.n_products, unit="product")
        )
        writer = None
        if args.jobs > 1 and _context().get_start_method() == "fork":
            writer = _OrderedWriter.for_streams(out, reviews_out)
        for number, batch in enumerate(_verdict_batches(state, args.jobs, writer)):
            stages.add("detector.analyze (cpu)", batch.analysing)
            stages.add("JSON record (cpu)", batch.rendering)
            if writer is not None:
                if not batch.written:
                    writer.write(number, batch)
            else:
                write(batch.lines)
                if reviews_out is not None:
                    reviews_out.write(batch.review_lines)
            bar.update(batch.products)


class _OrderedWriter:
    """The verdict lines (and --reviews-out lines) written by whichever process has them, in
    batch order: a forked worker that finishes batch k when batches 0..k−1 are already written
    writes it itself (``write_if_turn``) instead of sending its bytes through the pool's pipe;
    otherwise the batch goes back to the parent, which writes it in turn (``write``).

    The turn (the next batch to write) is a shared counter under one lock, and every write is an
    ``os.write`` to the inherited file descriptors under that lock, so the bytes reach the files
    in batch order whoever writes them. Why: a worker's verdicts are ~20 kB a product (414 MB
    for the bench file's 20,000), and receiving them cost the parent 3.3 s of CPU beside the two
    analysing workers on a two-core machine (pickled, piped, unpickled, written)."""

    def __init__(self, out_fd: int, reviews_fd: int | None) -> None:
        context = _context()
        self.lock = context.Lock()
        self.turn = context.RawValue("q", 0)
        self.fds = (out_fd, reviews_fd)
        # the parent's check while it waits for the lock: a worker killed holding it never frees it
        self.abandoned: Callable[[], bool] = lambda: False

    @classmethod
    def for_streams(cls, out: TextIO, reviews_out: TextIO | None) -> _OrderedWriter | None:
        """For ``out`` (and ``reviews_out``) when they are UTF-8 files with descriptors (stdout,
        a file); None otherwise (``io.StringIO`` in the tests): the parent writes everything."""
        streams = [out] if reviews_out is None else [out, reviews_out]
        fds: list[int] = []
        for stream in streams:
            try:
                fds.append(stream.fileno())
            except (AttributeError, OSError, ValueError):
                return None
            if not _encodes_utf8(stream):
                return None
            stream.flush()  # the table's header, printed as text, goes first
        return cls(fds[0], fds[1] if len(fds) > 1 else None)

    def write_if_turn(self, number: int, batch: _Batch) -> bool:
        """Write batch ``number`` if every batch before it is written (a worker's call)."""
        with self.lock:
            return self._write_in_turn(number, batch)

    def write(self, number: int, batch: _Batch) -> None:
        """Write batch ``number``, whose turn it is (the parent's call: it sees the batches in
        order, each earlier one written by a worker or by itself already). A worker killed while
        holding the lock (checking its turn) would keep it forever: the wait gives up with
        ``WorkerDied`` once ``abandoned()`` says the pool broke."""
        while not self.lock.acquire(timeout=1.0):
            if self.abandoned():
                raise WorkerDied(
                    "a worker process died holding the output lock; the run stopped "
                    "(try fewer --jobs, or --jobs 1)"
                )
        try:
            if not self._write_in_turn(number, batch):
                raise RuntimeError(f"batch {number} out of turn ({self.turn.value})")
        finally:
            self.lock.release()

    def _write_in_turn(self, number: int, batch: _Batch) -> bool:
        """Under the lock: write batch ``number`` and pass the turn on, if the turn is its."""
        if self.turn.value != number:
            return False
        self._write(batch)
        self.turn.value += 1
        return True

    def _write(self, batch: _Batch) -> None:
        out_fd, reviews_fd = self.fds
        _write_all(out_fd, batch.lines)
        if reviews_fd is not None:
            _write_all(reviews_fd, batch.review_lines.encode("utf-8"))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _byte_writer(out: TextIO) -> Callable[[bytes], object]:
    """Write UTF-8 lines to ``out``: straight to its byte buffer when it has one (stdout, a file
    opened as text), else decoded (``io.StringIO`` in the tests)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None or not _encodes_utf8(out):
        return lambda blob: out.write(blob.decode("utf-8"))
    out.flush()  # the table's header, printed as text, goes first
    return buffer.write  # type: ignore[no-any-return]


def _encodes_utf8(stream: TextIO) -> bool:
    """Whether text written to ``stream`` reaches its bytes as UTF-8 (``utf-8``, ``UTF8``, …),
    so the verdicts' UTF-8 bytes may go to its buffer or descriptor directly."""
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "") == "utf8"


def _verdict_batches(
    state: _State, jobs: int, writer: _OrderedWriter | None = None
) -> Iterator[_Batch]:
    """Batches of products in order; with ``jobs`` > 1, analysed by forked workers that see the
    columns, the graph and the model in memory (only product indices and lines are sent) and,
    given a ``writer``, write the batches whose turn it is themselves."""
    count = state.table.n_products
    batches = [range(start, min(start + _BATCH, count)) for start in range(0, count, _BATCH)]
    if jobs == 1:
        _worker_state["state"] = state
        yield from map(_lines, batches)
        return
    forked = _context().get_start_method() == "fork"
    if forked:
        _worker_state["state"] = state
        _worker_writer[:] = [] if writer is None else [writer]
    with _executor(jobs, _init_worker, (None if forked else state,)) as executor:
        # every batch submitted at once (a range each), its result dropped once yielded
        pending = deque(executor.submit(_written_lines, job) for job in enumerate(batches))
        if writer is not None:
            writer.abandoned = functools.partial(_broken, pending)
        while pending:
            yield pending.popleft().result()


def _broken(futures: Iterable[Future[_Batch]]) -> bool:
    """Whether the pool broke (a worker died): it fails every task not finished, so one of
    ``futures`` (those not yet yielded) holds ``BrokenProcessPool``."""
    return any(
        future.done()
        and not future.cancelled()
        and isinstance(future.exception(), BrokenProcessPool)
        for future in futures
    )


_worker_writer: list[_OrderedWriter] = []  # set before the fork: the workers inherit it


def _written_lines(job: tuple[int, range]) -> _Batch:
    """``_lines`` of batch ``number``, written here if its turn has come (then only the counts
    go back to the parent)."""
    number, indices = job
    batch = _lines(indices)
    if _worker_writer and _worker_writer[0].write_if_turn(number, batch):
        return replace(batch, lines=b"", review_lines="", written=True)
    return batch


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


def _write_groups(args: argparse.Namespace, columns: ReviewColumns) -> None:
    """``--groups-out``: collusion groups (``detector.groups``) over the columns already read,
    in file order (no second reading of the file); the writing is ``detector.groups.cli``'s."""
    events = review_events(
        reviewer_id=columns.user_ids(),
        product_id=columns.product_ids(),
        seller_id=columns.seller_ids(),
        rating=columns.rating,
        timestamp_ms=columns.timestamp_ms,
    )
    group_cli.write_groups(args, events)  # labels, find_groups, lines: as python -m detector.groups
