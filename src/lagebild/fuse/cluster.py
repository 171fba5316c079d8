"""Merge event mentions into clusters: pure, deterministic, order-independent.

Rules (a mention joins a cluster only if it is compatible with *every* member, via the cluster's profile):

* type: the same PLOVER type; mode equal, or missing on one side.
* modality: negated mentions ("no troops were sent") only merge with negated mentions.
* dates: the date intervals overlap (1-D intervals overlap pairwise iff they share a common interval,
  so the profile keeps the intersection). An undated mention happened on or up to
  `FuseConfig.undated_lookback_days` before its article's publication; a mention with neither
  time nor publication date never merges.
* place: the same GeoNames id; or the same country when one side is only the country; two different
  places below country level (Bishkek, Osh) or two countries never merge. A missing place is compatible
  only if the rest matches strongly (the same non-empty mode, or a shared actor key), or if the cluster
  already holds a mention of the same source: the same article, or a wire copy of it, placed it.
* actors: actor/target keys (`canonical_key`) must share one key when both sides name actors.
* pinned mentions (split off by a user) form their own closed cluster: nothing joins them.
* wire copies: a mention from a near-duplicate article (`Mention.group`, the original's id) is not a second
  source. Originals are clustered first; then each copy's mention joins the cluster of its original's mention
  of the same type (the same event id first, then the best match), and only copies whose original has no
  event of that type are clustered among themselves. A cluster's `sources` counts distinct originals.
* mentions a user merged (the same merge group) end in one cluster, whatever the other rules say.

Mentions are processed in one canonical order (dates, type, ids), never in ingest order; a mention joins
the best-scoring compatible open cluster (ties: the smaller cluster key), so the same mentions always give
the same clusters. A cluster's id is a hash of its first member's (article_id, event_id). Open clusters are
filed in an index (`candidates.OpenClusters`) so a mention is matched only against the clusters it could join,
and leave it as soon as their common interval ends before the day the next mention starts (`Expiry`: a list of
clusters per day, with an entry for every end the interval had); only the chosen cluster's reason is written out.
A mention without place or actors takes the open cluster of its mode with the smallest id without scoring each
(`_same_mode`: they all score the same). Open clusters hold one object per equal date, country and place, and the
reasons of one clustering share their strings and, within a cluster, the `with` dict naming its first member.
The fuse store keeps the ids of earlier runs (`fuse/store.py`: persistent ids and redirects).
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..collector import paused_collector
from .candidates import OpenClusters

COUNTRY_KINDS = frozenset({"country"})


@dataclass(frozen=True)
class FuseConfig:
    """Merging parameters; the defaults are the documented rules."""

    undated_lookback_days: int = 7
    conflict_window_days: int = 3


@dataclass(frozen=True, slots=True)
class Mention:
    """One event mention, with what merging needs."""

    article_id: str
    event_id: str
    type: str
    mode: str | None
    modality: str
    earliest: date | None
    latest: date | None
    dated: bool  # False: the interval was inferred from the publication date
    geonames_id: int | None = None
    place_name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    place_kind: str | None = None
    actors: frozenset[str] = frozenset()
    published: date | None = None
    pinned: str | None = None
    group: str | None = None  # a wire copy: the id of the original article; None for an original
    merge_group: str | None = None  # a user's merge group: mentions of one group end in one cluster

    @property
    def source(self) -> str:
        """The independent source this mention comes from: its article, or the original it copies."""
        return self.group or self.article_id

    @property
    def copy(self) -> bool:
        """Whether the mention comes from a wire copy of another article."""
        return self.group is not None and self.group != self.article_id

    @property
    def key(self) -> tuple[str, str]:
        """The mention's identity in the store."""
        return (self.article_id, self.event_id)

    @property
    def order(self) -> tuple:
        """The canonical sort key: independent of ingest order."""
        return (self.earliest or date.max, self.latest or date.max, self.type, self.mode or "",
                self.article_id, self.event_id)

    @property
    def local_place(self) -> bool:
        """Whether the place is below country level."""
        return self.geonames_id is not None and (self.place_kind or "") not in COUNTRY_KINDS


