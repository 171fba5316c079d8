"""Annotation helper for the claim gold set: `python -m lagebild.eval.claims_tool {list,show,find,template,validate}`.

See docs/annotation-guidelines.md, section "Claims". Exit status 0 when all is well, 1 when a gold file has
problems, 2 for a bad key or a missing dataset.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ..config import Settings
from .articles import ArticleNotFound, SourceArticle, load_article
from .claims_gold import ARTICLE_LIST, GOLD_DIR, gold_files, read_article_list, validate_line

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”“»«]?\s+|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans for display: after . ! ? (and a closing quote) plus space, and at line breaks."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() if m.group().startswith(("\n", " ", "\t")) else m.start() + len(m.group().rstrip())
        end = len(text[:end].rstrip())
        if end > start:
            out.append((start, end))
        start = m.end()
    if len(text[start:].strip()):
        out.append((start, len(text.rstrip())))
    return out


def show(article: SourceArticle) -> str:
    """The article as numbered sentences with their offsets."""
    lines = [f"article  {article.key}", f"lang     {article.lang}", f"checksum {article.checksum}",
             f"title    {article.title or '-'}", f"date     {article.published or '-'}",
             f"chars    {len(article.text)}", ""]
    for n, (start, end) in enumerate(sentences(article.text), 1):
        lines.append(f"{n:3d} [{start}-{end}] {article.text[start:end]}")
    return "\n".join(lines)


def find(article: SourceArticle, needle: str, after: int = 0) -> list[str]:
    """Every occurrence of `needle` at or after `after`, with offsets and a little context."""
    out = []
    i = article.text.find(needle, after)
    while i >= 0:
        j = i + len(needle)
        before = article.text[max(0, i - 30):i].replace("\n", " ")
        behind = article.text[j:j + 30].replace("\n", " ")
        out.append(f'{{"text": {json.dumps(needle, ensure_ascii=False)}, "start": {i}, "end": {j}}}   …{before}[{needle}]{behind}…')
        i = article.text.find(needle, i + 1)
    return out


def template(article: SourceArticle) -> str:
    """An empty gold line for the article."""
    return json.dumps({"article": article.key, "checksum": article.checksum, "annotator": "", "claims": []},
                      ensure_ascii=False)


def validate(paths: list[Path], data_dir: Path) -> list[str]:
    """Every problem in the files, as `file:line: message`; articles annotated twice are problems too."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{i}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                problems.append(f"{where}: not JSON ({err.msg} at column {err.colno})")
                continue
            _, found = validate_line(row, data_dir)
            problems += [f"{where}: {p}" for p in found]
            key = str(row.get("article")) if isinstance(row, dict) else ""
            if key in seen:
                problems.append(f"{where}: article {key} is also annotated at {seen[key]}")
            seen.setdefault(key, where)
    return problems


def _list() -> str:
    done: set[str] = set()
    for path in gold_files():
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                try:
                    done.add(json.loads(line).get("article", ""))
                except json.JSONDecodeError:
                    pass
    rows = ["batch  lang  chars  status  article"]
    for a in read_article_list():
        rows.append(f"{a.batch:5d}  {a.lang:4s}  {a.chars:5d}  {'done' if a.key in done else '-':6s}  {a.key}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m lagebild.eval.claims_tool", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help=f"the article list ({ARTICLE_LIST.relative_to(GOLD_DIR.parents[2])}) with status")
    p = sub.add_parser("show", help="article text as numbered sentences with offsets")
    p.add_argument("key")
    p = sub.add_parser("find", help="offsets of every occurrence of a text")
    p.add_argument("key")
    p.add_argument("text")
    p.add_argument("--from", dest="after", type=int, default=0, help="only at or after this offset")
    p = sub.add_parser("template", help="an empty gold line for an article")
    p.add_argument("key")
    p = sub.add_parser("validate", help="check gold files")
    p.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    data_dir = Settings.from_env().data_dir
    try:
        if args.command == "list":
            print(_list())
            return 0
        if args.command == "validate":
            missing = [str(f) for f in args.files if not f.is_file()]
            if missing:
                print(f"error: no such file {missing[0]}", file=sys.stderr)
                return 2
            problems = validate(args.files, data_dir)
            print("\n".join(problems) if problems else f"ok: {len(args.files)} file(s) valid")
            return 1 if problems else 0
        article = load_article(args.key, data_dir)
        if args.command == "show":
            print(show(article))
        elif args.command == "find":
            hits = find(article, args.text, args.after)
            print("\n".join(hits) if hits else f"{args.text!r} does not occur in {article.key}")
        else:
            print(template(article))
        return 0
    except ArticleNotFound as err:
        hint = "" if data_dir.is_dir() else f" (no data at {data_dir}: set LAGEBILD_DATA)"
        print(f"error: {err}{hint}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `show KEY | head`
        sys.stderr.close()
        sys.exit(0)
