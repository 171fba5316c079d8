"""The read-only web app: a JSON API (/api/...) and server-rendered pages, each with a JSON twin (?format=json)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ...errors import StoreError
from ...store import Store
from ...store.queries import EventFilter
from ...store.snapshot import ReadSnapshots, StoreBusy
from . import data
from .outlines import svg_map
from .render import bounds, figure_chart, highlight, spans

HERE = Path(__file__).parent
MAX_LIMIT = 1000
DEFAULT_LIMIT = 200
MAX_QUERY_STRING = 2048
RETRY_AFTER_S = 5

log = logging.getLogger(__name__)


def text_param() -> Any:
    """A fresh optional, length-bounded text parameter (FastAPI parameter objects must not be shared)."""
    return Query(None, max_length=100)


def limit_param() -> Any:
    """A fresh bounded row limit."""
    return Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT} rows")


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: expected a date YYYY-MM-DD, got {value[:40]!r}") from None


def timeline_filters(place: str | None = text_param(), type: str | None = text_param(), since: str | None = Query(None, max_length=10),
                     until: str | None = Query(None, max_length=10), source_kind: str | None = text_param(),
                     modality: str | None = text_param()) -> EventFilter:
    """Filters from the query string; empty values mean no filter."""
    return EventFilter(place=place or None, type=type or None, since=_day(since, "since"),
                       until=_day(until, "until"), source_kind=source_kind or None, modality=modality or None)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.query_params.get("format") == "json" \
        or "text/html" not in request.headers.get("accept", "")


def _timeline(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the left offset and width (percent) of their date range on a shared axis."""
    days = [d for r in rows for d in (r.get("earliest"), r.get("latest")) if isinstance(d, date)]
    if not days:
        return [{**r, "bar_left": 0, "bar_width": 0} for r in rows]
    first, last = min(days), max(days)
    span = max((last - first).days + 1, 1)
    out = []
    for r in rows:
        start = r.get("earliest") if isinstance(r.get("earliest"), date) else r.get("latest")
        end = r.get("latest") if isinstance(r.get("latest"), date) else start
        if not isinstance(start, date) or not isinstance(end, date):
            out.append({**r, "bar_left": 0, "bar_width": 0})
            continue
        left = 100 * (start - first).days / span
        out.append({**r, "bar_left": round(left, 2), "bar_width": round(max(100 * ((end - start).days + 1) / span, 1), 2)})
    return out


