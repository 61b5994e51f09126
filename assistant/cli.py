"""Command line: parses arguments, calls the library, turns errors into messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import AssistantError
from assistant.settings import Settings

EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = Settings.from_env(corpus_dir=args.corpus, index_dir=args.index)
        return args.handler(settings, args)
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已中断；之前的索引保持可用。", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus", type=Path, help="文档目录（默认 ASSISTANT_CORPUS_DIR 或 corpus/）"
    )
    common.add_argument("--index", type=Path, help="索引目录（默认 ASSISTANT_INDEX_DIR 或 index/）")
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="国民经济和社会发展计划问答助手（离线）"
    )
    commands = parser.add_subparsers(title="commands")

    index = commands.add_parser("index", parents=[common], help="建立或更新索引")
    index.add_argument("--quiet", action="store_true", help="不显示进度条")
    index.set_defaults(handler=_run_index)

    tables = commands.add_parser("tables", parents=[common], help="输出文档中的表格")
    tables.add_argument("--format", choices=("md", "csv", "json"), default="md")
    tables.set_defaults(handler=_run_tables)

    bench = commands.add_parser("bench", parents=[common], help="性能测试，打印数据")
    bench.add_argument("target", choices=("index",))
    bench.add_argument("--runs", type=int, default=3, help="无变化重建的重复次数")
    bench.set_defaults(handler=_run_bench)
    return parser


def _run_index(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.indexer import build_index

    report = build_index(settings, progress=_progress_bar if not args.quiet else _no_bar)
    print(_format_index_report(report))
    return 0 if report.documents else 1


def _progress_bar(total: int, label: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="段", file=sys.stderr, leave=False)


def _no_bar(total: int, label: str):
    from assistant.indexer import no_progress

    return no_progress(total, label)


def _format_index_report(report) -> str:
    lines = [
        f"已索引 {report.documents} 个文档（新增或更新 {len(report.added)}，未变 "
        f"{len(report.unchanged)}，移除 {len(report.removed)}）：{report.chunks} 个片段，"
        f"{report.tables} 张表，{report.rows} 行；用时 {report.seconds:.1f} 秒。"
    ]
    lines.extend(f"注意：{warning}" for warning in report.warnings)
    if report.problems:
        lines.append(f"跳过 {len(report.problems)} 个文件：")
        lines.extend(f"  - {problem}" for problem in report.problems)
    if not report.documents:
        lines.append("没有可用的文档：请把计划文件（.txt/.md/.pdf/.docx）放入文档目录。")
    return "\n".join(lines)


def _run_tables(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.corpus import parse_corpus
    from assistant.ingest.tables import render_tables

    documents, problems = parse_corpus(settings)
    for problem in problems:
        print(f"跳过 {problem}", file=sys.stderr)
    labelled = [(d.meta.title or d.meta.source, d.tables) for d in documents]
    sys.stdout.write(render_tables(labelled, args.format))
    return 0 if documents else 1


def _run_bench(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.bench import bench_index

    print(bench_index(settings, runs=args.runs))
    return 0