def cluster_id(mention: Mention) -> str:
    """A content-derived cluster id: the hash of the first member's key."""
    digest = hashlib.blake2b(f"{mention.article_id}\x1f{mention.event_id}".encode(), digest_size=8).hexdigest()
    return f"c{digest}"


@dataclass(slots=True)
class Cluster:
    """A cluster under construction: members in joining order and the profile all members share."""

    id: str
    type: str
    members: list[Mention]
    reasons: list[dict[str, Any]]
    mode: str | None
    negated: bool
    earliest: date
    latest: date
    country: str | None
    geonames_id: int | None
    actors: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    closed: bool = False
    origin: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # the first member's key

    @classmethod
    def seed(cls, mention: Mention, same: dict[Any, Any] | None = None) -> Cluster:
        """A new cluster holding one mention (`same`: equal values already held, to keep one object of each)."""
        reason: dict[str, Any] = {"joined": "split by user" if mention.pinned else "first mention"}
        earliest, latest = mention.earliest or date.min, mention.latest or date.min
        country, geonames_id = mention.country, mention.geonames_id if mention.local_place else None
        if same is not None:
            earliest, latest = same.setdefault(earliest, earliest), same.setdefault(latest, latest)
            country, geonames_id = same.setdefault(country, country), same.setdefault(geonames_id, geonames_id)
        return cls(id=cluster_id(mention), type=mention.type, members=[mention], reasons=[reason],
                   mode=mention.mode, negated=mention.modality == "negated", earliest=earliest, latest=latest,
                   country=country, geonames_id=geonames_id, actors=set(mention.actors), groups={mention.source},
                   closed=mention.pinned is not None or mention.earliest is None,
                   origin={"article_id": mention.article_id, "event_id": mention.event_id})

    def add(self, mention: Mention, reason: dict[str, Any], same: dict[Any, Any] | None = None) -> None:
        """Add a compatible mention and narrow the profile (`same` as in `seed`)."""
        self.members.append(mention)
        self.reasons.append(reason)
        self.mode = self.mode or mention.mode
        earliest, latest = mention.earliest, mention.latest
        assert earliest is not None and latest is not None  # compatible() admits dated mentions only
        if earliest > self.earliest:
            self.earliest = earliest if same is None else same.setdefault(earliest, earliest)
        if latest < self.latest:
            self.latest = latest if same is None else same.setdefault(latest, latest)
        if not self.country:
            country = mention.country
            self.country = country if same is None else same.setdefault(country, country)
        if mention.local_place:
            geonames_id = mention.geonames_id
            self.geonames_id = geonames_id if same is None else same.setdefault(geonames_id, geonames_id)
        if mention.actors:
            self.actors |= mention.actors
        self.groups.add(mention.group or mention.article_id)

    def attach(self, mention: Mention, reason: dict[str, Any]) -> None:
        """Add a wire copy's mention: a member, but not a new source, and the profile stays as it is."""
        self.members.append(mention)
        self.reasons.append(reason)

    @property
    def sources(self) -> int:
        """The number of independent sources: distinct articles, wire copies counted with their original."""
        return len({m.source for m in self.members})


def score(cluster: Cluster, mention: Mention) -> int | None:
    """How well `mention` fits `cluster` (higher is better), or None if it may not join: the merging rules."""
    earliest, latest = mention.earliest, mention.latest
    if cluster.closed or mention.pinned or earliest is None or latest is None:
        return None
    if mention.type != cluster.type or (mention.modality == "negated") != cluster.negated:
        return None
    mode, cluster_mode = mention.mode, cluster.mode
    if cluster_mode and mode and cluster_mode != mode:
        return None
    if max(cluster.earliest, earliest) > min(cluster.latest, latest):
        return None
    points = 1
    strong = False
    if cluster_mode and mode:
        strong = True
        points += 2
    actors = mention.actors
    if actors and cluster.actors:
        if actors.isdisjoint(cluster.actors):
            return None
        strong = True
        points += 2
    country = mention.country
    if country and cluster.country:
        if country != cluster.country:
            return None
        geonames_id = mention.geonames_id
        if geonames_id is not None and cluster.geonames_id is not None \
                and (mention.place_kind or "") not in COUNTRY_KINDS:  # a local place on both sides
            if geonames_id != cluster.geonames_id:
                return None
            return points + 3
        return points + 1
    if strong or (mention.group or mention.article_id) in cluster.groups:
        return points
    return None


