"""Claim evaluation on the project's claim gold set (tests/data/claims, real news): per language (de, en).

The extractor runs on each gold article's text (read by `eval.articles` from ../shared/data) and its report v2
`claims`, `quantities` and `events` are scored against the gold claims. Matching, one-to-one and greedy (largest
character overlap first, then text order):

1. **Figure pass.** A gold claim with a figure matches a system claim with a quantity when the two figure spans
   overlap by at least one character.
2. **Event pass.** Every gold claim left over that has an event matches a system claim left over whose event
   trigger overlaps the gold event span.

Metrics (each row's `n` is the denominator):

- `claimant_accuracy`: over figure-pass matches. Right when (a) both claimants are the author, or (b) the system
  claimant's span (`claimant.span`, or any mention of its `claimant.entity`) overlaps the gold claimant span, or
  (c) the system's canonical `claimant.key` equals a key of the gold claimant text: the key that
  `extract.claimants.ClaimantKeys` gives it (gold claims walked in text order, so "der Sender" resolves as in the
  system; a `named` gold claimant is keyed as a person unless the lexicon lists an institution in it), or the
  text read as a person's name, `named:` + `canonical_key(person_name(text))` (not for `rumor`). Kinds are not
  compared beyond the author rule: `official:police` is right for a gold `witness` "police" claimant.
- `bounds_accuracy`: over figure-pass matches; right when the system quantity's `low` and `high` both equal the
  gold bounds (null equals null).
- `category_accuracy`: over figure-pass matches; right when the quantity's `category` equals the gold category.
- `modality_accuracy`: over matches of both passes; right when the claim's `modality` equals the gold modality.
- `event_type_f1` (with `_precision`, `_recall`): gold events are the distinct (span, type) events of the gold
  claims; system events are the report's `events` whose type is in the gold's closed list. A system event is a
  true positive when its trigger overlaps an unused gold event span of the same type (one-to-one).
- `figure_recall` / `figure_precision`: figure-pass matches over gold figure claims / system claims with a figure
  (context for the figure metrics: a figure the system misses is scored by none of them).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import EvalRow
from .claims_gold import EVENT_TYPES, GoldArticle, GoldClaim, GoldError, gold_files, validate_line

if TYPE_CHECKING:
    from ..model import Report

DATASET = "lagebild_claims_gold"
LANGS = ("de", "en")
Range = tuple[int, int]
T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class SysFigure:
    start: int
    end: int
    low: float | None
    high: float | None
    category: str


@dataclass(frozen=True)
class SysClaim:
    """The parts of one system claim that are scored."""

    kind: str
    key: str
    spans: tuple[Range, ...]  # the claimant span and the mentions of the claimant entity
    modality: str
    trigger: Range
    type: str
    figure: SysFigure | None
    text: str | None = None  # the claimant as written (for the error list)


@dataclass(frozen=True)
class SysEvent:
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Miss:
    """One scored disagreement, for the error list: what kind, gold vs system, and where."""

    article: str
    what: str
    gold: str
    system: str
    at: int
    text: str = ""  # the gold (or system) words at `at`


@dataclass
class Counts:
    gold_figures: int = 0
    sys_figures: int = 0
    figures: int = 0
    claimant: int = 0
    bounds: int = 0
    category: int = 0
    claims: int = 0
    modality: int = 0
    gold_events: int = 0
    sys_events: int = 0
    typed_events: int = 0
    misses: list[Miss] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        """Sum another article's counts into these."""
        for name in self.__dataclass_fields__:
            if name == "misses":
                self.misses.extend(other.misses)
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))


def system_side(report: Report) -> tuple[list[SysClaim], list[SysEvent]]:
    """The scored parts of a v2 report: its claims (with figure and trigger resolved) and its events."""
    return _system_claims(report), [SysEvent(e.trigger.start, e.trigger.end, e.type)
                                    for e in report.events if e.type in EVENT_TYPES]