def create_app(db_path: Path | str) -> FastAPI:
    """The app over one store file; requests read a snapshot of it, so an ingest can write meanwhile."""
    db = Path(db_path)
    if not db.exists():
        raise StoreError(f"no store at {db}; run `lagebild ingest` or `lagebild demo` first (or pass --db)")
    snapshots = ReadSnapshots(db)
    app = FastAPI(title="lagebild", description="Read-only API over a lagebild store.", version="1",
                  docs_url=None, redoc_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(bounds=bounds)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.snapshots = snapshots

    def store() -> Iterator[Store]:
        """A read-only store for one request; errors name neither paths nor processes (they go to the log)."""
        try:
            opened = snapshots.open()
        except StoreBusy:
            raise HTTPException(503, "the store is being written; try again shortly",
                                headers={"Retry-After": str(RETRY_AFTER_S)}) from None
        except StoreError as err:
            log.error("cannot read the store: %s", err)
            raise HTTPException(503, "the store cannot be read right now",
                                headers={"Retry-After": str(RETRY_AFTER_S)}) from None
        try:
            yield opened
        finally:
            opened.close()

    @app.middleware("http")
    async def bounded(request: Request, call_next: Any) -> Response:
        if request.method not in ("GET", "HEAD"):
            return JSONResponse({"detail": "read-only: only GET and HEAD"}, 405, headers={"Allow": "GET, HEAD"})
        if len(request.scope.get("query_string", b"")) > MAX_QUERY_STRING:
            return JSONResponse({"detail": "query string too long"}, 414)
        if int(request.headers.get("content-length") or 0) > 0:
            return JSONResponse({"detail": "request bodies are not accepted"}, 413)
        response: Response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)
        return templates.TemplateResponse(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                                          status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error"}, 500)

    def page(request: Request, template: str, payload: dict[str, Any], extra: dict[str, Any] | None = None) -> Response:
        if request.query_params.get("format") == "json":
            return JSONResponse(jsonable_encoder(payload))
        return templates.TemplateResponse(request, template, {**payload, **(extra or {})})

    # ---- JSON API ----
    @app.get("/api/events", tags=["api"])
    def api_events(filters: EventFilter = Depends(timeline_filters), limit: int = limit_param(),
                   s: Store = Depends(store)) -> dict[str, Any]:
        """Events matching the filters, oldest first."""
        rows = data.events(s, filters, limit)
        return jsonable_encoder({"filters": filters.as_dict(), "limit": limit, "count": len(rows), "events": rows})

    @app.get("/api/clusters", tags=["api"])
    def api_clusters(filters: EventFilter = Depends(timeline_filters), limit: int = limit_param(),
                     s: Store = Depends(store)) -> dict[str, Any]:
        """Event clusters matching the filters, earliest first."""
        rows = data.clusters(s, filters, limit)
        return jsonable_encoder({"filters": filters.as_dict(), "limit": limit, "count": len(rows), "clusters": rows})

    def moved(request: Request, s: Store, cluster_id: str, prefix: str) -> Response | None:
        """301 to the cluster a former id was merged into, keeping the query string."""
        target = data.cluster_redirect(s, cluster_id)
        if target is None:
            return None
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{prefix}{target}{query}", status_code=301)

    @app.get("/api/clusters/{cluster_id}", tags=["api"], responses={301: {"description": "the cluster's id changed"}})
    def api_cluster(request: Request, cluster_id: str, s: Store = Depends(store)) -> Any:
        """One cluster: the merged event, its supporting sentences and its figure claims."""
        found = data.cluster(s, cluster_id[:200])
        if found is None:
            redirect = moved(request, s, cluster_id[:200], "/api/clusters/")
            if redirect is not None:
                return redirect
            raise HTTPException(404, f"no cluster {cluster_id[:200]!r}")
        return jsonable_encoder(found)

    @app.get("/api/articles", tags=["api"])
    def api_articles(q: str | None = text_param(), limit: int = limit_param(), s: Store = Depends(store)) -> dict[str, Any]:
        """Articles, oldest first; q searches title and text."""
        rows = data.articles(s, q, limit)
        return jsonable_encoder({"q": q, "limit": limit, "count": len(rows), "articles": rows})

    @app.get("/api/articles/{article_id}", tags=["api"])
    def api_article(article_id: str, s: Store = Depends(store)) -> dict[str, Any]:
        """The full stored report of one article."""
        report = data.article(s, article_id[:200])
        if report is None:
            raise HTTPException(404, f"no article {article_id[:200]!r}")
        return jsonable_encoder(report)

    @app.get("/api/places", tags=["api"])
    def api_places(limit: int = limit_param(), s: Store = Depends(store)) -> dict[str, Any]:
        """Places with coordinates and how much happened there (for the map)."""
        rows = data.places(s, limit)
        return jsonable_encoder({"count": len(rows), "places": rows})

    # ---- HTML pages (each has a JSON twin with ?format=json) ----
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, filters: EventFilter = Depends(timeline_filters), limit: int = limit_param(),
              s: Store = Depends(store)) -> Response:
        rows = data.clusters(s, filters, limit)
        places = data.places(s, 200)
        payload = {"filters": filters.as_dict(), "kind": "clusters", "count": len(rows), "items": rows,
                   "places": places}
        markers = [{"name": p["name"], "lat": p["lat"], "lon": p["lon"], "count": p["clusters"]} for p in places]
        # clusters_available: index.html still has a single-events branch from before every store was fused
        return page(request, "index.html", payload, {"timeline": _timeline(rows), "map": svg_map(markers),
                                                      "options": data.options(s), "clusters_available": True})

    @app.get("/clusters/{cluster_id}", response_class=HTMLResponse, include_in_schema=False)
    def cluster_page(request: Request, cluster_id: str, s: Store = Depends(store)) -> Response:
        found = data.cluster(s, cluster_id[:200])
        if found is None:
            redirect = moved(request, s, cluster_id[:200], "/clusters/")
            if redirect is not None:
                return redirect
            raise HTTPException(404, f"no cluster {cluster_id[:200]!r}")
        charts = {category: figure_chart(claims) for category, claims in found["figures"].items()}
        return page(request, "cluster.html", found, {"c": found, "charts": charts})

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(request: Request, q: str | None = text_param(), limit: int = limit_param(),
                      s: Store = Depends(store)) -> Response:
        rows = data.articles(s, q, limit)
        return page(request, "articles.html", {"q": q, "count": len(rows), "articles": rows})

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, s: Store = Depends(store)) -> Response:
        report = data.article(s, article_id[:200])
        if report is None:
            raise HTTPException(404, f"no article {article_id[:200]!r}")
        text = highlight(report["article"]["text"], spans(report))
        entities = {e["id"]: e for e in report.get("entities", [])}
        quantities = {q["id"]: q for q in report.get("quantities", [])}
        times = {t["id"]: t for t in report.get("times", [])}
        return page(request, "article.html", report, {"r": report, "text_html": text, "entity_by_id": entities,
                                                      "quantity_by_id": quantities, "time_by_id": times})

    return app
