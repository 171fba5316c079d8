"""Accurate mode with the packaged encoder vs another encoder.onnx, in one process (10kGNAD test; benchmark data only).

Times the whole extraction (`Extractor.reports`) and, inside it, the tagger (`AccurateTagger.run`), in CPU seconds
on one core, alternating the two encoders so that both see the same machine load; median of `--repeats`.
Used for the per-row activation quantisation (`lagebild train accurate --stage requantise`): `--other` is the
per-tensor encoder it replaced, e.g. `git show 6a415e1:src/lagebild/accurate/model/encoder.onnx > /tmp/before.onnx`.

    LAGEBILD_DATA=../shared/data .venv/bin/python benchmarks/bench_requant.py --other /tmp/before.onnx --articles 100
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "requant.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--other", type=Path, required=True, help="the encoder.onnx to compare with the packaged one")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("LAGEBILD_DATA", "../shared/data")))
    args = parser.parse_args()

    from lagebild.accurate.runtime import MODEL_DIR, _session, shared_tagger
    from lagebild.config import Settings
    from lagebild.model import Article
    from lagebild.pipeline import Extractor
    from lagebild.train.corpora import read_gnad_texts

    texts = list(read_gnad_texts(args.data / "10kgnad_de" / "test.csv"))[: args.articles]
    articles = [Article(id=f"gnad-{i}", text=t, lang="de") for i, t in enumerate(texts)]
    extractor = Extractor(Settings.from_env(model="accurate"))
    extractor.report(articles[0])
    tagger = shared_tagger(MODEL_DIR)  # the key the pipeline component uses
    sessions = {"packaged": tagger.session, "other": _session(args.other, 1)}
    tagger_s = [0.0]
    run = tagger.run

    def timed_run(batch: Any) -> Any:
        start = time.process_time()
        try:
            return run(batch)
        finally:
            tagger_s[0] += time.process_time() - start

    tagger.run = timed_run  # type: ignore[method-assign]
    rows: dict[str, dict[str, list[float]]] = {name: {"extraction_cpu_s": [], "tagger_cpu_s": []} for name in sessions}
    for _ in range(args.repeats):
        for name, session in sessions.items():
            tagger.session, tagger_s[0] = session, 0.0
            start = time.process_time()
            for _report in extractor.reports(articles):
                pass
            rows[name]["extraction_cpu_s"].append(time.process_time() - start)
            rows[name]["tagger_cpu_s"].append(tagger_s[0])
    medians = {name: {k: statistics.median(v) for k, v in row.items()} for name, row in rows.items()}
    result = {
        "command": "benchmarks/bench_requant.py " + " ".join(f"--{k} {v}" for k, v in vars(args).items()),
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.platform(),
        "load_average_at_end": os.getloadavg()[0], "packaged": str(MODEL_DIR / "encoder.onnx"), "articles": len(texts),
        "runs": rows, "medians": medians,
        "articles_per_cpu_s": {name: len(texts) / m["extraction_cpu_s"] for name, m in medians.items()},
        "ratio_packaged_to_other": {k: medians["packaged"][k] / medians["other"][k] for k in medians["other"]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("medians", "articles_per_cpu_s", "ratio_packaged_to_other")}, indent=1))


if __name__ == "__main__":
    main()