def system_figures(report: Report) -> list[SysFigure]:
    """Every quantity of a report, claimed or not (only to tell apart, in the error list, why a figure was missed)."""
    return [SysFigure(q.start, q.end, q.low, q.high, q.category) for q in report.quantities]


def _system_claims(report: Report) -> list[SysClaim]:
    events = {e.id: e for e in report.events}
    quantities = {q.id: q for q in report.quantities}
    mentions = {e.id: tuple((m.start, m.end) for m in e.mentions) for e in report.entities}
    claims = []
    for c in report.claims:
        ev = events.get(c.event)
        if ev is None:
            continue
        q = quantities.get(c.quantity) if c.quantity else None
        spans: tuple[Range, ...] = ((c.claimant.span.start, c.claimant.span.end),) if c.claimant.span else ()
        spans += mentions.get(c.claimant.entity or "", ())
        fig = SysFigure(q.start, q.end, q.low, q.high, q.category) if q is not None else None
        claims.append(SysClaim(c.claimant.kind, c.claimant.key, spans, c.modality,
                               (ev.trigger.start, ev.trigger.end), ev.type, fig, c.claimant.text))
    return claims


def gold_keys(claims: Iterable[GoldClaim], lang: str) -> list[frozenset[str]]:
    """The canonical claimant keys a gold claimant's text may take (empty for the author), resolved in text order.

    Two readings: `ClaimantKeys` on the text (an institution when the lexicon lists one in it, else a person for
    `named`), and the text as a person's name ("City police commissioner D. Tuteja" is `named:tuteja` as well as
    the police).
    """
    from ..extract.claimants import ClaimantKeys, person_name
    from ..extract.names import canonical_key

    claims = list(claims)
    keys = ClaimantKeys(lang)
    out: list[frozenset[str]] = [frozenset()] * len(claims)
    for i in sorted(range(len(claims)), key=lambda i: _claim_start(claims[i])):
        who = claims[i].claimant
        if who.kind == "author" or who.span is None:
            continue
        words = keys.lex.words(who.span.text) if keys.lex else []
        listed = keys.lex is not None and keys.lex.institution(words) is not None
        first = keys.key(who.kind, who.span.text, is_person=who.kind == "named" and not listed)
        name = person_name(who.span.text, lang)
        out[i] = frozenset({first} | ({"named:" + canonical_key(name, lang)} if name and who.kind != "rumor" else set()))
    return out


def score_article(gold: GoldArticle, system: list[SysClaim], events: list[SysEvent],
                  quantities: Iterable[SysFigure] = ()) -> Counts:
    """Counts for one article (see the module docstring for each metric); `quantities` only refine the error list."""
    c = Counts()
    keys = dict(zip(gold.claims, gold_keys(gold.claims, gold.lang)))
    figs = [g for g in gold.claims if g.figure is not None]
    sys_figs = [s for s in system if s.figure is not None]
    c.gold_figures, c.sys_figures = len(figs), len(sys_figs)
    pairs = _match(figs, sys_figs, lambda g: (g.figure.span.start, g.figure.span.end),  # type: ignore[union-attr]
                   lambda s: (s.figure.start, s.figure.end))  # type: ignore[union-attr]
    for g, s in pairs:
        c.figures += 1
        _judge_figure(gold.key, g, s, keys.get(g, frozenset()), c)
    used_g, used_s = {id(g) for g, _ in pairs}, {id(s) for _, s in pairs}
    rest = [g for g in gold.claims if id(g) not in used_g and g.event is not None]
    more = _match(rest, [s for s in system if id(s) not in used_s],
                  lambda g: (g.event.span.start, g.event.span.end), lambda s: s.trigger)  # type: ignore[union-attr]
    for g, s in pairs + more:
        c.claims += 1
        c.modality += g.modality == s.modality
        if g.modality != s.modality:
            c.misses.append(Miss(gold.key, "modality", g.modality, s.modality, _claim_start(g),
                                 f"{_gold_who(g)} | system {s.kind}:{s.text or ''}"))
    found = [(q.start, q.end) for q in quantities]
    for g in figs:
        if id(g) not in used_g:
            fs = g.figure
            assert fs is not None
            why = "quantity found, in no claim" if any(_overlap((fs.span.start, fs.span.end), r) > 0 for r in found) \
                else "no quantity"
            event = "gold event null" if g.event is None else "gold event " + g.event.type
            c.misses.append(Miss(gold.key, "figure missed", event, why, fs.span.start, fs.span.text))
    for s in sys_figs:
        if id(s) not in used_s:
            c.misses.append(Miss(gold.key, "figure spurious", "", s.figure.category, s.figure.start))  # type: ignore[union-attr]
    _score_events(gold, events, c)
    return c


