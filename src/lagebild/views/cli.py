"""The `lagebild` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn, Optional

import click
import typer
from rich.markup import escape
from rich.table import Table
from typer.exceptions import TyperException

from ..config import Settings
from ..errors import BadOption, LagebildError
from ..ingest import RecordBuilder, Reject, read_inputs
from ..logs import configure as configure_logging
from ..model import Article, Report
from .progress import record_progress, stderr

if TYPE_CHECKING:
    from ..pipeline import Extractor
    from ..store.queries import EventFilter
    from ..workers import ParallelExtractor

log = logging.getLogger(__name__)

app = typer.Typer(
    help="lagebild: turn news reports into a sourced situation picture (who did what, where, when, how many, "
         "and who says so).",
    no_args_is_help=True, add_completion=False, rich_markup_mode="rich")

EXIT_REJECTS = 1
EXIT_ERROR = 2

DbOption = typer.Option(None, "--db", help="DuckDB store file [default: lagebild.duckdb, or $LAGEBILD_DB]")
PathsArgument = typer.Argument(..., help="Files, directories or - for stdin (.txt with header, .jsonl, .json, "
                                          ".csv/.tsv, .html, .warc/.warc.gz, .rss/.atom/.xml feeds and sitemaps)")
RejectsOption = typer.Option(None, "--rejects", help="Also write rejected records as JSON lines to this file")
LangOption = typer.Option(None, "--lang", help="Language of records without a `lang` field, instead of detecting it "
                                               "(de or en)")
JobsOption = typer.Option(1, "--jobs", "-j", min=1, max=256,
                          help="Worker processes, each with its own pipeline (one per core); output keeps input order")


class ReportFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    acled_csv = "acled-csv"
    geojson = "geojson"
    claims_csv = "claims-csv"
    claims_parquet = "claims-parquet"


ModelOption = typer.Option(None, "--model", help="Entity model: accurate (fine-tuned encoder) or fast (CNN) "
                                                 "[default: accurate, or $LAGEBILD_MODEL]")


def _settings(db: Optional[Path] = None, model: Optional[str] = None) -> Settings:
    return Settings.from_env(db_path=db, model=model)
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")


def _one_line(text: object) -> str:
    """Text for one output line: line breaks and other control characters shown as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _choice(value: Optional[str], option: str, valid: Iterable[str]) -> Optional[str]:
    """The value, normalised to its spelling among `valid`; an unknown one is an error naming the valid values."""
    if value is None:
        return None
    by_key = {v.casefold(): v for v in valid}
    if value.strip().casefold() not in by_key:
        raise BadOption(f"{option} {value!r} is not one of {', '.join(by_key.values())}")
    return by_key[value.strip().casefold()]