def match(cluster: Cluster, mention: Mention, texts: dict[Any, str] | None = None) -> dict[str, Any] | None:
    """Why `mention` may join `cluster` (with its `score`), or None if it may not.

    `texts`, kept over one clustering, holds each text already written, so that equal reasons share their strings.
    """
    points = score(cluster, mention)
    if points is None:
        return None
    assert mention.earliest is not None and mention.latest is not None  # score() admits dated mentions only
    known = {} if texts is None else texts
    low, high = max(cluster.earliest, mention.earliest), min(cluster.latest, mention.latest)
    reason: dict[str, Any] = {"joined": "merged", "type": _text(known, ("type", mention.type))}
    strong: list[str] = []
    if cluster.mode and mention.mode:
        reason["mode"] = _text(known, ("mode", mention.mode))
        strong.append("mode")
    else:
        reason["mode"] = "mode missing on one side"
    reason["dates"] = _text(known, ("dates", low, high, mention.dated))
    if mention.actors and cluster.actors:
        reason["actors"] = f"shared actor keys {sorted(mention.actors & cluster.actors)}"
        strong.append("actors")
    else:
        reason["actors"] = "no actors on one side"
    if mention.country and cluster.country:
        if mention.local_place and cluster.geonames_id is not None:
            reason["place"] = _text(known, ("place", mention.place_name, mention.geonames_id))
        else:
            reason["place"] = _text(known, ("country", mention.country))
    elif strong:
        reason["place"] = f"place missing on one side; strong match on {' and '.join(strong)}"
    else:
        reason["place"] = f"place missing on one side; placed by the same article {mention.source}"
    reason["score"] = points
    return reason


def _text(known: dict[Any, str], key: tuple) -> str:
    """The text of one part of a reason (`key`: its kind and values), written once per clustering."""
    text = known.get(key)
    if text is None:
        text = known[key] = _write(key)
    return text


def _write(key: tuple) -> str:
    """Write the text of a reason part."""
    kind = key[0]
    if kind == "type":
        return f"same type {key[1]}"
    if kind == "mode":
        return f"same mode {key[1]}"
    if kind == "dates":
        return f"overlap {key[1].isoformat()}..{key[2].isoformat()}" + (
            "" if key[3] else " (mention undated: inferred from publication)")
    if kind == "place":
        return f"same place {key[1]} (geonames {key[2]})"
    return f"same country {key[1]}; one side names only the country"


def cluster_mentions(mentions: Iterable[Mention], index: Callable[[], Any] = OpenClusters) -> list[Cluster]:
    """Clusters of the mentions; the same set of mentions gives the same clusters in any order.

    `index` builds the store of open clusters (`OpenClusters`; `ScanAll` tries every open cluster of the type,
    the reference the index is tested against).
    """
    originals: list[Mention] = []
    keys: list[Any] = []
    copies: list[Mention] = []
    grouped = False  # whether a user merged any of the mentions
    for mention in mentions:  # one pass: the input is read once, in its own order, and keyed for the sort
        grouped = grouped or mention.merge_group is not None
        if mention.copy and not mention.pinned:
            copies.append(mention)
        else:
            originals.append(mention)
            keys.append(_order_key(mention))
    with paused_collector():
        clusters = _cluster(originals, index(), keys)
        leftover = _attach_copies(clusters, copies)
        clusters = clusters + _cluster(leftover, index()) if leftover else clusters
        return _merge_groups(clusters) if grouped else clusters  # no need to read every member again if none


