"""The `lagebild` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Optional

import typer
from rich.table import Table

from ..config import Settings
from ..errors import BadOption, LagebildError
from ..ingest import RecordBuilder, Reject, read_inputs
from ..logs import configure as configure_logging
from ..model import Article, Report
from .progress import record_progress, stderr

if TYPE_CHECKING:
    from ..store.queries import EventFilter

log = logging.getLogger(__name__)

app = typer.Typer(
    help="lagebild: turn news reports into a sourced situation picture (who did what, where, when, how many, "
         "and who says so).",
    no_args_is_help=True, add_completion=False, rich_markup_mode="rich")

EXIT_REJECTS = 1
EXIT_ERROR = 2

DbOption = typer.Option(None, "--db", help="DuckDB store file [default: lagebild.duckdb, or $LAGEBILD_DB]")
PathsArgument = typer.Argument(..., help="Files, directories or - for stdin (.txt with header, .jsonl, .json, "
                                          ".csv/.tsv, .html)")
RejectsOption = typer.Option(None, "--rejects", help="Also write rejected records as JSON lines to this file")


class ReportFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    parquet = "parquet"
    acled_csv = "acled-csv"
    geojson = "geojson"


ModelOption = typer.Option(None, "--model", help="Entity model: accurate (fine-tuned encoder) or fast (CNN) "
                                                 "[default: accurate, or $LAGEBILD_MODEL]")


def _settings(db: Optional[Path] = None, model: Optional[str] = None) -> Settings:
    return Settings.from_env(db_path=db, model=model)


class RejectLog:
    """Lists rejects on stderr and, if asked, in a JSON-lines file."""

    def __init__(self, path: Optional[Path]) -> None:
        self.count = 0
        self._file: IO[str] | None = path.open("w", encoding="utf-8") if path else None

    def add(self, reject: Reject) -> None:
        self.count += 1
        stderr.print(f"[yellow]reject[/] {reject.origin}: {reject.reason} [dim]({reject.code.value})[/]",
                     highlight=False, markup=True)
        if self._file:
            self._file.write(json.dumps(reject.to_json_dict(), ensure_ascii=False) + "\n")

    def close(self) -> None:
        if self._file:
            self._file.close()


def _extracted(paths: list[str], settings: Settings, rejects: RejectLog) -> Iterator[Report]:
    from ..pipeline import Extractor

    extractor = Extractor(settings)
    items = read_inputs(paths, RecordBuilder(settings))
    with record_progress("extracting") as progress:
        task = progress.task_ids[0]
        for item in extractor.reports(items):
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
) -> None:
    """Extract reports from articles and print them as JSON (streams; memory stays flat)."""
    settings = _settings(model=model)
    rejects = RejectLog(rejects_file)
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        _write_reports(_extracted(paths, settings, rejects), stream, format)
    finally:
        if out:
            stream.close()
        rejects.close()
    raise typer.Exit(EXIT_REJECTS if rejects.count else 0)


def _write_reports(reports: Iterable[Report], stream: IO[str], format: ReportFormat) -> None:
    def dump(report: Report) -> str:
        return json.dumps(report.to_json_dict(), ensure_ascii=False)

    if format is ReportFormat.jsonl:
        for report in reports:
            stream.write(dump(report) + "\n")
        return
    first: str | None = None
    count = 0
    for report in reports:
        count += 1
        if count == 1:
            first = dump(report)
            continue
        if count == 2:
            stream.write("[\n" + first + ",\n")  # type: ignore[operator]
        else:
            stream.write(",\n")
        stream.write(dump(report))
    if count == 1:
        stream.write(first + "\n")  # type: ignore[operator]
    elif count >= 2:
        stream.write("\n]\n")
    else:
        stream.write("[]\n")


def ingest_paths(paths: list[str], settings: Settings, rejects: RejectLog, force: bool = False,
                 reextract: bool = False) -> dict[str, int]:
    """Extract and store; articles already stored with the same text are skipped unless `force`; with
    `reextract`, stored articles whose generator differs are extracted again."""
    from itertools import islice

    from ..fuse import fuse
    from ..pipeline import Extractor
    from ..store import Store
    from ..store.store import text_hash

    counts = {"stored": 0, "unchanged": 0, "rejected": 0}
    stored_ids: list[str] = []
    extractor = Extractor(settings)
    items = read_inputs(paths, RecordBuilder(settings))
    with Store(settings.db_path) as store, record_progress("ingesting") as progress:
        task = progress.task_ids[0]
        while batch := list(islice(items, settings.store_batch_size)):
            articles = [item for item in batch if isinstance(item, Article)]
            batch_rejects = [item for item in batch if isinstance(item, Reject)]
            known = {} if force else store.known_hashes([a.id for a in articles])
            fresh: dict[str, Article] = {}
            for article in articles:
                if known.get(article.id) == text_hash(article.text) or article.id in fresh:
                    counts["unchanged"] += 1
                else:
                    fresh[article.id] = article
            reports = [r for r in extractor.reports(list(fresh.values())) if isinstance(r, Report)]
            store.write(reports, batch_rejects)
            stored_ids.extend(r.article.id for r in reports)
            for reject in batch_rejects:
                rejects.add(reject)
            counts["stored"] += len(reports)
            counts["rejected"] += len(batch_rejects)
            progress.update(task, advance=len(articles), reports=counts["stored"], rejects=counts["rejected"])
            log.info("ingest %s: %d stored, %d unchanged, %d rejected so far", settings.db_path.name, counts["stored"],
                     counts["unchanged"], counts["rejected"])
        if stored_ids:
            fuse(store, stored_ids)  # re-cluster only the event types the stored articles touch
            log.info("ingest %s: fused the events of %d articles", settings.db_path.name, len(stored_ids))
        if reextract:
            from ..reextract import reextract as reextract_stored

            counts["reextracted"] = len(reextract_stored(store, extractor, settings.store_batch_size))
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
) -> None:
    """Extract reports and store them in DuckDB (idempotent: an article is stored once, by id)."""
    if not paths and not reextract:
        raise BadOption("give files, directories or - to ingest (or --reextract to refresh the store)")
    settings = _settings(db, model)
    rejects = RejectLog(rejects_file)
    try:
        counts = ingest_paths(list(paths or []), settings, rejects, force, reextract)
    finally:
        rejects.close()
    again = f", {counts['reextracted']} re-extracted" if "reextracted" in counts else ""
    stderr.print(f"{counts['stored']} stored, {counts['unchanged']} unchanged{again}, {counts['rejected']} rejected "
                 f"→ {settings.db_path}")
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
    from ..store.queries import EventFilter

    return EventFilter(type=type, place=place, since=_day(since, "since", first=True), until=_day(until, "until"),
                       modality=modality, source_kind=source_kind)


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
    format: ExportFormat = typer.Option(..., "--format", "-f", help="jsonl, parquet, acled-csv or geojson"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (required for parquet; else stdout)"),
    db: Optional[Path] = DbOption,
    type: Optional[str] = TypeOption,
    place: Optional[str] = PlaceOption,
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    modality: Optional[str] = ModalityOption,
    source_kind: Optional[str] = SourceKindOption,
) -> None:
    """Export the store: full reports (jsonl), events (parquet, acled-csv, geojson)."""
    from ..store import Store
    from .export import TEXT_EXPORTS, export_parquet

    filters = _event_filter(type, place, since, until, modality, source_kind)
    with Store(_settings(db).db_path, read_only=True) as store:
        if format is ExportFormat.parquet:
            if out is None:
                raise typer.BadParameter("parquet needs a file: --out FILE.parquet", param_hint="--out")
            count = export_parquet(store, out, filters)
        else:
            stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
            try:
                count = TEXT_EXPORTS[format.value](store, stream, filters)
            finally:
                if out:
                    stream.close()
    stderr.print(f"exported {count} {'reports' if format is ExportFormat.jsonl else 'events'}"
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

    with Store(_settings(db).db_path, read_only=True) as store:
        print_timeline(store, place=place, since=_day(since, "since", first=True), type=type, limit=limit)


@app.command()
def serve(
    db: Optional[Path] = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)"),
    port: int = typer.Option(8000, "--port", help="Port to listen on"),
) -> None:
    """Serve a read-only JSON API and web pages over the store (timeline, map, clusters, articles)."""
    import uvicorn

    from .web import create_app

    uvicorn.run(create_app(_settings(db).db_path), host=host, port=port, log_level="warning")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a report (schema/report-v2.schema.json)."""
    from ..model import report_json_schema

    typer.echo(json.dumps(report_json_schema(), indent=2, ensure_ascii=False))


from .tasks import evaluate, train  # noqa: E402

app.command("eval")(evaluate)
app.command("train")(train)


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
        stderr.print(f"[red]error[/] {err}", highlight=False)
        sys.exit(EXIT_ERROR)
    except OSError as err:
        stderr.print(f"[red]error[/] {err.strerror or err}: {err.filename or ''}", highlight=False)
        sys.exit(EXIT_ERROR)
    except Exception as err:  # noqa: BLE001
        if hasattr(err, "show") and hasattr(err, "exit_code"):  # a usage error from typer's click
            err.show()
            sys.exit(err.exit_code)
        if os.environ.get("LAGEBILD_DEBUG"):
            raise
        stderr.print(f"[red]internal error[/] {type(err).__name__}: {err}\n"
                     "Please report it; rerun with LAGEBILD_DEBUG=1 to see the traceback.", highlight=False)
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else 0)
