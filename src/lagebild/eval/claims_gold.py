"""The claim gold set: its file format (docs/annotation-guidelines.md, "Claims"), reading and validation.

A gold line holds an article key, the text's checksum and the claims with character offsets into the text that
`eval.articles` gives; it stores no article text beyond the short spans (claimant, cue, event word, figure).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import OWN_GOLD_DIR
from .articles import ArticleNotFound, SourceArticle, load_article

GOLD_DIR = OWN_GOLD_DIR / "claims"
ARTICLE_LIST = GOLD_DIR / "articles.tsv"
CLAIMANT_KINDS = ("named", "official", "media", "witness", "rumor", "author")
MODALITIES = ("asserted", "reported", "rumored", "negated", "planned", "ordered", "hypothetical")
CATEGORIES = ("killed", "injured", "arrested", "troops", "participants", "displaced", "other")
EVENT_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "INVESTIGATE", "DEMAND",
               "DISAPPROVE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT", "FIGHT")
_CLAIM_KEYS = {"claimant", "cue", "modality", "event", "figure", "note"}
_LINE_KEYS = {"article", "checksum", "annotator", "claims"}


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class GoldClaimant:
    kind: str
    span: GoldSpan | None  # None for the author


@dataclass(frozen=True)
class GoldEvent:
    type: str
    span: GoldSpan


@dataclass(frozen=True)
class GoldFigure:
    span: GoldSpan
    low: int | None
    high: int | None
    category: str


@dataclass(frozen=True)
class GoldClaim:
    claimant: GoldClaimant
    cue: GoldSpan | None
    modality: str
    event: GoldEvent | None
    figure: GoldFigure | None


@dataclass(frozen=True)
class GoldArticle:
    key: str
    lang: str
    claims: tuple[GoldClaim, ...]


@dataclass(frozen=True)
class ListedArticle:
    """One row of the article list: which batch an article belongs to."""

    key: str
    lang: str
    batch: int
    chars: int


class GoldError(ValueError):
    """A gold line that does not follow the format; the message names the line and the claim."""


def read_article_list(path: Path = ARTICLE_LIST) -> list[ListedArticle]:
    """The chosen articles (`key<TAB>lang<TAB>batch<TAB>chars`, `#` comments)."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("key\t"):
            key, lang, batch, chars = line.split("\t")[:4]
            out.append(ListedArticle(key, lang, int(batch), int(chars)))
    return out


def validate_line(row: object, data_dir: Path) -> tuple[GoldArticle | None, list[str]]:
    """Parse one gold line and list every problem with it (an empty list when it is valid)."""
    if not isinstance(row, dict):
        return None, ["a line must be a JSON object"]
    problems = [f"unknown field {k!r}" for k in sorted(set(row) - _LINE_KEYS)]
    problems += [f"missing field {k!r}" for k in sorted(_LINE_KEYS - set(row) - {"annotator"})]
    if problems:
        return None, problems
    try:
        article = load_article(str(row["article"]), data_dir)
    except ArticleNotFound as err:
        return None, [str(err)]
    if row["checksum"] != article.checksum:
        return None, [f"checksum {row['checksum']!r} is not the text's {article.checksum!r}: the text changed or the "
                      "line names another article"]
    if not isinstance(row["claims"], list):
        return None, ["'claims' must be a list"]
    claims = []
    for n, raw in enumerate(row["claims"], 1):
        claim, found = _claim(raw, article)
        problems += [f"claim {n}: {p}" for p in found]
        if claim is not None:
            claims.append(claim)
    problems += _duplicates(claims)
    return (GoldArticle(article.key, article.lang, tuple(claims)) if not problems else None), problems


def read_gold(paths: list[Path], data_dir: Path) -> list[GoldArticle]:
    """Every gold article of the files; an invalid line or an article given twice raises GoldError."""
    out: dict[str, GoldArticle] = {}
    for path in paths:
        for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise GoldError(f"{path}:{i}: not JSON ({err.msg})") from err
            gold, problems = validate_line(row, data_dir)
            if problems or gold is None:
                raise GoldError(f"{path}:{i}: {problems[0]}")
            if gold.key in out:
                raise GoldError(f"{path}:{i}: article {gold.key} is annotated twice")
            out[gold.key] = gold
    return list(out.values())


def gold_files(directory: Path = GOLD_DIR) -> list[Path]:
    """The batch files of the gold set, in name order."""
    return sorted(directory.glob("batch-*.jsonl")) if directory.is_dir() else []