def _cluster(mentions: list[Mention], open_clusters: Any, keys: list[Any] | None = None) -> list[Cluster]:
    """The merging rules, applied in canonical order, each mention against the open clusters it could join."""
    clusters: list[Cluster] = []
    expiry = Expiry(open_clusters)
    same: dict[Any, Any] = {}  # one object for each date, country and place the open clusters hold
    texts: dict[Any, str] = {}  # one string for each text the reasons hold
    for mention in _in_order(mentions, [_order_key(m) for m in mentions] if keys is None else keys):
        if mention.earliest is not None:
            expiry.before(mention.earliest)
        chosen = _best(open_clusters, mention) if mention.earliest is not None and not mention.pinned else None
        if chosen is not None:
            chosen_reason = match(chosen, mention, texts)
            assert chosen_reason is not None
            latest = chosen.latest
            chosen_reason["with"] = chosen.origin  # one dict per cluster: the first member's key
            open_clusters.join(chosen, mention, chosen_reason, same)  # adds it, files what the profile gained
            if chosen.latest < latest:  # the common interval now ends earlier: so does the cluster
                expiry.add(chosen)
            continue
        new = Cluster.seed(mention, same)
        clusters.append(new)
        if not new.closed:
            open_clusters.add(new)
            expiry.add(new)
    return clusters


class Expiry:
    """When open clusters close: lists of clusters by the last day of their common interval.

    Mentions come by earliest day, so a cluster whose interval ends before the day of the next mention can take
    no more and leaves the index. A cluster whose interval narrowed is listed under each end it had; only its
    present end counts. Days are few (a list per day, a heap of days), so adding is O(1) and no cluster is
    compared with another.
    """

    def __init__(self, open_clusters: Any) -> None:
        self.open_clusters = open_clusters
        self.by_day: dict[date, list[Cluster]] = {}
        self.days: list[date] = []  # heap of the days in `by_day`

    def add(self, cluster: Cluster) -> None:
        """List the cluster under the present end of its interval."""
        listed = self.by_day.get(cluster.latest)
        if listed is None:
            self.by_day[cluster.latest] = [cluster]
            heapq.heappush(self.days, cluster.latest)
        else:
            listed.append(cluster)

    def before(self, day: date) -> None:
        """Take the clusters whose common interval ends before `day` out of the index."""
        days = self.days
        while days and days[0] < day:
            end = heapq.heappop(days)
            for cluster in self.by_day.pop(end):
                if cluster.latest == end:
                    self.open_clusters.remove(cluster)


def _best(open_clusters: Any, mention: Mention) -> Cluster | None:
    """The open cluster the mention joins: the highest score, ties to the smaller cluster id; None if none fits."""
    if not mention.country and not mention.actors and mention.mode:
        chosen = _same_mode(open_clusters, mention)
        if chosen is not None:
            return chosen
    best_points, chosen = 0, None
    for candidate in open_clusters.candidates(mention):
        points = score(candidate, mention)
        if points is None or points < best_points:
            continue
        if points > best_points or chosen is None or candidate.id < chosen.id:
            best_points, chosen = points, candidate
    return chosen


MODE_ONLY = 3  # the score of a strong match on mode alone: the most a mention without place or actors can get


def _same_mode(open_clusters: Any, mention: Mention) -> Cluster | None:
    """For a mention without country or actors: the open cluster of its mode with the smallest id, if any.

    Such a mention scores at most `MODE_ONLY` (no actor or place points), and exactly that with every open cluster
    of its type, negation and mode (dates: clusters still open end on or after the mention's first day, and began
    on or before it), so the best is the smallest id among them: no need to score each (there are many: the
    placeless mentions meet every open cluster of their type and mode). The chosen one is scored to be sure.
    """
    bucket = open_clusters.same_mode(mention)
    if not bucket:
        return None
    chosen: Cluster = bucket[min(bucket)]
    return chosen if score(chosen, mention) == MODE_ONLY else None


