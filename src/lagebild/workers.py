"""Extraction on several cores: worker processes, each with its own pipelines, reports in input order.

spaCy's own `n_process` sends Docs between processes, and a Doc that carries an Article cannot be sent. Here
the workers receive chunks of Articles and send back Reports (plain pydantic models, which pickle) or, for a
caller that only writes them out, each report already serialised as one JSON line: a string pickles and unpickles
for almost nothing, so the parent process, which shares the cores with the workers, only reads and writes.
Where the platform can fork (Linux), the parent loads the pipelines of the first chunk's languages once, runs its
first article to load what is loaded on first use, freezes the garbage collector's view of those objects
(`gc.freeze`, `pipeline.settle_heap`) and forks the workers: they start with the pipelines in memory, share their pages copy-on-write
(one copy of the weights and lexicons in the caches instead of one per worker) and spend no CPU loading them.
Elsewhere, or with LAGEBILD_WORKER_START=spawn, or when numpy is already imported (its BLAS threads are fixed),
each worker is a fresh (spawned) process that loads its own pipelines. Either way a worker uses one BLAS thread.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from multiprocessing.pool import AsyncResult, Pool
from typing import TypeVar

from .config import Settings
from .ingest.base import Reject
from .model import Article, Report

# Read by OpenBLAS, MKL, BLIS and OpenMP when they load: set in a worker's environment before it imports numpy.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
START_VARIABLE = "LAGEBILD_WORKER_START"  # "spawn": fresh workers even where fork is possible
CHUNK = 8  # articles per task: small enough to keep every worker busy, large enough to batch in spaCy
IN_FLIGHT_PER_JOB = 3  # tasks queued per worker; bounds memory on an endless stream

T = TypeVar("T")
_extractor = None  # the worker process's own Extractor, built once by _start


def _start(settings: Settings) -> None:
    """Worker initialiser: build this process's pipelines."""
    from .pipeline import Extractor

    global _extractor
    _extractor = Extractor(settings, settle_heap=True)  # a worker does nothing else


def _extract(articles: list[Article]) -> list[Report | Reject]:
    """Worker task: the reports of a chunk of articles, in order (an article that failed: its reject)."""
    assert _extractor is not None, "worker not started"
    return list(_extractor.reports(articles))


def _extract_lines(articles: list[Article]) -> list[str | Reject]:
    """Worker task: the reports of a chunk of articles as JSON lines (`Report.to_json_line`), in order."""
    assert _extractor is not None, "worker not started"
    return list(_extractor.lines(articles))


def _thread_limits() -> dict[str, str]:
    """The worker thread settings (one thread each), except where the user set a value."""
    return {name: "1" for name in THREAD_VARIABLES if name not in os.environ}


def start_method() -> str:
    """How workers start: "fork" (inheriting a loaded pipeline) where possible, else "spawn"."""
    if os.environ.get(START_VARIABLE, "fork") == "spawn" or "numpy" in sys.modules:
        return "spawn"  # numpy loaded: its BLAS thread count is set, and forked workers would inherit it
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _loaded_extractor(settings: Settings, first: list[Article | Reject]) -> object:
    """An Extractor with the pipelines of the first articles' languages loaded and run once (for forking)."""
    from .pipeline import Extractor

    extractor = Extractor(settings)
    articles = [item for item in first if isinstance(item, Article)]
    for article in {a.lang: a for a in reversed(articles)}.values():  # the first article of each language
        list(extractor.lines([article]))  # loads the pipeline and what is loaded on first use; the output is not used
    return extractor


class ParallelExtractor:
    """Runs articles through `jobs` worker processes; same `reports` contract as `pipeline.Extractor`."""

    def __init__(self, settings: Settings, jobs: int) -> None:
        self.settings = settings
        self.jobs = jobs
        self.start = start_method()
        self._pool: Pool | None = None
        self._closed = False
        self._threshold = gc.get_threshold()  # the collector's, restored on close after forking changed it
        if self.start == "spawn":  # start now: the workers load their pipelines while the parent reads
            limits = _thread_limits()
            os.environ.update(limits)  # spawned workers inherit this environment, so BLAS loads with one thread
            try:
                self._pool = multiprocessing.get_context("spawn").Pool(jobs, _start, (settings,))
            finally:
                for name in limits:
                    del os.environ[name]

    def _forked_pool(self, first: list[Article | Reject]) -> Pool:
        """Workers forked from this process once it has loaded the pipelines the first articles need."""
        global _extractor
        limits = _thread_limits()
        os.environ.update(limits)  # numpy loads now, its BLAS with one thread; the workers inherit both
        try:
            _extractor = _loaded_extractor(self.settings, first)  # type: ignore[assignment]
            from .pipeline import settle_heap

            self._threshold = gc.get_threshold()
            settle_heap()  # the objects loaded so far stay out of the collector's passes: their pages stay shared
            return multiprocessing.get_context("fork").Pool(self.jobs)
        finally:
            for name in limits:
                del os.environ[name]

    def reports(self, items: Iterable[Article | Reject]) -> Iterator[Report | Reject]:
        """Reports for the articles of a stream, in input order; rejects pass through in place."""
        return self._ordered(items, _extract)

    def lines(self, items: Iterable[Article | Reject]) -> Iterator[str | Reject]:
        """The reports of a stream as JSON lines, made in the workers, in input order; rejects in place."""
        return self._ordered(items, _extract_lines)

    def _ordered(self, items: Iterable[Article | Reject], task: Callable[[list[Article]], list[T]]
                 ) -> Iterator[T | Reject]:
        """`task`'s results for chunks of the stream's articles, in input order, rejects in place."""
        assert not self._closed, "extractor closed"
        pending: deque[tuple[list[Article | Reject], AsyncResult[list[T]]]] = deque()
        iterator = iter(items)
        ahead: list[Article | Reject] = []
        if self._pool is None:  # fork: load what the first chunks need, then start the workers
            ahead = list(islice(iterator, CHUNK * self.jobs))
            self._pool = self._forked_pool(ahead)
        iterator = chain(ahead, iterator)
        while True:
            while len(pending) < self.jobs * IN_FLIGHT_PER_JOB and (chunk := list(islice(iterator, CHUNK))):
                articles = [item for item in chunk if isinstance(item, Article)]
                pending.append((chunk, self._pool.apply_async(task, (articles,))))
            if not pending:
                return
            chunk, result = pending.popleft()
            done = iter(result.get())
            for item in chunk:
                yield item if isinstance(item, Reject) else next(done)

    def close(self) -> None:
        """Stop the workers."""
        global _extractor
        self._closed = True
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            if self.start == "fork":  # the parent's copy served only to be forked: let it go
                _extractor = None
                gc.unfreeze()
                gc.set_threshold(*self._threshold)

    def __enter__(self) -> ParallelExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parallel_reports(items: Iterable[Article | Reject], settings: Settings, jobs: int) -> Iterator[Report | Reject]:
    """Reports for a stream on `jobs` worker processes, in input order."""
    with ParallelExtractor(settings, jobs) as extractor:
        yield from extractor.reports(items)