class RejectLog:
    """Lists rejects on stderr and, if asked, in a JSON-lines file."""

    def __init__(self, path: Optional[Path]) -> None:
        self.count = 0
        self._file: IO[str] | None = path.open("w", encoding="utf-8") if path else None

    def add(self, reject: Reject) -> None:
        self.count += 1
        stderr.print(f"[yellow]reject[/] {escape(_one_line(reject.origin))}: {escape(_one_line(reject.reason))} "
                     f"[dim]({reject.code.value})[/]", highlight=False, markup=True)
        if self._file:
            self._file.write(json.dumps(reject.to_json_dict(), ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._file:
            self._file.close()


def _builder(settings: Settings, lang: Optional[str]) -> RecordBuilder:
    if lang is not None and lang not in settings.languages:
        raise BadOption(f"--lang {lang!r} is not supported; choose from {', '.join(settings.languages)}")
    return RecordBuilder(settings, lang)


def _extractor(settings: Settings, jobs: int) -> Extractor | ParallelExtractor:
    """The in-process Extractor for one job, else a pool of `jobs` worker processes (closed by the caller)."""
    if jobs > 1:
        from ..workers import ParallelExtractor

        return ParallelExtractor(settings, jobs)
    from ..pipeline import Extractor

    return Extractor(settings, settle_heap=True)


def _extracted(paths: list[str], settings: Settings, rejects: RejectLog, lang: Optional[str] = None,
               jobs: int = 1) -> Iterator[str]:
    """The reports of the inputs as JSON lines (made by the workers with `jobs` > 1); rejects go to `rejects`."""
    extractor = _extractor(settings, jobs)  # first: the workers load their pipelines while the parent reads
    items = read_inputs(paths, _builder(settings, lang))
    with closing_extractor(extractor), record_progress("extracting") as progress:
        task = progress.task_ids[0]
        for item in extractor.lines(items):
            if isinstance(item, Reject):
                rejects.add(item)
                progress.update(task, rejects=rejects.count)
            else:
                progress.advance(task)
                progress.update(task, reports=int(progress.tasks[0].completed))
                yield item


@app.command()
def extract(
    paths: list[str] = PathsArgument,
    format: ReportFormat = typer.Option(ReportFormat.json, "--format", "-f",
                                        help="json: one object for one article, an array for several; "
                                             "jsonl: one report per line"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write reports here instead of stdout"),
    rejects_file: Optional[Path] = RejectsOption,
    model: Optional[str] = ModelOption,
    lang: Optional[str] = LangOption,
    jobs: int = JobsOption,
) -> None:
    """Extract reports from articles and print them as JSON (streams; memory stays flat)."""
    settings = _settings(model=model)
    _builder(settings, lang)
    rejects = RejectLog(rejects_file)
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        _write_reports(_extracted(paths, settings, rejects, lang, jobs), stream, format)
    finally:
        if out:
            stream.close()
        rejects.close()
    _log_cpu("extract")
    raise typer.Exit(EXIT_REJECTS if rejects.count else 0)


def _log_cpu(command: str) -> None:
    """Log (LAGEBILD_LOG=info) the CPU seconds of this process and of its worker processes, once they have ended."""
    used = os.times()
    log.info("%s: CPU %.2f s in this process, %.2f s in worker processes", command, used.user + used.system,
             used.children_user + used.children_system)


@contextmanager
def closing_extractor(extractor: object) -> Iterator[None]:
    """Stop an extractor's worker processes, if it has any, when the block ends."""
    try:
        yield
    finally:
        close = getattr(extractor, "close", None)
        if close is not None:
            close()


def _write_reports(lines: Iterable[str], stream: IO[str], format: ReportFormat) -> None:
    """Reports given as JSON lines, written one a line (jsonl) or as one value (json: an array for several)."""
    if format is ReportFormat.jsonl:
        for line in lines:
            stream.write(line + "\n")
        return
    first: str | None = None
    count = 0
    for line in lines:
        count += 1
        if count == 1:
            first = line
            continue
        if count == 2:
            stream.write("[\n" + first + ",\n")  # type: ignore[operator]
        else:
            stream.write(",\n")
        stream.write(line)
    if count == 1:
        stream.write(first + "\n")  # type: ignore[operator]
    elif count >= 2:
        stream.write("\n]\n")
    else:
        stream.write("[]\n")


def ingest_paths(paths: list[str], settings: Settings, rejects: RejectLog, force: bool = False,
                 lang: Optional[str] = None, jobs: int = 1, reextract: bool = False) -> dict[str, int]:
    """Extract and store; articles already stored with the same text and metadata are skipped unless `force`.

    With `reextract`, stored articles whose generator differs are extracted again. Then fuse every article that
    waits for it, including those a crashed earlier run stored but did not fuse.
    """
    from itertools import islice

    from ..fuse import fuse
    from ..store import Store
    from ..store.store import article_fingerprint, text_hash

    counts = {"stored": 0, "unchanged": 0, "rejected": 0}
    extractor = _extractor(settings, jobs)  # first: the workers load their pipelines while the parent reads
    items = read_inputs(paths, _builder(settings, lang))
    with closing_extractor(extractor), Store(settings.db_path) as store, record_progress("ingesting") as progress:
        task = progress.task_ids[0]

        def fresh() -> Iterator[Article | Reject]:
            """The articles to extract (not stored yet with this text and metadata, unless `force`), and rejects."""
            sent: set[str] = set()  # ids sent for extraction in this run: a repeat is the same record again
            while batch := list(islice(items, settings.store_batch_size)):
                articles = [item for item in batch if isinstance(item, Article)]
                known = {} if force else store.known_fingerprints([a.id for a in articles])
                for item in batch:
                    if isinstance(item, Reject):
                        yield item
                    elif item.id in sent or known.get(item.id) == article_fingerprint(
                            text_hash(item.text), item.lang, item.source, item.url, item.title,
                            item.published.text if item.published else None):
                        counts["unchanged"] += 1
                    else:
                        sent.add(item.id)
                        yield item
                progress.update(task, advance=len(articles))

        def write(reports: list[Report], batch_rejects: list[Reject]) -> None:
            store.write(reports, batch_rejects)
            for reject in batch_rejects:
                rejects.add(reject)
            counts["stored"] += len(reports)
            counts["rejected"] += len(batch_rejects)
            progress.update(task, reports=counts["stored"], rejects=counts["rejected"])
            log.info("ingest %s: %d stored, %d unchanged, %d rejected so far", settings.db_path.name, counts["stored"],
                     counts["unchanged"], counts["rejected"])

        # The workers keep extracting while the parent stores: their output is written every store batch.
        reports: list[Report] = []
        batch_rejects: list[Reject] = []
        for item in extractor.reports(fresh()):
            (batch_rejects if isinstance(item, Reject) else reports).append(item)  # type: ignore[arg-type]
            if len(reports) + len(batch_rejects) >= settings.store_batch_size:
                write(reports, batch_rejects)
                reports, batch_rejects = [], []
        if reports or batch_rejects:
            write(reports, batch_rejects)
        if reextract:
            from ..pipeline import Extractor
            from ..reextract import reextract as reextract_stored

            counts["reextracted"] = len(reextract_stored(store, Extractor(settings), settings.store_batch_size))
        if waiting := store.unfused():
            fuse(store, waiting)  # re-cluster only the event types these articles touch
            store.mark_fused(waiting)
            log.info("ingest %s: fused the events of %d articles", settings.db_path.name, len(waiting))
    return counts


@app.command()
def ingest(
    paths: Optional[list[str]] = typer.Argument(None, help="Files, directories or - for stdin (.txt with header, "
                                                 ".jsonl, .json, .csv/.tsv, .html); none with --reextract"),
    db: Optional[Path] = DbOption,
    rejects_file: Optional[Path] = RejectsOption,
    force: bool = typer.Option(False, "--force", help="Re-extract articles even if stored with the same text"),
    reextract: bool = typer.Option(False, "--reextract", help="Also re-extract stored articles whose generator "
                                                               "(lagebild version, model, lexicon) differs"),
    model: Optional[str] = ModelOption,
    lang: Optional[str] = LangOption,
    jobs: int = JobsOption,
) -> None:
    """Extract reports and store them in DuckDB (idempotent: an article is stored once, by id)."""
    if not paths and not reextract:
        raise BadOption("give files, directories or - to ingest (or --reextract to refresh the store)")
    settings = _settings(db, model)
    _builder(settings, lang)
    rejects = RejectLog(rejects_file)
    from ..spark import is_output, load_output

    paths = list(paths or [])
    spark_outputs = [p for p in paths if is_output(p)]  # folders written by `lagebild spark extract`
    others = [p for p in paths if p not in spark_outputs]
    try:
        counts = ingest_paths(others, settings, rejects, force, lang, jobs, reextract) if others or reextract else \
            {"stored": 0, "unchanged": 0, "rejected": 0}
        for output in spark_outputs:
            loaded = load_output(output, settings)
            counts = {k: counts[k] + loaded[k] for k in counts}
    finally:
        rejects.close()
    again = f", {counts['reextracted']} re-extracted" if "reextracted" in counts else ""
    stderr.print(f"{counts['stored']} stored, {counts['unchanged']} unchanged{again}, {counts['rejected']} rejected "
                 f"→ {settings.db_path}")
    _log_cpu("ingest")
    raise typer.Exit(EXIT_REJECTS if counts["rejected"] else 0)


def _print_rows(rows: list[dict], columns: list[str], as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=1))
        return
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    from rich.console import Console

    Console().print(table)


@app.command()
def query(
    text: Optional[str] = typer.Argument(None, help="Words to find in titles and texts"),
    db: Optional[Path] = DbOption,
    lang: Optional[str] = typer.Option(None, help="Only articles in this language (de, en)"),
    since: Optional[str] = typer.Option(None, help="Published on or after this date (YYYY[-MM[-DD]])"),
    until: Optional[str] = typer.Option(None, help="Published on or before this date"),
    limit: int = typer.Option(100, min=1, max=100_000),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table"),
) -> None:
    """Find stored articles and show what was extracted from each."""
    from ..store import Store
    from ..store.queries import search_articles

    with Store(_settings(db).db_path, read_only=True) as store:
        rows = search_articles(store, text, lang, _day(since, "since", first=True), _day(until, "until"), limit)
    _print_rows(rows, ["id", "lang", "published", "source", "title", "entities", "quantities", "quotes", "events"],
                as_json, f"{len(rows)} articles")


def _day(value: Optional[str], option: str, first: bool = False) -> Optional[date]:
    if value is None:
        return None
    from ..dates import parse_partial_date

    try:
        interval = parse_partial_date(value)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint=f"--{option}") from None
    return interval.earliest if first else interval.latest


def _event_filter(type: Optional[str], place: Optional[str], since: Optional[str], until: Optional[str],
                  modality: Optional[str], source_kind: Optional[str]) -> EventFilter:
    from typing import get_args

    from ..model import Modality, Source
    from ..store.queries import EventFilter

    source_kinds = get_args(Source.model_fields["kind"].annotation)
    return EventFilter(type=_choice(type, "--type", PLOVER_TYPES), place=place,
                       since=_day(since, "since", first=True), until=_day(until, "until"),
                       modality=_choice(modality, "--modality", get_args(Modality)),
                       source_kind=_choice(source_kind, "--source-kind", source_kinds))


TypeOption = typer.Option(None, "--type", help="PLOVER event type, e.g. PROTEST, COERCE, ASSAULT")
PlaceOption = typer.Option(None, "--place", help="Place name (substring) or ISO country code")
SinceOption = typer.Option(None, "--since", help="Events that may have happened on or after this date")
UntilOption = typer.Option(None, "--until", help="Events that may have happened on or before this date")
ModalityOption = typer.Option(None, "--modality", help="asserted, reported, rumored, negated, planned, ordered, "
                                                       "hypothetical")
SourceKindOption = typer.Option(None, "--source-kind", help="named, official, media, witness, rumor, author")


@app.command()
def events(
    db: Optional[Path] = DbOption,
    type: Optional[str] = TypeOption,
    place: Optional[str] = PlaceOption,
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    modality: Optional[str] = ModalityOption,
    source_kind: Optional[str] = SourceKindOption,
    limit: int = typer.Option(200, min=1, max=100_000),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table"),
) -> None:
    """List stored events with where, when, and who says so."""
    from ..store import Store
    from ..store.queries import list_events

    filters = _event_filter(type, place, since, until, modality, source_kind)
    with Store(_settings(db).db_path, read_only=True) as store:
        rows = list_events(store, filters, limit)
    for row in rows:
        row["when"] = row["time_text"] or row["published_value"] or ""
        row["where"] = row["place_name"] or row["location_name"] or ""
        row["who says"] = f"{row['source_kind']}: {row['source_name'] or row['source_text'] or ''}".rstrip(": ")
    _print_rows(rows, ["earliest", "type", "mode", "modality", "where", "when", "trigger_text", "who says",
                       "article_id"], as_json, f"{len(rows)} events")


@app.command()
def export(
    format: ExportFormat = typer.Option(..., "--format", "-f",
                                        help="jsonl, parquet, acled-csv, geojson, claims-csv or claims-parquet"),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="Output file (required for parquet and claims-parquet; else stdout)"),
    db: Optional[Path] = DbOption,
    type: Optional[str] = TypeOption,
    place: Optional[str] = PlaceOption,
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    modality: Optional[str] = ModalityOption,
    source_kind: Optional[str] = SourceKindOption,
) -> None:
    """Export the store: full reports (jsonl), events (parquet, geojson), clusters (acled-csv), claims (claims-*)."""
    from ..store import Store
    from .claim_export import export_claims_csv, export_claims_parquet
    from .export import TEXT_EXPORTS, export_parquet

    filters = _event_filter(type, place, since, until, modality, source_kind)
    binary = {ExportFormat.parquet: export_parquet, ExportFormat.claims_parquet: export_claims_parquet}
    text = {**TEXT_EXPORTS, "claims-csv": export_claims_csv}
    with Store(_settings(db).db_path, read_only=True) as store:
        if format in binary:
            if out is None:
                raise typer.BadParameter(f"{format.value} needs a file: --out FILE.parquet", param_hint="--out")
            count = binary[format](store, out, filters)
        else:
            stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
            try:
                count = text[format.value](store, stream, filters)
            finally:
                if out:
                    stream.close()
    unit = {"jsonl": "reports", "acled-csv": "clusters", "claims-csv": "claims", "claims-parquet": "claims"}.get(
        format.value, "events")
    stderr.print(f"exported {count} {unit}"
                 + (f" → {out}" if out else ""))


