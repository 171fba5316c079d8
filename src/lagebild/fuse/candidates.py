"""An index of open clusters, so that a mention meets only the clusters it could join.

`match` (in `cluster.py`) stays the one place where the merging rules live; the index only has to return a
superset of the clusters `match` could accept. Open clusters are shelved by (type, negated), and on the shelf
filed by what their profile holds:

* `country`: every cluster with a country; `place`: the same by (country, place below country level or None);
* `mode`, `actor`, `source`: the keys on which a mention may join when one side has no place (a strong match on
  mode or actors, or the same article or wire copy placed it); `n_mode`, `n_actor`, `n_source`: the same for
  clusters without a country only.

A mention with a country looks up its country (or its place and the country-only clusters of the country) and
the countryless clusters it could strongly match; a mention without a country looks up the strong-match keys
over all clusters. Which clusters are open is decided by the caller (date expiry), so dates need no key. When a
mention joins, only the keys its profile gained are filed (`join`), so the cost per mention stays flat.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import Cluster, Mention

Bucket = dict[str, "Cluster"]
Files = dict[Hashable, Bucket]


def _put(files: Files, key: Hashable, cluster: Cluster) -> None:
    bucket = files.get(key)
    if bucket is None:
        files[key] = {cluster.id: cluster}
    else:
        bucket[cluster.id] = cluster


def _drop(files: Files, key: Hashable, cluster: Cluster) -> None:
    bucket = files.get(key)
    if bucket is not None:
        bucket.pop(cluster.id, None)
        if not bucket:
            del files[key]


class Shelf:
    """The open clusters of one type and negation, filed by place, mode, actor and source."""

    __slots__ = ("country", "place", "mode", "actor", "source", "n_mode", "n_actor", "n_source")

    def __init__(self) -> None:
        self.country: Files = {}
        self.place: Files = {}
        self.mode: Files = {}
        self.actor: Files = {}
        self.source: Files = {}
        self.n_mode: Files = {}
        self.n_actor: Files = {}
        self.n_source: Files = {}

    def file(self, cluster: Cluster, op: Any, mode: bool = True, actors: Iterable[str] | None = None,
             sources: Iterable[str] | None = None, place: bool = True) -> None:
        """Put (or drop, with `op=_drop`) the cluster under the keys of its profile (or only the ones named)."""
        countryless = not cluster.country
        if mode and cluster.mode:
            op(self.mode, cluster.mode, cluster)
            if countryless:
                op(self.n_mode, cluster.mode, cluster)
        for actor in cluster.actors if actors is None else actors:
            op(self.actor, actor, cluster)
            if countryless:
                op(self.n_actor, actor, cluster)
        for source in cluster.groups if sources is None else sources:
            op(self.source, source, cluster)
            if countryless:
                op(self.n_source, source, cluster)
        if place and not countryless:
            op(self.country, cluster.country, cluster)
            op(self.place, (cluster.country, cluster.geonames_id), cluster)

    def lookup(self, mention: Mention) -> list[Bucket]:
        """The buckets holding every cluster this mention could join."""
        if mention.country:
            mode, actor, source = self.n_mode, self.n_actor, self.n_source
        else:
            mode, actor, source = self.mode, self.actor, self.source
        found = [mode.get(mention.mode)] if mention.mode else []
        found.extend(actor.get(a) for a in mention.actors)
        found.append(source.get(mention.source))
        if mention.country:
            if mention.local_place:
                found.append(self.place.get((mention.country, mention.geonames_id)))
                found.append(self.place.get((mention.country, None)))
            else:
                found.append(self.country.get(mention.country))
        return [bucket for bucket in found if bucket]


class OpenClusters:
    """Open clusters on shelves by type and negation."""

    def __init__(self) -> None:
        self._shelves: dict[tuple[str, bool], Shelf] = {}

    def _shelf(self, type_: str, negated: bool) -> Shelf:
        shelf = self._shelves.get((type_, negated))
        if shelf is None:
            shelf = self._shelves[(type_, negated)] = Shelf()
        return shelf

    def add(self, cluster: Cluster) -> None:
        """File a new open cluster."""
        self._shelf(cluster.type, cluster.negated).file(cluster, _put)

    def remove(self, cluster: Cluster) -> None:
        """Take a cluster out of the index (its dates are past)."""
        self._shelf(cluster.type, cluster.negated).file(cluster, _drop)

    def join(self, cluster: Cluster, mention: Mention, reason: dict[str, Any], same: Any = None) -> None:
        """Add the mention to the cluster and file the cluster under what its profile gained."""
        shelf = self._shelf(cluster.type, cluster.negated)
        country, geonames, mode = cluster.country, cluster.geonames_id, cluster.mode
        actors = mention.actors - cluster.actors if mention.actors else ()
        source = mention.group or mention.article_id
        sources = () if source in cluster.groups else (source,)
        if country is None and mention.country:  # leaves the countryless files: re-file it whole
            shelf.file(cluster, _drop)
            cluster.add(mention, reason, same)
            shelf.file(cluster, _put)
            return
        cluster.add(mention, reason, same)
        if geonames != cluster.geonames_id and country:
            _drop(shelf.place, (country, geonames), cluster)
            _put(shelf.place, (country, cluster.geonames_id), cluster)
        if actors or sources or mode != cluster.mode:
            shelf.file(cluster, _put, mode=mode != cluster.mode, actors=actors, sources=sources, place=False)

    def same_mode(self, mention: Mention) -> Bucket | None:
        """Every open cluster of the mention's type, negation and mode (keyed by cluster id), or None."""
        shelf = self._shelves.get((mention.type, mention.modality == "negated"))
        return shelf.mode.get(mention.mode) if shelf is not None and mention.mode else None

    def candidates(self, mention: Mention) -> Iterable[Cluster]:
        """The open clusters this mention might join (a superset of those `match` accepts), each once."""
        shelf = self._shelves.get((mention.type, mention.modality == "negated"))
        if shelf is None:
            return ()
        buckets = shelf.lookup(mention)
        if len(buckets) == 1:
            return buckets[0].values()
        found: Bucket = {}
        for bucket in buckets:
            found.update(bucket)
        return found.values()
