"""The claims export: one row per claim (who says what about which event, with which figure), as CSV or Parquet.

A row carries the claim's cluster, its claimant (canonical key, kind, name and the words as written), the
figure's category, text and bounds, the modality, the report (date, outlet, title, URL) and the evidence (the
sentence, with its offsets into the article text). An event stored without claim rows (a report written before
claims, or by hand) gives one row per figure with the event's own source, as the fuse stage reads it; its
`claim_id` and `claimant_key` are empty. The author of an article is named by its outlet.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from ..store import Store
from ..store.queries import EVENT_FROM, EventFilter
from .export import neutral

CLAIM_COLUMNS = (
    "cluster_id", "claim_id", "article_id", "event_id", "event_type", "event_mode", "claimant_key", "claimant_kind",
    "claimant", "claimant_text", "cue", "modality", "category", "figure_text", "value", "low", "high", "approximate",
    "unit", "report_date", "published", "outlet", "title", "url", "evidence_start", "evidence_end", "evidence",
)

# Every claim, and for an event without claim rows its own source once per figure (or once when it has none).
CLAIM_ROWS = """
claim_rows AS (
    SELECT c.article_id, c.id AS claim_id, c.event_id, c.quantity_id, c.claimant_kind, c.claimant_key,
           coalesce(who.name, c.claimant_text) AS claimant, c.claimant_text, c.cue_text, c.modality,
           c.evidence_start, c.evidence_end
    FROM claims c LEFT JOIN entities who ON who.article_id = c.article_id AND who.id = c.claimant_entity
    UNION ALL
    SELECT e.article_id, NULL, e.id, fq.quantity_id, e.source_kind, NULL, coalesce(who.name, e.source_text),
           e.source_text, NULL, e.modality, e.sentence_start, e.sentence_end
    FROM events e LEFT JOIN entities who ON who.article_id = e.article_id AND who.id = e.source_entity
    LEFT JOIN (SELECT article_id, id, unnest(json_extract_string(quantities, '$[*]')) AS quantity_id FROM events) fq
      ON fq.article_id = e.article_id AND fq.id = e.id
    WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.article_id = e.article_id AND c.event_id = e.id))"""
CLAIM_SELECT = """
SELECT m.cluster_id, r.claim_id, r.article_id, r.event_id, ev.type AS event_type, ev.mode AS event_mode,
       r.claimant_key, r.claimant_kind,
       coalesce(r.claimant, CASE WHEN r.claimant_kind = 'author' THEN a.source END) AS claimant, r.claimant_text, r.cue_text AS cue, r.modality,
       q.category, q.text AS figure_text, q.value, q.low, q.high, q.approximate, q.unit,
       a.published_earliest AS report_date, a.published_value AS published, a.source AS outlet, a.title, a.url,
       r.evidence_start, r.evidence_end,
       substr(a.text, r.evidence_start + 1, r.evidence_end - r.evidence_start) AS evidence
FROM claim_rows r
JOIN events ev ON ev.article_id = r.article_id AND ev.id = r.event_id
JOIN articles a ON a.id = r.article_id
LEFT JOIN quantities q ON q.article_id = r.article_id AND q.id = r.quantity_id
LEFT JOIN cluster_members m ON m.article_id = r.article_id AND m.event_id = r.event_id
"""
ORDER = " ORDER BY a.published_earliest NULLS LAST, r.article_id, r.event_id, r.claim_id NULLS LAST, r.quantity_id"


@dataclass(frozen=True)
class ClaimScope:
    """Which claims to export: those of matching events (CLI filters) or of some clusters, as known on a day."""

    events: EventFilter | None = None
    cluster_ids: tuple[str, ...] | None = None
    as_of: date | None = None

    def sql(self) -> tuple[str, list[Any]]:
        """The whole query for this scope, and its positional parameters."""
        ctes, clauses = [CLAIM_ROWS], []
        params: list[Any] = []
        if self.events is not None:
            where, params = self.events.where()
            ctes.append(f"matched AS (SELECT DISTINCT e.article_id, e.id {EVENT_FROM} {where})")
            clauses.append("EXISTS (SELECT 1 FROM matched x WHERE x.article_id = r.article_id AND x.id = r.event_id)")
        if self.cluster_ids is not None:
            clauses.append("m.cluster_id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(self.cluster_ids))
        if self.as_of is not None:
            clauses.append("a.published_earliest <= ?")
            params.append(self.as_of)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return "WITH " + ", ".join(ctes) + CLAIM_SELECT + where + ORDER, params


def claim_rows(store: Store, scope: ClaimScope) -> list[dict[str, Any]]:
    """The claims in scope, oldest report first."""
    sql, params = scope.sql()
    return store.query(sql, params)


def write_claims_csv(store: Store, scope: ClaimScope, out: IO[str]) -> int:
    """The claims as CSV, formula-safe; returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=CLAIM_COLUMNS)
    writer.writeheader()
    rows = claim_rows(store, scope)
    for row in rows:
        writer.writerow({k: neutral(_cell(row[k])) for k in CLAIM_COLUMNS})
    return len(rows)


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def write_claims_parquet(store: Store, scope: ClaimScope, path: Path) -> int:
    """The claims as a Parquet file with typed columns; returns the number of rows."""
    sql, params = scope.sql()
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE export_claims AS {sql}", params)
    try:
        literal = str(path).replace("'", "''")
        store.con.execute(f"COPY export_claims TO '{literal}' (FORMAT PARQUET)")
        return int(store.con.execute("SELECT count(*) FROM export_claims").fetchone()[0])  # type: ignore[index]
    finally:
        store.con.execute("DROP TABLE IF EXISTS export_claims")


def claims_download(store: Store, scope: ClaimScope, fmt: str) -> bytes:
    """The claims as a download: csv or parquet."""
    if fmt == "csv":
        out = io.StringIO()
        write_claims_csv(store, scope, out)
        return out.getvalue().encode("utf-8")
    if fmt == "parquet":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "claims.parquet"
            write_claims_parquet(store, scope, path)
            return path.read_bytes()
    raise ValueError(f"unknown claims download format {fmt!r}")


def export_claims_csv(store: Store, out: IO[str], filters: EventFilter) -> int:
    """The CLI's claims-csv: every claim about an event that matches the filters."""
    return write_claims_csv(store, ClaimScope(events=filters), out)


def export_claims_parquet(store: Store, path: Path, filters: EventFilter) -> int:
    """The CLI's claims-parquet: every claim about an event that matches the filters."""
    return write_claims_parquet(store, ClaimScope(events=filters), path)
