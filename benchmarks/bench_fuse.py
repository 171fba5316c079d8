"""Fuse at scale: cluster 100,000 synthetic event mentions; compare with a plain group-by on (type, country, date).

Usage: .venv/bin/python benchmarks/bench_fuse.py [--mentions 100000] [--runs 3] [--out benchmarks/results/fuse.json]
Times the in-memory clustering (`cluster_mentions`, all merging rules and reasons) and, in the same run, the
baseline dict group-by over the same mentions; records medians and their ratio.

Scale mode: .venv/bin/python benchmarks/bench_fuse.py --scale 10000,100000,1000000 [--runs 3]
[--out benchmarks/results/fuse_scale.json]: the time per mention at each size with the candidate index
(`OpenClusters`), the same figure for the old scan over every open cluster of the type (`ScanAll`, up to
--scan-up-to mentions), whether both give the same clusters, the group-by baseline at each size, and (one more,
untimed run) how many open clusters a mention is scored against on average. With PYTHONPATH=<other src> it times
that code instead (recorded as "code"), for before/after figures. --synthetic span keeps events per day constant
(the days grow with the size) instead of the original two years at every size; it writes fuse_scale_span.json.
--through-store (with --scale): the fuse stage on a DuckDB store built from the same mentions, `load_mentions`
and `cluster_mentions` timed apart, each size and run in its own process (fuse_scale_store.json).
--fresh (with --scale): each size and run in its own new process, sizes interleaved, with the group-by with the
collector on and off beside it (fuse_scale_fresh.json); --order store gives the mentions as the store loads them
(sorted, each built in that order) instead of shuffled. --alternate DIR (with --scale): the code in DIR (the src
of an older commit) and this checkout, each run in its own process, alternating,
so both see the same load: CPU per mention and the group-by's, medians of --runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import time
import zlib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from lagebild.collector import paused_collector
from lagebild.fuse.candidates import OpenClusters
from lagebild.fuse.cluster import Mention, ScanAll, cluster_mentions

TYPES = ("PROTEST", "ASSAULT", "COERCE", "MOBILIZE", "DEMAND", "FIGHT", "CONCEDE", "REJECT")
MODES = {"PROTEST": ("riot", "demonstrate"), "ASSAULT": ("kill", None), "COERCE": ("arrest", "curfew", "censor"),
         "FIGHT": (None,)}


GENERATORS = {
    "fixed": "n mentions of n/5 events over two years at every size (events per day grow with n), 8 types, "
             "60 countries x 10 places, a fifth undated, a tenth without country",
    "span": "the same world observed for longer: n mentions of n/5 events over 730 * n / 1,000,000 days (at least "
            "one), so events per type, country and day are those of 1M mentions in two years at every size",
}


def synthetic(n: int, seed: int = 7, generator: str = "fixed") -> list[Mention]:
    """n mentions of about n/5 real events in 60 countries, 10 places each; a fifth undated (`GENERATORS`)."""
    rng = random.Random(seed)
    start = date(2022, 1, 1)
    days = 730 if generator == "fixed" else max(1, round(730 * n / 1_000_000))
    events = []
    for _ in range(max(1, n // 5)):
        type_ = rng.choice(TYPES)
        country = f"C{rng.randrange(60):02d}"
        events.append((type_, rng.choice(MODES.get(type_, (None,))), country, rng.randrange(10),
                       start + timedelta(days=rng.randrange(days))))
    mentions = []
    for i in range(n):
        type_, mode, country, place, day = events[rng.randrange(len(events))]
        dated = rng.random() > 0.2
        published = day + timedelta(days=rng.randrange(3))
        earliest = day if dated else published - timedelta(days=7)
        local = rng.random() > 0.3
        mentions.append(Mention(
            article_id=f"a{i // 3:06d}", event_id=f"ev{i % 3}", type=type_, mode=mode if rng.random() > 0.2 else None,
            modality="asserted", earliest=earliest, latest=day if dated else published, dated=dated,
            geonames_id=zlib.crc32(f"{country}-{place}".encode()) if local else None, place_name=f"{country}-{place}",
            country=country if rng.random() > 0.1 else None, place_kind="city" if local else "country",
            published=published))
    return mentions


ORDERS = {
    "shuffled": "the mentions in a random order, each where the generator made it in memory",
    "store": "the mentions as `fuse.store.load_mentions` gives them: in the canonical order (DuckDB sorts them), "
             "each built with its own values in that order, so they lie in memory as the clustering reads them",
}


def as_loaded(mentions: list[Mention]) -> list[Mention]:
    """The mentions in canonical order, each rebuilt with new values, as rows read from the store are."""
    def text(value: str | None) -> str | None:
        return None if value is None else "".join(value)  # a new string object (join of a str's characters)

    def day(value: date | None) -> date | None:
        return None if value is None else date.fromordinal(value.toordinal())

    return [replace(m, article_id=text(m.article_id), event_id=text(m.event_id), type=text(m.type),
                    mode=text(m.mode), modality=text(m.modality), earliest=day(m.earliest), latest=day(m.latest),
                    place_name=text(m.place_name), country=text(m.country), place_kind=text(m.place_kind),
                    actors=frozenset(m.actors), published=day(m.published))
            for m in sorted(mentions, key=lambda m: m.order)]


def stored(mentions: list[Mention], path: Path) -> None:
    """A store at `path` holding the mentions as events, each in its own article (its dates, time and place)."""
    from lagebild.fuse.store import ensure_tables
    from lagebild.store import Store

    rows = path.with_suffix(".csv")
    with rows.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for i, m in enumerate(mentions):
            writer.writerow([f"a{i:07d}", m.type, m.mode or "", m.modality, _day(m.published),
                             _day(m.earliest) if m.dated else "", _day(m.latest) if m.dated else "",
                             m.place_name or "", m.country or "", m.geonames_id or "", m.place_kind or ""])
    with Store(path) as store:
        ensure_tables(store.con)
        store.con.execute(f"""CREATE TEMP TABLE m AS SELECT * FROM read_csv('{rows}', header=false, all_varchar=true,
            names=['aid','type','mode','modality','published','earliest','latest','place','country','geonames','kind'])""")
        store.con.execute("""INSERT INTO articles (id, lang, source, published_earliest, published_latest)
            SELECT aid, 'de', 'bench', published::DATE, published::DATE FROM m""")
        store.con.execute("""INSERT INTO events (article_id, id, type, mode, actors, targets, location, time, quantities,
            source_kind, modality) SELECT aid, 'ev1', type, nullif(mode, ''), '[]', '[]',
            CASE WHEN place <> '' OR country <> '' THEN 'loc1' END, CASE WHEN earliest <> '' THEN 't1' END, '[]',
            'author', modality FROM m""")
        store.con.execute("""INSERT INTO times (article_id, id, earliest, latest)
            SELECT aid, 't1', earliest::DATE, latest::DATE FROM m WHERE earliest <> ''""")
        store.con.execute("""INSERT INTO entities (article_id, id, label, name, place_name, country, geonames_id,
            place_kind) SELECT aid, 'loc1', 'LOC', place, nullif(place, ''), nullif(country, ''),
            nullif(geonames, '')::BIGINT, nullif(kind, '') FROM m WHERE place <> '' OR country <> ''""")
    rows.unlink()


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def time_store(size: int, generator: str, work: Path) -> None:
    """Print the CPU microseconds per mention of loading the stored mentions (`load_mentions`) and of clustering
    them, in a new process over a store built beforehand (untimed)."""
    from lagebild.fuse.store import load_mentions
    from lagebild.store import Store

    path = work / f"fuse-{generator}-{size}.duckdb"
    if not path.exists():
        stored(synthetic(size, generator=generator), path)
    with Store(path) as store:
        _, load_cpu, loaded = cpu_timed(load_mentions, store.con, list(TYPES))
        mentions = loaded.mentions  # type: ignore[attr-defined]
        del loaded
        _, cluster_cpu, got = cpu_timed(cluster_mentions, mentions)
    print(json.dumps({"load_cpu_us": load_cpu / size * 1e6, "cluster_cpu_us": cluster_cpu / size * 1e6,
                      "cpu_us": (load_cpu + cluster_cpu) / size * 1e6, "clusters": len(got)}))  # type: ignore[arg-type]


def through_store(sizes: list[int], runs: int, generator: str, out: Path) -> None:
    """The fuse stage as it runs on a store: load and cluster, each size and run in its own new process."""
    import subprocess
    import sys
    import tempfile

    got: dict[int, list[dict]] = {size: [] for size in sizes}
    loads = []
    with tempfile.TemporaryDirectory(prefix="bench-fuse-") as work:
        for size in sizes:  # build each store once, untimed
            subprocess.run([sys.executable, __file__, "--build-store", str(size), "--synthetic", generator,
                            "--work", work], check=True)
        for _ in range(runs):
            loads.append(round(os.getloadavg()[0], 1))
            for size in sizes:
                done = subprocess.run([sys.executable, __file__, "--time-store", str(size), "--synthetic", generator,
                                       "--work", work], check=True, capture_output=True, text=True)
                got[size].append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(size, got[size][-1], flush=True)
    names = ("load_cpu_us", "cluster_cpu_us", "cpu_us")
    rows = [{"mentions": size, "clusters": [v["clusters"] for v in got[size]],
             **{f"{name}_per_mention": [round(v[name], 2) for v in got[size]] for name in names},
             **{f"median_{name}_per_mention": round(statistics.median(v[name] for v in got[size]), 2) for name in names}}
            for size in sizes]
    result = {"benchmark": "the fuse stage on a DuckDB store: load_mentions, then cluster_mentions; each size and run "
                           "in its own new process, sizes interleaved in each round",
              "command": f"python benchmarks/bench_fuse.py --scale {','.join(map(str, sizes))} --runs {runs} "
                         "--through-store" + ("" if generator == "fixed" else f" --synthetic {generator}")
                         + f" --out {out}",
              "synthetic": GENERATORS[generator] + "; in the store each mention is one event of its own article",
              "load_average_per_round": loads, "sizes": rows,
              "largest_to_smallest": {name: round(rows[-1][f"median_{name}_per_mention"]
                                                  / rows[0][f"median_{name}_per_mention"], 2) for name in names},
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "note": "2 shared cores: medians"}}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


def baseline(mentions: list[Mention]) -> int:
    """A plain group-by on (type, country, date): the number of groups."""
    groups: dict[tuple, list[Mention]] = {}
    for m in mentions:
        groups.setdefault((m.type, m.country, m.earliest), []).append(m)
    return len(groups)


def timed(fn, *args) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def cpu_timed(fn, *args) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds of this process, and the result (on a shared machine CPU time is the fair one)."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - w0, time.process_time() - c0, out


class CountingIndex(OpenClusters):
    """The candidate index, counting the candidates it hands out (an untimed run: how dense the data is)."""

    handed = 0

    def candidates(self, mention: Mention):  # type: ignore[no-untyped-def]
        found = list(super().candidates(mention))
        CountingIndex.handed += len(found)
        return found


def candidates_per_mention(mentions: list[Mention]) -> float:
    """Open clusters a mention is scored against, on average: grows with events per type, country and day."""
    CountingIndex.handed = 0
    cluster_mentions(mentions, CountingIndex)
    return round(CountingIndex.handed / len(mentions), 2)


def partition(clusters) -> set[tuple]:
    """Clusters as a comparable set of member keys."""
    return {tuple(sorted(m.key for m in c.members)) for c in clusters}


def scale(sizes: list[int], runs: int, scan_up_to: int, out: Path, generator: str = "fixed") -> None:
    """Time per mention from the smallest to the largest size, indexed and (up to a size) scanning."""
    rows = []
    for size in sizes:
        mentions = synthetic(size, generator=generator)
        indexed, cpu, scanned, base, base_cpus = [], [], [], [], []
        same = None
        for run in range(runs):
            shuffled = mentions[:] if run == 0 else random.Random(run).sample(mentions, len(mentions))
            seconds, cpu_seconds, got = cpu_timed(cluster_mentions, shuffled)
            indexed.append(seconds)
            cpu.append(cpu_seconds)
            if size <= scan_up_to:
                seconds, _, reference = cpu_timed(cluster_mentions, shuffled, ScanAll)
                scanned.append(seconds)
                same = partition(got) == partition(reference) if same is None else same
            base_wall, base_cpu, _ = cpu_timed(baseline, shuffled)
            base.append(base_wall)
            base_cpus.append(base_cpu)
            clusters = len(got)  # type: ignore[arg-type]
            del got
        median = statistics.median(indexed)
        row = {"mentions": size, "indexed_seconds": [round(t, 3) for t in indexed],
               "indexed_median_seconds": round(median, 3), "microseconds_per_mention": round(median / size * 1e6, 2),
               "indexed_cpu_seconds": [round(t, 3) for t in cpu],
               "cpu_microseconds_per_mention": round(statistics.median(cpu) / size * 1e6, 2),
               "baseline_median_seconds": round(statistics.median(base), 4),
               "ratio_to_baseline": round(median / statistics.median(base), 1),
               "baseline_cpu_microseconds_per_mention": round(statistics.median(base_cpus) / size * 1e6, 2),
               "cpu_ratio_to_baseline": round(statistics.median(cpu) / statistics.median(base_cpus), 1),
               "clusters": clusters, "candidates_per_mention": candidates_per_mention(mentions)}
        if scanned:
            row.update({"scan_all_median_seconds": round(statistics.median(scanned), 3),
                        "scan_all_microseconds_per_mention": round(statistics.median(scanned) / size * 1e6, 2),
                        "same_clusters_as_scan_all": same})
        rows.append(row)
        print(json.dumps(row), flush=True)
    per = [r["cpu_microseconds_per_mention"] for r in rows]
    result = {
        "benchmark": "fuse at scale: cluster_mentions with the candidate index on synthetic mentions, one core",
        "command": f"python benchmarks/bench_fuse.py --scale {','.join(map(str, sizes))} --runs {runs} "
                   f"--scan-up-to {scan_up_to}" + ("" if generator == "fixed" else f" --synthetic {generator}"),
        "synthetic": GENERATORS[generator],
        "code": os.environ.get("PYTHONPATH") or "this checkout", "runs": runs, "sizes": rows, "target": "1M mentions in under 60 s; time per mention flat",
        "cpu_per_mention_largest_to_smallest": round(per[-1] / per[0], 2),
        "cpu_ratio_to_baseline_largest_to_smallest": round(rows[-1]["cpu_ratio_to_baseline"]
                                                           / rows[0]["cpu_ratio_to_baseline"], 2),
        "note": "wall seconds suffer from other jobs on the 2 shared cores; CPU seconds are this process's own",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "note": "2 shared cores, other jobs alongside: medians"},
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


def time_one(size: int, generator: str, seed: int = 1, order: str = "shuffled") -> None:
    """Print the CPU microseconds per mention of one clustering of `size` mentions in `order` (`ORDERS`), and of the
    group-by (with the cyclic collector on, as it runs, and off: then it measures only reading mentions spread over
    memory)."""
    made = synthetic(size, generator=generator)
    mentions = random.Random(seed).sample(made, size) if order == "shuffled" else as_loaded(made)
    del made
    _, base_off, _ = cpu_timed(_without_gc, mentions)
    _, cpu_seconds, got = cpu_timed(cluster_mentions, mentions)
    _, base_cpu, _ = cpu_timed(baseline, mentions)
    print(json.dumps({"cpu_us": cpu_seconds / size * 1e6, "baseline_cpu_us": base_cpu / size * 1e6,
                      "baseline_nogc_cpu_us": base_off / size * 1e6, "clusters": len(got)}))  # type: ignore[arg-type]


def _without_gc(mentions: list[Mention]) -> int:
    """The group-by with the cyclic garbage collector off."""
    with paused_collector():
        return baseline(mentions)


def fresh(sizes: list[int], runs: int, generator: str, out: Path, order: str = "shuffled") -> None:
    """Each size in its own new process, sizes interleaved in every round, so all see the same load and a fresh heap."""
    import subprocess
    import sys

    got: dict[int, list[dict]] = {size: [] for size in sizes}
    loads = []
    for run in range(runs):
        loads.append(round(os.getloadavg()[0], 1))
        for size in sizes:
            done = subprocess.run([sys.executable, __file__, "--time-one", str(size), "--synthetic", generator,
                                   "--seed", str(run + 1), "--order", order], check=True, capture_output=True, text=True)
            got[size].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(size, got[size][-1], flush=True)
    rows = []
    for size in sizes:
        values = got[size]
        rows.append({"mentions": size, "clusters": [v["clusters"] for v in values],
                     **{f"{name}_per_mention": [round(v[name], 2) for v in values] for name in FIGURES},
                     **{f"median_{name}_per_mention": round(statistics.median(v[name] for v in values), 2)
                        for name in FIGURES}})
    result = {"benchmark": "fuse per mention, each size in its own new process, sizes interleaved in each round",
              "command": f"python benchmarks/bench_fuse.py --scale {','.join(map(str, sizes))} --runs {runs} --fresh"
                         + ("" if generator == "fixed" else f" --synthetic {generator}")
                         + ("" if order == "shuffled" else f" --order {order}") + f" --out {out}",
              "synthetic": GENERATORS[generator], "order": ORDERS[order], "load_average_per_round": loads, "sizes": rows,
              "largest_to_smallest": {name: round(rows[-1][f"median_{name}_per_mention"]
                                                  / rows[0][f"median_{name}_per_mention"], 2) for name in FIGURES},
              "note": "cpu_us: cluster_mentions; baseline_cpu_us: the dict group-by with the cyclic collector on; "
                      "baseline_nogc_cpu_us: the same with it off (reading mentions spread over memory)",
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "note": "2 shared cores, other jobs alongside: medians"}}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


FIGURES = ("cpu_us", "baseline_cpu_us", "baseline_nogc_cpu_us")


def alternate(sizes: list[int], runs: int, before: Path, generator: str, out: Path) -> None:
    """The code in `before` (a src folder) and this checkout, each in its own process, alternating at each size."""
    import subprocess
    import sys

    codes = {"before": {**os.environ, "PYTHONPATH": str(before.resolve())},
             "this checkout": {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}}
    rows = []
    for size in sizes:
        got: dict[str, list[dict]] = {name: [] for name in codes}
        for _ in range(runs):
            for name, env in codes.items():
                done = subprocess.run([sys.executable, __file__, "--time-one", str(size), "--synthetic", generator],
                                      env=env, check=True, capture_output=True, text=True)
                got[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
        row: dict[str, object] = {"mentions": size, "load": round(os.getloadavg()[0], 1)}
        for name, values in got.items():
            row[name] = {"cpu_us_per_mention": [round(v["cpu_us"], 2) for v in values],
                         "median_cpu_us_per_mention": round(statistics.median(v["cpu_us"] for v in values), 2),
                         "median_baseline_cpu_us_per_mention": round(statistics.median(v["baseline_cpu_us"]
                                                                                       for v in values), 2)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    result = {"benchmark": "fuse per mention, the code before and this checkout alternating, one process each run",
              "command": f"python benchmarks/bench_fuse.py --alternate {before} --scale "
                         f"{','.join(map(str, sizes))} --runs {runs}"
                         + ("" if generator == "fixed" else f" --synthetic {generator}") + f" --out {out}",
              "synthetic": GENERATORS[generator], "sizes": rows,
              "largest_to_smallest": {name: round(rows[-1][name]["median_cpu_us_per_mention"]  # type: ignore[index]
                                                  / rows[0][name]["median_cpu_us_per_mention"], 2)  # type: ignore[index]
                                      for name in codes}}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", help="comma-separated sizes: time per mention at each (scale mode)")
    parser.add_argument("--scan-up-to", type=int, default=100_000, help="scale mode: also time ScanAll up to here")
    parser.add_argument("--synthetic", choices=sorted(GENERATORS), default="fixed",
                        help="fixed: two years at every size (the original set); span: the days grow with the size")
    parser.add_argument("--alternate", type=Path, help="scale mode: time this src folder and this checkout, "
                                                             "alternating (writes fuse_scale_alternate.json)")
    parser.add_argument("--fresh", action="store_true", help="scale mode: each size and run in its own new process "
                                                                   "(writes fuse_scale_fresh.json)")
    parser.add_argument("--order", choices=sorted(ORDERS), default="shuffled",
                        help="with --fresh: shuffled mentions, or mentions as the store loads them (sorted, each "
                             "built in that order)")
    parser.add_argument("--through-store", action="store_true",
                        help="scale mode: the fuse stage on a DuckDB store, load and cluster timed apart "
                             "(writes fuse_scale_store.json)")
    parser.add_argument("--time-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build-store", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--time-store", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.time_one:
        time_one(args.time_one, args.synthetic, args.seed, args.order)
        return
    if args.build_store:
        stored(synthetic(args.build_store, generator=args.synthetic),
               args.work / f"fuse-{args.synthetic}-{args.build_store}.duckdb")
        return
    if args.time_store:
        time_store(args.time_store, args.synthetic, args.work)
        return
    if args.scale and args.through_store:
        suffix = "" if args.synthetic == "fixed" else f"_{args.synthetic}"
        through_store([int(x) for x in args.scale.split(",")], args.runs, args.synthetic,
                      args.out or Path(__file__).parent / "results" / f"fuse_scale_store{suffix}.json")
        return
    if args.scale and args.fresh:
        sizes = [int(s) for s in args.scale.split(",")]
        suffix = ("" if args.synthetic == "fixed" else f"_{args.synthetic}") + (
            "" if args.order == "shuffled" else f"_{args.order}")
        fresh(sizes, args.runs, args.synthetic, args.out or Path(__file__).parent / "results"
              / f"fuse_scale_fresh{suffix}.json", args.order)
        return
    if args.scale and args.alternate:
        sizes = [int(s) for s in args.scale.split(",")]
        alternate(sizes, args.runs, args.alternate, args.synthetic,
                  args.out or Path(__file__).parent / "results" / "fuse_scale_alternate.json")
        return
    if args.scale:
        sizes = [int(s) for s in args.scale.split(",")]
        name = "fuse_scale.json" if args.synthetic == "fixed" else f"fuse_scale_{args.synthetic}.json"
        scale(sizes, args.runs, args.scan_up_to, args.out or Path(__file__).parent / "results" / name, args.synthetic)
        return
    args.out = args.out or Path(__file__).parent / "results" / "fuse.json"
    mentions = synthetic(args.mentions)
    fuse_times, base_times, clusters, groups = [], [], 0, 0
    for run in range(args.runs):
        shuffled = mentions[:] if run == 0 else random.Random(run).sample(mentions, len(mentions))
        seconds, out = timed(cluster_mentions, shuffled)
        fuse_times.append(seconds)
        clusters = len(out)  # type: ignore[arg-type]
        seconds, groups = timed(baseline, shuffled)  # type: ignore[assignment]
        base_times.append(seconds)
    fuse_median, base_median = statistics.median(fuse_times), statistics.median(base_times)
    result = {
        "benchmark": "fuse: cluster_mentions on synthetic event mentions",
        "command": f"python benchmarks/bench_fuse.py --mentions {args.mentions} --runs {args.runs}",
        "mentions": args.mentions, "runs": args.runs,
        "fuse_seconds": [round(t, 3) for t in fuse_times], "fuse_median_seconds": round(fuse_median, 3),
        "mentions_per_second": round(args.mentions / fuse_median),
        "baseline": "dict group-by on (type, country, date)",
        "baseline_seconds": [round(t, 4) for t in base_times], "baseline_median_seconds": round(base_median, 4),
        "ratio_fuse_to_baseline": round(fuse_median / base_median, 1),
        "clusters": clusters, "baseline_groups": groups, "target_seconds": 60,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "note": "2 shared cores, model training alongside"},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