@app.command()
def demo(
    db: Path = typer.Option(Path("lagebild-demo.duckdb"), "--db", help="Store for the demo"),
) -> None:
    """Ingest the bundled example articles and print a readable situation summary."""
    from importlib.resources import files

    from .summary import print_summary

    examples = files("lagebild") / "examples"
    settings = _settings(db)
    rejects = RejectLog(None)
    counts = ingest_paths([str(examples)], settings, rejects)
    stderr.print(f"{counts['stored']} example articles stored, {counts['unchanged']} unchanged → {db}")
    print_summary(settings.db_path)
    from ..store import Store
    from .timeline import print_timeline

    with Store(settings.db_path, read_only=True) as store:
        print_timeline(store)
    stderr.print(f"\nSee the picture in your browser: [bold].venv/bin/lagebild serve --db {db}[/] "
                 "then open http://127.0.0.1:8000/")


@app.command("fuse")
def fuse_command(db: Optional[Path] = DbOption) -> None:
    """Merge event mentions from all stored articles into event clusters (idempotent; ingest does this too)."""
    from ..fuse import fuse
    from ..store import Store

    with Store(_settings(db).db_path) as store:
        counts = fuse(store)
        store.mark_fused()
    stderr.print(f"{counts['clusters']} clusters: {counts['written']} written, {counts['removed']} removed, "
                 f"{counts['unchanged']} unchanged")