def _claim(raw: object, article: SourceArticle) -> tuple[GoldClaim | None, list[str]]:
    if not isinstance(raw, dict):
        return None, ["a claim must be a JSON object"]
    problems = [f"unknown field {k!r}" for k in sorted(set(raw) - _CLAIM_KEYS)]
    problems += [f"missing field {k!r}" for k in ("claimant", "modality") if k not in raw]
    if problems:
        return None, problems
    claimant, found = _claimant(raw["claimant"], article)
    problems += found
    cue = None
    if raw.get("cue") is not None:
        cue = _span(raw["cue"], article, "cue", problems)
    if claimant is not None and claimant.kind == "author" and cue is not None:
        problems.append("an author claim has no cue (use null)")
    if raw["modality"] not in MODALITIES:
        problems.append(f"modality {raw['modality']!r} is not one of {', '.join(MODALITIES)}")
    event = _event(raw.get("event"), article, problems)
    figure = _figure(raw.get("figure"), article, problems)
    if event is None and figure is None and raw.get("event") is None and raw.get("figure") is None:
        problems.append("a claim needs an event or a figure (or both)")
    if problems or claimant is None:
        return None, problems
    return GoldClaim(claimant, cue, raw["modality"], event, figure), []


def _claimant(raw: object, article: SourceArticle) -> tuple[GoldClaimant | None, list[str]]:
    if not isinstance(raw, dict) or "kind" not in raw:
        return None, ["claimant must be an object with a 'kind'"]
    kind = raw["kind"]
    if kind not in CLAIMANT_KINDS:
        return None, [f"claimant kind {kind!r} is not one of {', '.join(CLAIMANT_KINDS)}"]
    if kind == "author":
        if any(raw.get(k) is not None for k in ("text", "start", "end")):
            return None, ["an author claimant has text, start and end null"]
        return GoldClaimant(kind, None), []
    problems: list[str] = []
    span = _span(raw, article, "claimant", problems, extra={"kind"})
    return (GoldClaimant(kind, span) if span else None), problems


def _event(raw: object, article: SourceArticle, problems: list[str]) -> GoldEvent | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("type") not in EVENT_TYPES:
        problems.append(f"event type {raw.get('type') if isinstance(raw, dict) else raw!r} is not one of the closed list")
        return None
    span = _span(raw, article, "event", problems, extra={"type"})
    return GoldEvent(raw["type"], span) if span else None


def _figure(raw: object, article: SourceArticle, problems: list[str]) -> GoldFigure | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append("figure must be an object or null")
        return None
    extra = {"low", "high", "category"}
    missing = sorted(extra - set(raw))
    if missing:
        problems.append(f"figure lacks {', '.join(missing)}")
        return None
    span = _span(raw, article, "figure", problems, extra=extra)
    low, high = raw["low"], raw["high"]
    bad = [b for b in (low, high) if b is not None and (isinstance(b, bool) or not isinstance(b, int) or b < 0)]
    if bad:
        problems.append(f"figure bounds must be whole numbers >= 0 or null, not {bad[0]!r}")
    elif low is None and high is None:
        problems.append("a figure has at least one bound")
    elif low is not None and high is not None and low > high:
        problems.append(f"figure low {low} is above high {high}")
    if raw["category"] not in CATEGORIES:
        problems.append(f"figure category {raw['category']!r} is not one of {', '.join(CATEGORIES)}")
    if span is None or bad or (low is None and high is None) or raw["category"] not in CATEGORIES:
        return None
    if low is not None and high is not None and low > high:
        return None
    return GoldFigure(span, low, high, raw["category"])


def _span(raw: object, article: SourceArticle, what: str, problems: list[str],
          extra: set[str] | None = None) -> GoldSpan | None:
    """A {"text", "start", "end"} object checked against the article text."""
    if not isinstance(raw, dict):
        problems.append(f"{what} must be an object with text, start and end")
        return None
    unknown = sorted(set(raw) - {"text", "start", "end"} - (extra or set()))
    if unknown:
        problems.append(f"{what} has unknown field(s) {', '.join(unknown)}")
    text, start, end = raw.get("text"), raw.get("start"), raw.get("end")
    if not isinstance(text, str) or not text or not isinstance(start, int) or not isinstance(end, int):
        problems.append(f"{what} needs a non-empty text and whole-number start and end")
        return None
    if not 0 <= start < end <= len(article.text) or article.text[start:end] != text:
        found = article.text[start:end] if 0 <= start < end <= len(article.text) else "(out of range)"
        problems.append(f"{what} text {text!r} is not at {start}-{end} (that is {found!r}){_nearest(article.text, text, start)}")
        return None
    return GoldSpan(start, end, text)


def _nearest(text: str, needle: str, near: int) -> str:
    hits = []
    i = text.find(needle)
    while i >= 0:
        hits.append(i)
        i = text.find(needle, i + 1)
    if not hits:
        return "; it does not occur in the text"
    best = min(hits, key=lambda h: abs(h - near))
    return f"; nearest occurrence {best}-{best + len(needle)}"


def _duplicates(claims: list[GoldClaim]) -> list[str]:
    problems = []
    figures = sorted((c.figure.span.start, c.figure.span.end, c.figure.span.text) for c in claims if c.figure)
    for (a0, a1, at), (b0, b1, bt) in zip(figures, figures[1:]):
        if b0 < a1:
            problems.append(f"figures {at!r} at {a0}-{a1} and {bt!r} at {b0}-{b1} overlap: one figure, one claim")
    return problems
