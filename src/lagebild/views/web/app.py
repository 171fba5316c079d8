"""The read-only web app: one URL per resource, as an HTML page or its JSON twin (?format=json or Accept)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ...errors import StoreError
from ...store import Store
from ...store.queries import EventFilter
from ...store.snapshot import ReadSnapshots, StoreBusy
from .. import export
from ..claim_export import ClaimScope, claims_download
from . import cards, claimants, data, listing, words
from .filters import PER_PAGE, SORTS, ClusterQuery, parse
from .outlines import svg_map
from .render import bounds, figure_chart, highlight, spans

HERE = Path(__file__).parent
MAX_LIMIT = 1000
DEFAULT_LIMIT = 200
MAX_QUERY_STRING = 2048
MAX_ID = 400
DOWNLOAD_LIMIT = 100_000
RETRY_AFTER_S = 5
LOG = logging.getLogger("lagebild.web")

# No inline script or style anywhere: every script and stylesheet is a file under /static.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HTML_OR_JSON: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {}, "application/json": {}},
                      "description": "The HTML page, or its JSON twin with ?format=json or Accept: application/json"}}
DOWNLOADS = {"csv": ("text/csv; charset=utf-8", "acled.csv"), "geojson": ("application/geo+json", "clusters.geojson"),
             "parquet": ("application/vnd.apache.parquet", "clusters.parquet"),
             "claims-csv": ("text/csv; charset=utf-8", "claims.csv"),
             "claims-parquet": ("application/vnd.apache.parquet", "claims.parquet")}


def text_param(description: str | None = None) -> Any:
    """A fresh optional, length-bounded text parameter (FastAPI parameter objects must not be shared)."""
    return Query(None, max_length=100, description=description)


def limit_param() -> Any:
    """A fresh bounded row limit."""
    return Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT} rows")


def offset_param() -> Any:
    """A fresh bounded row offset."""
    return Query(0, ge=0, le=10_000_000, description="rows to skip (paging)")


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: expected a date YYYY-MM-DD, got {value[:40]!r}") from None


def timeline_filters(place: str | None = text_param(), type: str | None = text_param(),
                     since: str | None = Query(None, max_length=10), until: str | None = Query(None, max_length=10),
                     source_kind: str | None = text_param(), modality: str | None = text_param()) -> EventFilter:
    """Event filters from the query string; empty values mean no filter."""
    return EventFilter(place=place or None, type=type or None, since=_day(since, "since"),
                       until=_day(until, "until"), source_kind=source_kind or None, modality=modality or None)


def cluster_query(
    request: Request,
    place: str | None = Query(None, description="place or country name (either language), or part of the label"),
    type: str | None = Query(None, description="PLOVER event type"),
    country: str | None = Query(None, description="country name in English or German, or its code: Mosambik, MZ"),
    since: str | None = Query(None, description="happened on or after (YYYY-MM-DD)"),
    until: str | None = Query(None, description="happened on or before (YYYY-MM-DD)"),
    as_of: str | None = Query(None, description="the picture as known on this day: reports published by then"),
    source_kind: str | None = Query(None, description="claimant kind of a mention"),
    modality: str | None = Query(None, description="modality of a mention"),
    claimant: str | None = Query(None, description="claimant name (part)"),
    outlet: str | None = Query(None, description="outlet name (part)"),
    actor: str | None = Query(None, description="actor or target name (part)"),
    q: str | None = Query(None, description="free text in label, place, titles and sentences"),
    disputed: str | None = Query(None, description="1: only clusters whose sources disagree"),
    sort: str | None = Query(None, description="one of: " + ", ".join(SORTS)),
    page: str | None = Query(None, description="page number, from 1"),
    per_page: str | None = Query(None, description="clusters per page (1-500)"),
) -> ClusterQuery:
    """The timeline query; bad values are named in its errors (the page shows them, JSON answers 422)."""
    return parse(request.query_params)


def wants_json(request: Request) -> bool:
    """JSON for /api/, ?format=json, or a client that does not ask for HTML."""
    chosen = request.query_params.get("format")
    if chosen in ("json", "html"):
        return chosen == "json"
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


def _next(request: Request, offset: int, count: int, total: int | None, limit: int) -> str | None:
    """The URL of the next page, or None on the last."""
    if count < limit or (total is not None and offset + count >= total):
        return None
    return str(request.url.include_query_params(offset=offset + count))


def create_app(db_path: Path | str) -> FastAPI:
    """The app over one store file; requests read a snapshot of it, so an ingest can write meanwhile."""
    db = Path(db_path)
    if not db.exists():
        raise StoreError(f"no store at {db}; run `lagebild ingest` or `lagebild demo` first (or pass --db)")
    app = FastAPI(title="lagebild", description="Read-only API over a lagebild store. Every page is also JSON: "
                  "add ?format=json or send Accept: application/json.", version="2", docs_url=None, redoc_url=None)
    snapshots = ReadSnapshots(db)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(bounds=bounds, words=words, safe_url=words.safe_url, sorts=SORTS)
    templates.env.filters.update(path_id=words.path_id, plural=words.count, isodate=words.isodate)
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
            LOG.error("cannot read the store: %s", err)
            raise HTTPException(503, "the store cannot be read right now",
                                headers={"Retry-After": str(RETRY_AFTER_S)}) from None
        try:
            yield opened
        finally:
            opened.close()

    @app.middleware("http")
    async def bounded(request: Request, call_next: Any) -> Response:
        if request.method not in ("GET", "HEAD"):
            response: Response = JSONResponse({"detail": "read-only: only GET and HEAD"}, 405,
                                               headers={"Allow": "GET, HEAD"})
        elif len(request.scope.get("query_string", b"")) > MAX_QUERY_STRING:
            response = JSONResponse({"detail": "query string too long"}, 414)
        elif _body_length(request) != 0:
            response = JSONResponse({"detail": "request bodies are not accepted"}, 413)
        else:
            started = time.perf_counter()
            response = await call_next(request)
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response.headers.update(SECURITY_HEADERS)
        response.headers["Vary"] = "Accept"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=headers)
        return templates.TemplateResponse(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                                          status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
                    for e in exc.errors()]
        if wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, 422)
        return templates.TemplateResponse(request, "error.html", {"status": 422, "detail": "; ".join(problems)},
                                          status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        LOG.error("internal error on %s", request.url.path, exc_info=exc)
        return JSONResponse({"detail": "internal error"}, 500)

    def moved(request: Request, s: Store, cluster_id: str, prefix: str) -> Response:
        """301 to the cluster a former id was merged into (query string kept); 404 if the id was never known."""
        target = data.cluster_redirect(s, cluster_id)
        if target is None:
            raise HTTPException(404, f"no cluster {cluster_id!r}")
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{prefix}{words.path_id(target)}{query}", status_code=301)

    def page(request: Request, template: str, payload: dict[str, Any], extra: dict[str, Any] | None = None,
             status: int = 200) -> Response:
        if wants_json(request):
            return JSONResponse(jsonable_encoder(payload), status)
        return templates.TemplateResponse(request, template, {**payload, **(extra or {})}, status_code=status)

    def timeline(s: Store, query: ClusterQuery, request: Request) -> dict[str, Any]:
        rows, total = listing.page(s, query)
        claims = listing.figure_rows(s, [r["id"] for r in rows], query)
        found = [cards.card(r, claims.get(r["id"], [])) for r in rows]
        last = query.offset + len(found) < total
        return {"filters": query.filters(), "sort": query.sort, "page": query.page, "per_page": query.per_page,
                "total": total, "count": len(found), "first": query.offset + 1 if found else 0,
                "last": query.offset + len(found), "errors": list(query.errors),
                "next": query.url(request.url.path, page=query.page + 1) if last else None,
                "prev": query.url(request.url.path, page=query.page - 1) if query.page > 1 else None,
                "facets": listing.facets(s, query), "kind": "clusters",
                "items": [c.as_dict() for c in found]}

    # ---- pages, each with its JSON twin ----
    @app.get("/", responses=HTML_OR_JSON, tags=["pages"], summary="The timeline of event clusters")
    def index(request: Request, query: ClusterQuery = Depends(cluster_query), s: Store = Depends(store)) -> Response:
        """Clusters matching the filters, N of M with paging, facets with counts; a map that follows the filters."""
        if query.errors and wants_json(request):
            raise HTTPException(422, list(query.errors))
        payload = timeline(s, query, request)
        status = 400 if query.errors else 200
        if wants_json(request):
            return JSONResponse(jsonable_encoder(payload), status)
        items = payload["items"]
        places = [{"name": c["place"], "lat": c["lat"], "lon": c["lon"], "count": c["articles"] or 1}
                  for c in items if c["lat"] is not None and c["lon"] is not None]
        extra = {"query": query, "options": data.options(s), "map": svg_map(places),
                 "map_url": query.url("/api/map", page=1),
                 "claimants_url": query.url("/claimants", page=1, per_page=PER_PAGE, sort="date"),
                 "downloads": {fmt: query.url(f"/download/{fmt}", page=1) for fmt in DOWNLOADS}}
        return page(request, "index.html", payload, extra, status)

    @app.get("/clusters/{cluster_id:path}", responses=HTML_OR_JSON, tags=["pages"], summary="One event cluster")
    def cluster_page(request: Request, cluster_id: str, as_of: str | None = Query(None, max_length=10),
                     s: Store = Depends(store)) -> Response:
        """The merged event: figures per claimant with conflicts side by side, and every supporting mention."""
        found = data.cluster(s, cluster_id[:MAX_ID], _day(as_of, "as_of"))
        if found is None:
            return moved(request, s, cluster_id[:MAX_ID], "/clusters/")
        charts = {category: figure_chart(claims) for category, claims in found["figures"].items()}
        return page(request, "cluster.html", found, {"c": found, "charts": charts})

    @app.get("/claimants", responses=HTML_OR_JSON, tags=["pages"], summary="Claimants across the crisis")
    def claimants_page(request: Request, query: ClusterQuery = Depends(cluster_query),
                       s: Store = Depends(store)) -> Response:
        """For the clusters the timeline's filters keep (as_of too): one row per canonical claimant, one column per
        figure category; a cell adds up the claimant's latest figure per cluster, with the clusters it covers, its
        group and nationwide figures apart, and every figure per cluster. Rows page by `page` and `per_page`; `sort`
        is ignored (rows: most clusters first)."""
        if query.errors and wants_json(request):
            raise HTTPException(422, list(query.errors))
        payload = claimants.table(s, query, request.url.path).as_dict()
        status = 400 if query.errors else 200
        extra = {"query": query, "options": data.options(s), "form_action": "/claimants",
                 "timeline_url": query.url("/", page=1, per_page=PER_PAGE),
                 "claimants_url": query.url("/claimants", page=1, per_page=PER_PAGE, sort="date")}
        return page(request, "claimants.html", payload, extra, status)

    @app.get("/articles", responses=HTML_OR_JSON, tags=["pages"], summary="Articles")
    def articles_page(request: Request, q: str | None = text_param("search title and text"),
                      limit: int = limit_param(), offset: int = offset_param(), s: Store = Depends(store)) -> Response:
        """Articles, oldest first, N of M with paging."""
        rows, total = data.articles_page(s, q, limit, offset)
        payload = {"q": q, "total": total, "offset": offset, "count": len(rows), "articles": rows,
                   "next": _next(request, offset, len(rows), total, limit),
                   "prev": str(request.url.include_query_params(offset=max(0, offset - limit))) if offset else None}
        return page(request, "articles.html", payload)

    @app.get("/articles/{article_id:path}", responses=HTML_OR_JSON, tags=["pages"], summary="One article")
    def article_page(request: Request, article_id: str, s: Store = Depends(store)) -> Response:
        """The full stored report; the page highlights what was found in the text."""
        report = data.article(s, article_id[:MAX_ID])
        if report is None:
            raise HTTPException(404, f"no article {article_id[:MAX_ID]!r}")
        if wants_json(request):
            return JSONResponse(jsonable_encoder(report))
        text = highlight(report["article"]["text"], spans(report))
        entities = {e["id"]: e for e in report.get("entities", [])}
        quantities = {q["id"]: q for q in report.get("quantities", [])}
        times = {t["id"]: t for t in report.get("times", [])}
        names = data.cluster_names(s, [e["cluster_id"] for e in report.get("events", []) if e.get("cluster_id")])
        return page(request, "article.html", report, {"r": report, "text_html": text, "entity_by_id": entities,
                                                      "quantity_by_id": quantities, "time_by_id": times,
                                                      "cluster_names": names})

    @app.get("/download/{fmt}", tags=["pages"], summary="Download this view",
             responses={200: {"content": {v[0]: {} for v in DOWNLOADS.values()}}})
    def download(fmt: str, query: ClusterQuery = Depends(cluster_query), s: Store = Depends(store)) -> Response:
        """The clusters matching the filters (all pages): csv (ACLED columns), geojson or parquet; or their claims
        (claims-csv, claims-parquet: one row per claim, as known on `as_of` when it is set)."""
        if fmt not in DOWNLOADS:
            raise HTTPException(404, f"no download format {fmt[:20]!r}; one of {', '.join(DOWNLOADS)}")
        if query.errors:
            raise HTTPException(422, list(query.errors))
        every = ClusterQuery(**{**query.__dict__, "page": 1, "per_page": DOWNLOAD_LIMIT, "errors": ()})
        ids = [r["id"] for r in listing.page(s, every)[0]]
        media, name = DOWNLOADS[fmt]
        if fmt.startswith("claims-"):
            body = claims_download(s, ClaimScope(cluster_ids=tuple(ids), as_of=query.as_of), fmt.split("-", 1)[1])
        else:
            body = export.cluster_download(s, ids, fmt)
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # ---- JSON API ----
    @app.get("/api/clusters", tags=["api"])
    def api_clusters(request: Request, query: ClusterQuery = Depends(cluster_query),
                     s: Store = Depends(store)) -> dict[str, Any]:
        """The timeline as JSON (the same as /?format=json): cards, N of M, facets and a `next` link."""
        if query.errors:
            raise HTTPException(422, list(query.errors))
        payload = timeline(s, query, request)
        payload["clusters"] = payload.pop("items")
        return jsonable_encoder(payload)

    @app.get("/api/claimants", tags=["api"], response_model=claimants.ClaimantTable)
    def api_claimants(request: Request, query: ClusterQuery = Depends(cluster_query),
                      s: Store = Depends(store)) -> claimants.ClaimantTable:
        """Claimants across the clusters the filters keep (the same as /claimants?format=json), N of M with `next`."""
        if query.errors:
            raise HTTPException(422, list(query.errors))
        return claimants.table(s, query, request.url.path)

    @app.get("/api/map", tags=["api"])
    def api_map(query: ClusterQuery = Depends(cluster_query), s: Store = Depends(store)) -> dict[str, Any]:
        """Every cluster matching the filters that has coordinates (at most 5,000), for the map."""
        if query.errors:
            raise HTTPException(422, list(query.errors))
        rows = listing.points(s, query)
        points = [{"id": r["id"], "name": words.cluster_name(r), "url": f"/clusters/{words.path_id(r['id'])}",
                   "type": r["type"], "lat": r["lat"], "lon": r["lon"], "killed": r["killed"],
                   "sources": r["sources"], "articles": r["articles"], "disputed": r["disputed"]} for r in rows]
        return jsonable_encoder({"filters": query.filters(), "count": len(points), "points": points})

    @app.get("/api/events", tags=["api"])
    def api_events(request: Request, filters: EventFilter = Depends(timeline_filters), limit: int = limit_param(),
                   offset: int = offset_param(), s: Store = Depends(store)) -> dict[str, Any]:
        """Single event mentions matching the filters, oldest first, with a `next` link."""
        rows = data.events(s, filters, limit, offset)
        return jsonable_encoder({"filters": filters.as_dict(), "limit": limit, "offset": offset, "count": len(rows),
                                 "next": _next(request, offset, len(rows), None, limit), "events": rows})

    @app.get("/api/clusters/{cluster_id:path}", tags=["api"],
             responses={301: {"description": "the id was merged into another cluster: its new URL"}})
    def api_cluster(request: Request, cluster_id: str, as_of: str | None = Query(None, max_length=10),
                    s: Store = Depends(store)) -> Any:
        """One cluster: the merged event, its supporting sentences and its figure claims."""
        found = data.cluster(s, cluster_id[:MAX_ID], _day(as_of, "as_of"))
        if found is None:
            return moved(request, s, cluster_id[:MAX_ID], "/api/clusters/")
        return jsonable_encoder(found)

    @app.get("/api/articles", tags=["api"])
    def api_articles(request: Request, q: str | None = text_param("search title and text"),
                     limit: int = limit_param(), offset: int = offset_param(),
                     s: Store = Depends(store)) -> dict[str, Any]:
        """Articles, oldest first; q searches title and text; with a `next` link."""
        rows, total = data.articles_page(s, q, limit, offset)
        return jsonable_encoder({"q": q, "limit": limit, "offset": offset, "total": total, "count": len(rows),
                                 "next": _next(request, offset, len(rows), total, limit), "articles": rows})

    @app.get("/api/articles/{article_id:path}", tags=["api"])
    def api_article(article_id: str, s: Store = Depends(store)) -> dict[str, Any]:
        """The full stored report of one article."""
        report = data.article(s, article_id[:MAX_ID])
        if report is None:
            raise HTTPException(404, f"no article {article_id[:MAX_ID]!r}")
        return jsonable_encoder(report)

    @app.get("/api/places", tags=["api"])
    def api_places(limit: int = limit_param(), s: Store = Depends(store)) -> dict[str, Any]:
        """Places with coordinates and how much happened there."""
        rows = data.places(s, limit)
        return jsonable_encoder({"count": len(rows), "places": rows})

    return app


def _body_length(request: Request) -> int:
    """The declared body length; a malformed header counts as a body."""
    raw = request.headers.get("content-length")
    if raw is None:
        return 0
    try:
        return int(raw)
    except ValueError:
        return -1