@app.command()
def timeline(
    db: Optional[Path] = DbOption,
    place: Optional[str] = PlaceOption,
    since: Optional[str] = SinceOption,
    type: Optional[str] = TypeOption,
    limit: int = typer.Option(500, min=1, max=100_000),
) -> None:
    """A timeline of event clusters with their figures per source, conflicts marked."""
    from ..store import Store
    from .timeline import print_timeline

    type, first_day = _choice(type, "--type", PLOVER_TYPES), _day(since, "since", first=True)
    with Store(_settings(db).db_path, read_only=True) as store:
        print_timeline(store, place=place, since=first_day, type=type, limit=limit)


@app.command()
def serve(
    db: Optional[Path] = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)"),
    port: int = typer.Option(8000, "--port", help="Port to listen on (0: any free port; the URL is printed)"),
) -> None:
    """Serve a read-only JSON API and web pages over the store (timeline, map, clusters, articles)."""
    from .web.serve import serve as run_server

    run_server(_settings(db).db_path, host=host, port=port)


@app.command("fetch")
def fetch_command(
    sources: list[str] = typer.Argument(..., help="Feed or sitemap URLs (or files) to save with their linked pages"),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the feeds; pages go to its .pages/ folder"),
) -> None:
    """Save feeds and the pages their entries link to, so `ingest` can read them offline (the only network use)."""
    from ..ingest.fetch import fetch

    done = fetch(sources, out)
    for problem in done.failed:
        stderr.print(f"[yellow]not fetched[/] {problem}", highlight=False)
    stderr.print(f"{len(done.feeds)} feeds, {done.pages} pages saved, {done.known} already there → {out}")
    raise typer.Exit(EXIT_REJECTS if done.failed else 0)


