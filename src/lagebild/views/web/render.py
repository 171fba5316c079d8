"""Geometry for the server-rendered SVG charts and the highlighted article text."""

from __future__ import annotations

import math
from datetime import date
from html import escape
from typing import Any

from .words import figure_range, path_id

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def nice_step(value: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten, at least 1) that covers `value` in about `ticks` steps."""
    if value <= 0:
        return 1.0
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * power:
            return max(float(step * power), 1.0)
    return max(10.0 * power, 1.0)


def y_ticks(top_value: float) -> tuple[float, list[float]]:
    """An axis maximum and evenly spaced round ticks from 0 that reach past `top_value`: 0, 10, 20, 30."""
    step = nice_step(top_value)
    count = max(1, math.ceil(top_value / step))
    if count * step <= top_value:
        count += 1
    return count * step, [k * step for k in range(count + 1)]


DAY_STEPS = (1, 2, 7, 14, 30, 61, 91, 182, 365)


def date_ticks(first: date, last: date, most: int = 5) -> list[date]:
    """Dates from `first` at a round step of days, at most `most` of them, within [first, last]."""
    span = (last - first).days
    step = next((s for s in DAY_STEPS if span / s <= most - 1), DAY_STEPS[-1])
    return [date.fromordinal(first.toordinal() + k * step) for k in range(span // step + 1)]


def figure_chart(claims: list[dict[str, Any]], width: int = 360, height: int = 190) -> dict[str, Any]:
    """Points (value) and bars (low–high) of figure claims over report date, one colour per claimant."""
    left, right, top, bottom, pad = 44, 16, 12, 30, 12
    days = [c["reported"] for c in claims if isinstance(c.get("reported"), date)]
    first, last = (min(days), max(days)) if days else (None, None)
    span = max(((last - first).days if first and last else 0), 1)
    tops = [v for c in claims for v in (c.get("value"), c.get("low"), c.get("high")) if v is not None]
    y_max, tick_values = y_ticks(max(tops) if tops else 1.0)
    sources = sorted({c.get("source_name") or c.get("source_kind") or "?" for c in claims})
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sources)}
    plot_w, plot_h = width - left - right, height - top - bottom
    inner = plot_w - 2 * pad

    def y(v: float) -> float:
        return round(top + plot_h * (1 - v / y_max), 1)

    def x_of(day: Any) -> float:
        if not isinstance(day, date) or first is None or first == last:
            return round(left + pad + inner / 2, 1)
        return round(left + pad + inner * (day - first).days / span, 1)

    marks = []
    for i, c in enumerate(claims):
        day = c.get("reported")
        x = round(x_of(day) + (i % 3 - 1) * 3, 1)
        low, high, value = c.get("low"), c.get("high"), c.get("value")
        source = c.get("source_name") or c.get("source_kind") or "?"
        point = value if value is not None else (low if high is None else high if low is None else (low + high) / 2)
        marks.append({
            "x": x, "colour": colour[source], "source": source, "text": c.get("text") or "",
            "y": y(point) if point is not None else None,
            "bar_top": y(high) if high is not None else (top if low is not None else None),
            "bar_bottom": y(low) if low is not None else (y(0) if high is not None else None),
            "open_top": high is None and low is not None,
            "open_bottom": low is None and high is not None,
            "title": f"{source}, {day or '?'}: {c.get('text') or ''} ({_bounds(low, high)})",
        })
    ticks = [{"y": y(v), "label": f"{v:,.0f}"} for v in tick_values]
    x_ticks = []
    if first and last:
        x_ticks = [{"x": x_of(d), "label": f"{d.day} {d:%b}"} for d in date_ticks(first, last)]
    return {"width": width, "height": height, "left": left, "top": top, "plot_w": plot_w, "plot_h": plot_h,
            "marks": marks, "ticks": ticks, "x_ticks": x_ticks, "year": first.year if first else None,
            "open": any(m["open_top"] or m["open_bottom"] for m in marks),
            "legend": [{"source": s, "colour": c} for s, c in colour.items()]}


def _bounds(low: float | None, high: float | None) -> str:
    return figure_range({"low": low, "high": high})


def bounds(claim: dict[str, Any]) -> str:
    """A claim's bounds as text."""
    return _bounds(claim.get("low"), claim.get("high"))


def spans(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every annotated span of a report: kind, id, offsets, and a tooltip."""
    out: list[dict[str, Any]] = []
    for e in report.get("entities", []):
        for m in e.get("mentions", []):
            out.append({"kind": "entity", "id": e["id"], "start": m["start"], "end": m["end"],
                        "label": f"{e['label']} {e['name']}"})
    for t in report.get("times", []):
        out.append({"kind": "time", "id": t["id"], "start": t["start"], "end": t["end"], "label": f"time {t['value']}"})
    for q in report.get("quantities", []):
        out.append({"kind": "quantity", "id": q["id"], "start": q["start"], "end": q["end"],
                    "label": f"{q['category']} {_bounds(q.get('low'), q.get('high'))}"})
    for q in report.get("quotes", []):
        out.append({"kind": "quote", "id": q["id"], "start": q["start"], "end": q["end"],
                    "label": f"{q['kind']} quote: {q.get('speaker_text') or '?'}"})
    for ev in report.get("events", []):
        out.append({"kind": "event", "id": ev["id"], "start": ev["trigger"]["start"], "end": ev["trigger"]["end"],
                    "label": f"{ev['type']}/{ev.get('mode') or ''} ({ev['modality']})",
                    "href": f"/clusters/{path_id(ev['cluster_id'])}" if ev.get("cluster_id") is not None
                        else f"#{ev['id']}"})
    return out


def highlight(text: str, annotations: list[dict[str, Any]]) -> str:
    """The text as HTML, cut at every span boundary; each piece carries the kinds of the spans over it.

    One sweep over the sorted boundaries, so the cost grows with the text and the number of spans, not their product.
    """
    n = len(text)
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for index, a in enumerate(annotations):
        start, end = max(0, min(n, a["start"])), max(0, min(n, a["end"]))
        if start < end:
            starts.setdefault(start, []).append(index)
            ends.setdefault(end, []).append(index)
    cuts = sorted({0, n, *starts, *ends})
    active: set[int] = set()
    pieces: list[str] = []
    for start, end in zip(cuts, cuts[1:]):
        active.difference_update(ends.get(start, ()))
        active.update(starts.get(start, ()))
        piece = escape(text[start:end])
        if not active:
            pieces.append(piece)
            continue
        over = [annotations[i] for i in sorted(active)]
        kinds = " ".join(sorted({f"hl-{a['kind']}" for a in over}))
        ids = " ".join(a["id"] for a in over)
        title = escape("; ".join(a["label"] for a in over), quote=True)
        html = f'<span class="{kinds}" data-ids="{escape(ids, quote=True)}" title="{title}">{piece}</span>'
        link = next((a["href"] for a in over if a.get("href")), None)
        pieces.append(f'<a class="hl-link" href="{escape(link, quote=True)}">{html}</a>' if link else html)
    return "".join(pieces)
