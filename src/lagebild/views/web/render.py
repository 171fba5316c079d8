"""Geometry for the server-rendered SVG charts and the highlighted article text."""

from __future__ import annotations

import math
from datetime import date
from html import escape
from typing import Any

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def figure_chart(claims: list[dict[str, Any]], width: int = 360, height: int = 180) -> dict[str, Any]:
    """Points (value) and bars (low–high) of figure claims over report date, one colour per source."""
    left, right, top, bottom = 48, 12, 10, 28
    days = [c["reported"] for c in claims if isinstance(c.get("reported"), date)]
    first, last = (min(days), max(days)) if days else (None, None)
    span = max(((last - first).days if first and last else 0), 1)
    tops = [v for c in claims for v in (c.get("value"), c.get("low"), c.get("high")) if v is not None]
    y_max = _nice_max(max(tops) * 1.1 if tops else 1.0)
    sources = sorted({c.get("source_name") or c.get("source_kind") or "?" for c in claims})
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sources)}
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(v: float) -> float:
        return round(top + plot_h * (1 - v / y_max), 1)

    marks = []
    for i, c in enumerate(claims):
        day = c.get("reported")
        offset = ((day - first).days / span) if isinstance(day, date) and first else 0.5
        x = round(left + plot_w * (offset if days and len(set(days)) > 1 else 0.5) + (i % 3 - 1) * 4, 1)
        low, high, value = c.get("low"), c.get("high"), c.get("value")
        source = c.get("source_name") or c.get("source_kind") or "?"
        point = value if value is not None else (low if high is None else high if low is None else (low + high) / 2)
        marks.append({
            "x": x, "colour": colour[source], "source": source, "text": c.get("text") or "",
            "y": y(point) if point is not None else None,
            "bar_top": y(high) if high is not None else (top if low is not None else None),
            "bar_bottom": y(low) if low is not None else (y(0) if high is not None else None),
            "open_top": high is None and low is not None,
            "title": f"{source}, {day or '?'}: {c.get('text') or ''} ({_bounds(low, high)})",
        })
    ticks = [{"y": y(y_max * k / 4), "label": f"{y_max * k / 4:,.0f}"} for k in range(5)]
    x_ticks = []
    if first and last:
        x_ticks = [{"x": left, "label": first.isoformat()}]
        if last != first:
            x_ticks.append({"x": left + plot_w, "label": last.isoformat()})
    return {"width": width, "height": height, "left": left, "top": top, "plot_w": plot_w, "plot_h": plot_h,
            "marks": marks, "ticks": ticks, "x_ticks": x_ticks,
            "legend": [{"source": s, "colour": c} for s, c in colour.items()]}


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
    if low is not None:
        return f"≥ {low:,.0f}"
    if high is not None:
        return f"≤ {high:,.0f}"
    return "?"


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
                    "href": f"/clusters/{ev['cluster_id']}" if ev.get("cluster_id") is not None else f"#{ev['id']}"})
    return out


def highlight(text: str, annotations: list[dict[str, Any]]) -> str:
    """The text as HTML, cut at every span boundary; each piece carries the kinds of the spans over it."""
    n = len(text)
    cuts = sorted({0, n, *(max(0, min(n, a[k])) for a in annotations for k in ("start", "end"))})
    pieces: list[str] = []
    for start, end in zip(cuts, cuts[1:]):
        piece = escape(text[start:end])
        over = [a for a in annotations if a["start"] <= start and end <= a["end"] and a["start"] < a["end"]]
        if not over:
            pieces.append(piece)
            continue
        kinds = " ".join(sorted({f"hl-{a['kind']}" for a in over}))
        ids = " ".join(a["id"] for a in over)
        title = escape("; ".join(a["label"] for a in over), quote=True)
        html = f'<span class="{kinds}" data-ids="{escape(ids, quote=True)}" title="{title}">{piece}</span>'
        link = next((a["href"] for a in over if a.get("href")), None)
        pieces.append(f'<a class="hl-link" href="{escape(link, quote=True)}">{html}</a>' if link else html)
    return "".join(pieces)