@app.command()
def watch(
    feeds: list[str] = typer.Argument(..., help="Feed or sitemap URLs (or files) to poll"),
    db: Optional[Path] = DbOption,
    every: str = typer.Option("10m", "--every", help="Time between polls: 30s, 10m, 1h"),
    max_polls: Optional[int] = typer.Option(None, "--max-polls", min=1, help="Stop after this many polls"),
    workdir: Optional[Path] = typer.Option(None, "--dir", help="Where fetched feeds and pages are kept "
                                                                "[default: the store's name + .feeds]"),
) -> None:
    """Poll feeds, ingest what is new, and print new clusters and new conflicts as they appear."""
    from .watch import parse_every
    from .watch import watch as run_watch

    settings = _settings(db)
    seconds = parse_every(every)
    rejects = RejectLog(None)
    folder = workdir or settings.db_path.with_name(settings.db_path.name + ".feeds")
    try:
        run_watch(feeds, settings, folder, seconds, max_polls, lambda paths: ingest_paths(paths, settings, rejects),
                  lambda line: typer.echo(line))
    finally:
        rejects.close()


spark_app = typer.Typer(help="Run the extractor with Spark, on a cluster or in local mode.", no_args_is_help=True)
app.add_typer(spark_app, name="spark")


class SparkFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    warc = "warc"