def _order_key(m: Mention) -> Any:
    """The canonical order as one string (compared in one pass, unlike tuples of dates and strings).

    Dates become 7-digit day numbers (`date.max` is day 3,652,059) and the text fields are joined by NUL, which
    sorts below every other character, so the strings sort as the `Mention.order` tuples do; text holding a NUL
    gives the tuple (`_in_order` then sorts every mention by its tuple).
    """
    key = (f"{(m.earliest or date.max).toordinal():07d}{(m.latest or date.max).toordinal():07d}"
           f"{m.type}\x00{m.mode or ''}\x00{m.article_id}\x00{m.event_id}")
    return key if key.count("\x00") == 3 else m.order


def _in_order(mentions: list[Mention], keys: list[Any]) -> Iterator[Mention]:
    """The mentions in canonical order, by their `_order_key`s."""
    if not all(type(key) is str for key in keys):
        keys = [m.order for m in mentions]
    return map(mentions.__getitem__, sorted(range(len(mentions)), key=keys.__getitem__))


def _merge_groups(clusters: list[Cluster]) -> list[Cluster]:
    """Join the clusters that hold mentions of one user merge group into the first of them."""
    home: dict[str, Cluster] = {}
    kept: list[Cluster] = []
    for cluster in clusters:
        groups = sorted({m.merge_group for m in cluster.members if m.merge_group})
        target = next((home[g] for g in groups if g in home), None)
        if target is None:
            kept.append(cluster)
            for g in groups:
                home[g] = cluster
            continue
        first = target.members[0]
        for m in cluster.members:
            target.members.append(m)
            target.reasons.append({"joined": "merged by user", "group": m.merge_group,
                                   "with": {"article_id": first.article_id, "event_id": first.event_id}})
        target.earliest = min(target.earliest, cluster.earliest)
        target.latest = max(target.latest, cluster.latest)
        for g in groups:
            home.setdefault(g, target)
    return kept


def _attach_copies(clusters: list[Cluster], copies: list[Mention]) -> list[Mention]:
    """Attach each wire copy's mention to its original's cluster of the same type; returns those left over."""
    if not copies:
        return []
    by_origin: dict[tuple[str, str], list[Cluster]] = {}
    for cluster in clusters:
        if any(m.pinned for m in cluster.members[:1]):
            continue
        for origin in {(m.article_id, m.type) for m in cluster.members}:
            by_origin.setdefault(origin, []).append(cluster)
    leftover = []
    for mention in sorted(copies, key=lambda m: m.order):
        negated = mention.modality == "negated"
        options = [c for c in by_origin.get((mention.source, mention.type), []) if c.negated == negated]
        if not options:
            leftover.append(mention)
            continue
        same_event = [c for c in options if any(m.key == (mention.source, mention.event_id) for m in c.members)]
        scored = sorted((-(r["score"]) if (r := match(c, mention)) else 0, c.id) for c in options)
        target = same_event[0] if same_event else next(c for c in options if c.id == scored[0][1])
        first = target.members[0]
        target.attach(mention, {"joined": "wire copy", "copy_of": mention.source, "type": f"same type {mention.type}",
                                "with": {"article_id": first.article_id, "event_id": first.event_id}})
    return leftover


class ScanAll:
    """Open clusters in one list per type: every one is tried (the reference for `OpenClusters`)."""

    def __init__(self) -> None:
        self._open: dict[str, dict[str, Cluster]] = {}

    def add(self, cluster: Cluster) -> None:
        self._open.setdefault(cluster.type, {})[cluster.id] = cluster

    def remove(self, cluster: Cluster) -> None:
        self._open.get(cluster.type, {}).pop(cluster.id, None)

    def join(self, cluster: Cluster, mention: Mention, reason: dict[str, Any], same: Any = None) -> None:
        cluster.add(mention, reason, same)

    def candidates(self, mention: Mention) -> list[Cluster]:
        return list(self._open.get(mention.type, {}).values())

    def same_mode(self, mention: Mention) -> None:
        """No clusters filed by mode here: every one is scored."""
        return None


def shift(day: date | None, days: int) -> date | None:
    """`day` moved by `days` (None stays None)."""
    return None if day is None else day + timedelta(days=days)