def _judge_figure(article: str, g: GoldClaim, s: SysClaim, key: frozenset[str], c: Counts) -> None:
    fig = g.figure
    assert fig is not None and s.figure is not None
    if claimant_right(g, s, key):
        c.claimant += 1
    else:
        c.misses.append(Miss(article, "claimant", f"{g.claimant.kind}:{g.claimant.span.text if g.claimant.span else ''}"
                             f" ({'/'.join(sorted(key))})", f"{s.kind}:{s.text or ''} ({s.key})", fig.span.start))
    if _bound(s.figure.low) == fig.low and _bound(s.figure.high) == fig.high:
        c.bounds += 1
    else:
        c.misses.append(Miss(article, "bounds", f"{fig.span.text} [{fig.low}, {fig.high}]",
                             f"[{_bound(s.figure.low)}, {_bound(s.figure.high)}]", fig.span.start))
    if s.figure.category == fig.category:
        c.category += 1
    else:
        c.misses.append(Miss(article, "category", fig.category, s.figure.category, fig.span.start))


def claimant_right(g: GoldClaim, s: SysClaim, keys: frozenset[str]) -> bool:
    """Author ↔ author; or a system claimant span overlapping the gold one; or the system key among the gold keys."""
    if g.claimant.kind == "author" or s.kind == "author":
        return g.claimant.kind == s.kind
    span = g.claimant.span
    if span is not None and any(_overlap((span.start, span.end), r) > 0 for r in s.spans):
        return True
    return s.key in keys


def _score_events(gold: GoldArticle, events: list[SysEvent], c: Counts) -> None:
    seen: dict[tuple[int, int, str], None] = {}
    for g in gold.claims:
        if g.event is not None:
            seen.setdefault((g.event.span.start, g.event.span.end, g.event.type), None)
    gold_events = list(seen)
    text_of = {(g.event.span.start, g.event.span.end): g.event.span.text for g in gold.claims if g.event is not None}
    c.gold_events, c.sys_events = len(gold_events), len(events)
    used: set[int] = set()
    for e in sorted(events, key=lambda e: e.start):
        k = next((k for k, (a, b, t) in enumerate(gold_events)
                  if k not in used and t == e.type and _overlap((a, b), (e.start, e.end)) > 0), None)
        if k is not None:
            used.add(k)
            c.typed_events += 1
            continue
        other = next((t for a, b, t in gold_events if _overlap((a, b), (e.start, e.end)) > 0), None)
        c.misses.append(Miss(gold.key, "event type" if other else "event spurious", other or "", e.type, e.start))
    for k, (a, b, t) in enumerate(gold_events):
        if k not in used and not any(_overlap((a, b), (e.start, e.end)) > 0 for e in events):
            c.misses.append(Miss(gold.key, "event missed", t, "", a, text_of.get((a, b), "")))