@spark_app.command("extract")
def spark_extract(
    source: str = typer.Argument(..., help="Input on any Hadoop-compatible path (file:, hdfs:, s3a:; globs work)"),
    out: str = typer.Argument(..., help="Output folder for the Parquet tables (overwritten)"),
    format: Optional[SparkFormat] = typer.Option(None, "--format", help="jsonl, parquet or warc [default: by "
                                                                         "extension]"),
    partitions: Optional[int] = typer.Option(None, "--partitions", min=1, help="Spread the articles over this many "
                                                                               "partitions for extraction"),
    master: Optional[str] = typer.Option(None, "--master", help="Spark master [default: spark-submit's, else "
                                                                "local[*]]"),
) -> None:
    """Extract reports with Spark: tables of reports, events, claims and rejects, partitioned by month."""
    from ..spark import extract as run_extract
    from ..spark import session

    spark = session(master)
    try:
        manifest = run_extract(spark, source, out, format.value if format else None, partitions)
    finally:
        spark.stop()
    counts = ", ".join(f"{n} {t}" for t, n in manifest["counts"].items())
    stderr.print(f"{counts} → {out}" + (f"\n{manifest['note']}" if manifest["note"] else ""))
    raise typer.Exit(EXIT_REJECTS if manifest["counts"]["rejects"] else 0)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a report (schema/report-v2.schema.json)."""
    from ..model import report_json_schema

    typer.echo(json.dumps(report_json_schema(), indent=2, ensure_ascii=False))


from .tasks import evaluate, train  # noqa: E402

app.command("eval")(evaluate)
app.command("train")(train)


def _error(message: str, label: str = "error") -> NoReturn:
    """Exactly one line on stderr, then exit status 2."""
    stderr.print(f"[red]{label}[/] {escape(_one_line(message))}", highlight=False)
    sys.exit(EXIT_ERROR)


def main() -> None:
    """Entry point: run the app; errors become one readable line and an exit status, not a traceback."""
    configure_logging()
    try:
        code = app(standalone_mode=False)
    except typer.Exit as done:
        code = done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        stderr.print("aborted")
        sys.exit(130)
    except LagebildError as err:
        _error(str(err))
    except OSError as err:
        _error(f"{err.strerror or err}: {err.filename or ''}")
    except (click.ClickException, TyperException) as err:  # a usage error: wrong option, missing argument, value
        ctx = getattr(err, "ctx", None)
        command = f" (see {ctx.command_path} --help)" if ctx else ""
        _error(err.format_message() + command)
    except Exception as err:  # noqa: BLE001
        if os.environ.get("LAGEBILD_DEBUG"):
            raise
        _error(f"{type(err).__name__}: {err} (an internal error: please report it; LAGEBILD_DEBUG=1 shows the "
               "traceback)", "internal error")
    sys.exit(code if isinstance(code, int) else 0)
