"""From Articles to Reports: batch the stream, run each language's pipeline, build the reports."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from .config import Settings
from .errors import RejectCode
from .extract import TEXT_KEY
from .extract.report import build_report
from .ingest.base import Reject
from .lang import Pipelines
from .malloc import keep_freed_memory
from .model import Article, Report

GC_YOUNG_THRESHOLD = 10_000  # allocations between young collections (Python's default: 700)


class Extractor:
    """Runs articles through the per-language pipelines, in batches, keeping input order.

    `settle_heap`: for a process that does little else (the command line), after the first batch `settle_heap()`.
    """

    def __init__(self, settings: Settings | None = None, settle_heap: bool = False) -> None:
        self.settings = settings or Settings.from_env()
        keep_freed_memory()  # the CNN's per-batch arrays reuse freed heap instead of fresh pages (same results)
        self.pipelines = Pipelines(self.settings)
        self._unsettled = settle_heap

    def generator(self, lang: str) -> dict:
        """What the reports of `lang` record as their generator (lagebild version, model, lexicon hash)."""
        from .extract.claimset import generator_for

        return generator_for(self.pipelines.get(lang))

    def report(self, article: Article) -> Report:
        """The report for one article."""
        return next(self.reports([article]))  # type: ignore[return-value]

    def reports(self, items: Iterable[Article | Reject]) -> Iterator[Report | Reject]:
        """Reports for the articles of a stream; rejects pass through in place."""
        iterator = iter(items)
        while batch := list(islice(iterator, self.settings.batch_size)):
            yield from self._run_batch(batch)
            if self._unsettled:  # the pipelines, lexicons and place index the batch needed are loaded now
                self._unsettled = False
                settle_heap()

    def lines(self, items: Iterable[Article | Reject]) -> Iterator[str | Reject]:
        """The reports of a stream as JSON lines (`Report.to_json_line`); rejects pass through in place."""
        for item in self.reports(items):
            yield item if isinstance(item, Reject) else item.to_json_line()

    def _run_batch(self, batch: list[Article | Reject]) -> list[Report | Reject]:
        results: list[Report | Reject | None] = [item if isinstance(item, Reject) else None for item in batch]
        by_lang: dict[str, list[int]] = {}
        for index, item in enumerate(batch):
            if isinstance(item, Article):
                by_lang.setdefault(item.lang, []).append(index)
        for lang, indices in by_lang.items():
            nlp = self.pipelines.get(lang)
            try:
                docs = [self._make_doc(nlp, batch[index]) for index in indices]  # type: ignore[arg-type]
                for index, doc in zip(indices, nlp.pipe(docs, batch_size=self.settings.batch_size)):
                    results[index] = build_report(doc)
            except Exception:  # noqa: BLE001  one article's failure must not lose the batch: find it alone
                for index in indices:
                    results[index] = self._one(nlp, batch[index])  # type: ignore[arg-type]
        return results  # type: ignore[return-value]

    @staticmethod
    def _make_doc(nlp: Language, article: Article) -> Doc:
        """The tokenised Doc of an article, carrying it and its text (the tokenizer keeps the text as it is)."""
        doc = nlp.make_doc(article.text)
        doc._.article = article
        doc.user_data[TEXT_KEY] = article.text  # what `doc.text` would rebuild from the tokens
        return doc

    @staticmethod
    def _one(nlp: Language, article: Article) -> Report | Reject:
        """One article through the pipeline; an internal error becomes a coded reject naming the article."""
        try:
            doc = Extractor._make_doc(nlp, article)
            return build_report(nlp(doc))
        except Exception as err:  # noqa: BLE001
            return Reject(f"id {article.id}", RejectCode.EXTRACTION_FAILED,
                          f"internal error while extracting ({type(err).__name__}: {err}); please report it")


def settle_heap() -> None:
    """Keep what is loaded so far out of the cyclic collector's passes and collect young objects less often.

    A process-wide setting, for a process that extracts many articles and does little else: extraction leaves no
    reference cycles behind (each Doc is freed when its report is built), so the collector's passes over the loaded
    pipelines, lexicons and place index are wasted work.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)