def _match(gold: list[T], system: list[U], gspan: Callable[[T], Range], sspan: Callable[[U], Range]) -> list[tuple[T, U]]:
    """One-to-one greedy matching of overlapping spans: largest overlap first, then text order."""
    cands = []
    for i, g in enumerate(gold):
        for j, s in enumerate(system):
            ov = _overlap(gspan(g), sspan(s))
            if ov > 0:
                cands.append((-ov, gspan(g)[0], i, j))
    cands.sort()
    used_g: set[int] = set()
    used_s: set[int] = set()
    out = []
    for _, _, i, j in cands:
        if i not in used_g and j not in used_s:
            used_g.add(i)
            used_s.add(j)
            out.append((gold[i], system[j]))
    return out


def _overlap(a: Range, b: Range) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


def _bound(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value


def _gold_who(g: GoldClaim) -> str:
    """The gold claimant as `kind:text`."""
    return f"gold {g.claimant.kind}:{g.claimant.span.text if g.claimant.span else ''}"


def _claim_start(g: GoldClaim) -> int:
    return g.figure.span.start if g.figure else (g.event.span.start if g.event else 0)


def rows(lang: str, c: Counts) -> list[EvalRow]:
    """The table rows of one language's counts."""
    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    p, r = ratio(c.typed_events, c.sys_events), ratio(c.typed_events, c.gold_events)
    ds = f"{DATASET}/{lang}"
    out = [("claimant_accuracy", ratio(c.claimant, c.figures), c.figures),
           ("bounds_accuracy", ratio(c.bounds, c.figures), c.figures),
           ("category_accuracy", ratio(c.category, c.figures), c.figures),
           ("modality_accuracy", ratio(c.modality, c.claims), c.claims),
           ("event_type_precision", p, c.sys_events),
           ("event_type_recall", r, c.gold_events),
           ("event_type_f1", 2 * p * r / (p + r) if p + r else 0.0, c.gold_events),
           ("figure_recall", ratio(c.figures, c.gold_figures), c.gold_figures),
           ("figure_precision", ratio(c.figures, c.sys_figures), c.sys_figures)]
    return [EvalRow(dataset=ds, task="claims", metric=m, score=s, anchor=None, n=n) for m, s, n in out]


def evaluate(pipelines, data_dir: Path, limit: int | None = None,  # type: ignore[no-untyped-def]
             paths: list[Path] | None = None) -> dict[str, Counts]:
    """Extract every gold article (the first `limit` per language) and sum the counts per language."""
    from ..extract.report import build_report
    from ..model import Article
    from .articles import load_article

    totals = {lang: Counts() for lang in LANGS}
    done: Counter[str] = Counter()
    for gold in present_gold(data_dir, paths):
        if gold.lang not in totals or (limit is not None and done[gold.lang] >= limit):
            continue
        source = load_article(gold.key, data_dir)
        nlp = pipelines.get(gold.lang)
        doc = nlp.make_doc(source.text)
        doc._.article = Article(id=gold.key, lang=gold.lang, text=source.text, title=source.title)
        report = build_report(nlp(doc))
        claims, events = system_side(report)
        totals[gold.lang].add(score_article(gold, claims, events, system_figures(report)))
        done[gold.lang] += 1
    return {lang: c for lang, c in totals.items() if done[lang]}


def present_gold(data_dir: Path, paths: list[Path] | None = None) -> list[GoldArticle]:
    """The gold articles whose dataset is in `data_dir` (a missing dataset is skipped, an invalid line raises)."""
    from .articles import ArticleNotFound, split_key

    out = []
    for path in paths if paths is not None else gold_files():
        for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            try:
                dataset = split_key(str(row.get("article", "")) if isinstance(row, dict) else "")[0]
            except ArticleNotFound as err:
                raise GoldError(f"{path}:{i}: {err}") from err
            if not (data_dir / dataset).is_dir():
                continue
            gold, problems = validate_line(row, data_dir)
            if problems or gold is None:
                raise GoldError(f"{path}:{i}: {problems[0]}")
            out.append(gold)
    return out


def run(pipelines, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:  # type: ignore[no-untyped-def]
    """Claimant, bounds, category and modality accuracy and event type F1 per language on the claim gold set."""
    from .articles import DATASETS

    if not gold_files() or not any((data_dir / d).exists() for d in DATASETS):
        return []
    return [row for lang, c in evaluate(pipelines, data_dir, limit).items() for row in rows(lang, c)]


def error_patterns(misses: list[Miss]) -> Counter[str]:
    """Disagreements grouped by kind and gold → system value (claimant by kinds, bounds by shape)."""
    out: Counter[str] = Counter()
    for m in misses:
        if m.what == "claimant":
            out[f"claimant {m.gold.split(':')[0]} → {m.system.split(':')[0]}"] += 1
        elif m.what == "bounds":
            out["bounds " + _shape(m.gold.rsplit(" [", 1)[1]) + " → " + _shape(m.system[1:])] += 1
        elif m.what == "figure missed":
            out[f"figure missed ({m.system}; {m.gold})"] += 1
        elif m.what == "event spurious":
            out[f"{m.what} {m.system}".strip()] += 1
        elif m.what == "figure spurious":
            out[f"{m.what} ({m.system})"] += 1
        else:
            out[f"{m.what} {m.gold} → {m.system}".strip()] += 1
    return out


def _shape(bounds: str) -> str:
    low, high = (b.strip(" []") for b in bounds.split(","))
    if low == "None":
        return "ceiling"
    if high == "None":
        return "floor"
    return "exact" if low == high else "range"


def main(argv: list[str] | None = None) -> int:
    """`python -m lagebild.eval.claims [--errors N] [--context C] [--per-batch] [--model M]`: the scores, then the most frequent
    error patterns and every disagreement (with C characters of article text around it); or the scores per gold file."""
    from ..config import Settings
    from ..lang import Pipelines

    parser = argparse.ArgumentParser(prog="python -m lagebild.eval.claims")
    parser.add_argument("--errors", type=int, default=15, help="how many error patterns to list per language")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--context", type=int, default=0, help="article characters to print around each disagreement")
    parser.add_argument("--per-batch", action="store_true", help="only the scores, one table per gold file")
    parser.add_argument("--model", choices=("accurate", "fast"), default=None,
                        help="entity model (default: LAGEBILD_MODEL, else the configured default)")
    args = parser.parse_args(argv)
    settings = Settings.from_env(model=args.model)
    pipelines = Pipelines(settings)
    if args.per_batch:
        for path in gold_files():
            for lang, c in evaluate(pipelines, settings.data_dir, args.limit, [path]).items():
                print_scores(lang, c, path.stem)
        return 0
    for lang, c in evaluate(pipelines, settings.data_dir, args.limit).items():
        print_scores(lang, c)
        print(f"\n{lang}: most frequent error patterns")
        for pattern, n in error_patterns(c.misses).most_common(args.errors):
            print(f"  {n:4d}  {pattern}")
        print()
        for m in c.misses:
            print(f"  {m.article}@{m.at}\t{m.what}\tgold={m.gold!r}\tsystem={m.system!r}\t{m.text!r}")
            if args.context:
                print(f"      {_context(settings.data_dir, m, args.context)!r}")
        print()
    return 0


def print_scores(lang: str, c: Counts, label: str = "") -> None:
    """One line per metric: dataset, metric, score, n (and the gold file's name when scored per file)."""
    for row in rows(lang, c):
        print(f"{row['dataset']}\t{label + chr(9) if label else ''}{row['metric']}\t{row['score']:.3f}\tn={row['n']}")


def _context(data_dir: Path, m: Miss, width: int) -> str:
    """The article text around a disagreement, with `⟦` at its offset."""
    from .articles import load_article

    text = load_article(m.article, data_dir).text
    return (text[max(0, m.at - width):m.at] + "⟦" + text[m.at:m.at + width]).replace("\n", " ")


if __name__ == "__main__":
    raise SystemExit(main())
