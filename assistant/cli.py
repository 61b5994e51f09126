"""Command line: parses arguments, calls the library, turns errors into messages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import AssistantError
from assistant.indexer import Progress
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
    index.add_argument(
        "--prune", action="store_true", help="允许一次移除超过一半的已索引文件（文件确已删除时）"
    )
    index.set_defaults(handler=_run_index)

    tables = commands.add_parser("tables", parents=[common], help="输出文档中的表格")
    tables.add_argument("--format", choices=("md", "csv", "json"), default="md")
    tables.add_argument(
        "--indicator",
        help="一个指标在所有文件中的目标与完成值（CSV），例如：--indicator 地区生产总值",
    )
    tables.set_defaults(handler=_run_tables)

    ask = commands.add_parser("ask", parents=[common], help="提问（回答附原文出处）")
    ask.add_argument("question", nargs="?", help="问题，例如：今年GDP目标是多少？")
    output = ask.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    output.add_argument("--jsonl", action="store_true", help="批量：从标准输入逐行读取 JSON")
    ask.set_defaults(handler=_run_ask)

    shell = commands.add_parser("shell", parents=[common], help="在终端里连续提问")
    shell.set_defaults(handler=_run_shell)

    brief = commands.add_parser("brief", parents=[common], help="起草某一主题的简报（附出处）")
    brief.add_argument("topic", help="主题，例如：养老服务、科技创新、交通")
    brief.add_argument(
        "-o", "--output", type=Path, help="写入文件：.md 或 .docx（不给出则打印 Markdown）"
    )
    brief.set_defaults(handler=_run_brief)

    bench = commands.add_parser("bench", parents=[common], help="性能测试，打印数据")
    bench.add_argument("target", choices=("index", "ask", "ask-one", "brief", "generate"))
    bench.add_argument("--questions", type=Path, help="ask-one：计时所用的问题文件（jsonl）")
    bench.add_argument("--runs", type=int, default=3, help="无变化重建的重复次数")
    bench.set_defaults(handler=_run_bench)
    return parser


def _run_index(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.indexer import build_index

    bar = _progress_bar if not args.quiet else _no_bar
    report = build_index(settings, progress=bar, prune=args.prune)
    print(_format_index_report(report))
    return 0 if report.documents and not (report.problems or report.withheld) else 1


def _progress_bar(total: int, label: str) -> Progress:
    return _Bar(total, label)


class _Bar(Progress):
    """Passages embedded out of the total with the time left, and the document being read."""

    def __init__(self, total: int, label: str) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, desc=label, unit="段", file=sys.stderr, leave=False)

    def update(self, n: int) -> None:
        self._bar.update(n)

    def note(self, text: str) -> None:
        self._bar.set_postfix_str(text)

    def close(self) -> None:
        self._bar.close()


def _no_bar(total: int, label: str):
    from assistant.indexer import no_progress

    return no_progress(total, label)


def _format_index_report(report) -> str:
    lines = [
        f"已索引 {report.documents} 个文档（新增或更新 {len(report.added)}，未变 "
        f"{len(report.unchanged)}，移除 {len(report.removed)}）：{report.chunks} 个片段，"
        f"{report.tables} 张表，{report.rows} 行；用时 {report.seconds:.1f} 秒。"
    ]
    lines.extend(_describe(document) for document in report.indexed)
    lines.extend(f"注意：{warning}" for warning in report.warnings)
    if report.kept:
        lines.append(f"保留 {len(report.kept)} 个现在无法读取的文件的已索引版本：")
        lines.extend(f"  - {source}" for source in report.kept)
    if report.withheld:
        lines.append(
            f"未移除 {len(report.withheld)} 个已不在文档目录中的文件（超过已索引文件的一半，"
            "可能是目录未挂载或放错了位置）。确需移除时，请加 --prune 重新运行："
        )
        lines.extend(f"  - {source}" for source in report.withheld)
    if report.problems:
        lines.append(f"跳过 {len(report.problems)} 个文件：")
        lines.extend(f"  - {problem}" for problem in report.problems)
    if not report.documents:
        lines.append("没有可用的文档：请把计划文件（.txt/.md/.pdf/.docx）放入文档目录。")
    if report.problems or report.withheld:
        held = f"，未移除 {len(report.withheld)} 个" if report.withheld else ""
        lines.append(f"未全部完成：跳过 {len(report.problems)} 个文件{held}（见上），退出码 1。")
    return "\n".join(lines)


def _describe(document) -> str:
    """What was read from one document: 「《…》 政府工作报告 · 北京市（直辖市） · …」."""
    meta = document.meta
    unknown = "未知"
    place = f"{meta.place}（{meta.place_level}）" if meta.place else f"地点{unknown}"
    results = f"{meta.results_year}年" if meta.results_year else unknown
    plan = f"{meta.plan_year}年" if meta.plan_year else unknown
    return (
        f"  《{meta.title or meta.source}》 {meta.kind} · {place} · 发布{meta.date or unknown}"
        f" · 回顾{results} · 计划{plan} · {meta.issuer or '发文机关' + unknown}"
        f"（{meta.source}，{document.chunk_count} 个片段"
        f"{'，原文为繁体，已转为简体' if meta.traditional else ''}）"
    )


def _run_tables(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.corpus import parse_corpus
    from assistant.ingest.tables import render_tables

    documents, problems = parse_corpus(settings)
    for problem in problems:
        print(f"跳过 {problem}", file=sys.stderr)
    if args.indicator:
        from assistant.indicators import as_csv, indicator_rows

        rows = indicator_rows(documents, args.indicator)
        sys.stdout.write(as_csv(rows))
        if not rows:
            print(f"文件中未找到指标「{args.indicator}」", file=sys.stderr)
        return 0 if rows else 1
    labelled = [(d.meta.title or d.meta.source, d.tables) for d in documents]
    sys.stdout.write(render_tables(labelled, args.format))
    return 0 if documents else 1


def _run_bench(settings: Settings, args: argparse.Namespace) -> int:
    from assistant import bench

    if args.target == "ask":
        print(bench.bench_ask_curve(settings))
    elif args.target == "ask-one":
        print(bench.bench_ask_one(settings, args.questions))
    elif args.target == "brief":
        print(bench.bench_brief(settings, runs=args.runs))
    elif args.target == "generate":
        print(bench.bench_generate(settings))
    else:
        print(bench.bench_index(settings, runs=args.runs))
    return 0


BRIEF_FORMATS = (".md", ".docx")


def _run_brief(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.brief import build_briefing
    from assistant.brief.export import to_docx, to_markdown
    from assistant.service import AssistantService

    output = args.output
    if output is not None and output.suffix.lower() not in BRIEF_FORMATS:
        print(f"错误：只能写入 .md 或 .docx 文件，收到 {output.name}", file=sys.stderr)
        return EXIT_USAGE
    briefing = build_briefing(AssistantService(settings), args.topic)
    try:
        if output is None:
            print(to_markdown(briefing))
            return 0
        if output.suffix.lower() == ".docx":
            to_docx(briefing, output)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(to_markdown(briefing), encoding="utf-8")
    except OSError as exc:
        print(f"错误：无法写入 {output}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"已写入 {output}（{len(briefing.sources)} 条资料来源）")
    return 0


def _run_ask(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.service import AssistantService

    if args.jsonl:
        return _ask_batch(AssistantService(settings))
    if not args.question:
        print(
            '错误：请给出问题，例如：python -m assistant ask "今年GDP目标是多少？"', file=sys.stderr
        )
        return EXIT_USAGE
    answer = AssistantService(settings).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


def _ask_batch(service) -> int:
    """One JSON object per input line; a bad line gets an error object and a non-zero exit."""
    status = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question, ident = item["question"], item.get("id", number)
            result = {**service.ask(question).to_dict(), "id": ident}
        except (ValueError, KeyError, TypeError) as exc:
            result, status = (
                {"id": number, "error": f"第{number}行不是有效的问题：{exc}"},
                EXIT_USAGE,
            )
        except AssistantError as exc:
            result, status = {"id": item.get("id", number), "error": str(exc)}, EXIT_USAGE
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return status


def _run_shell(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.service import AssistantService

    service = AssistantService(settings)
    labels = "、".join(d.label for d in service.documents)
    print(f"已载入：{labels}。输入问题后回车，输入 exit 或按 Ctrl-D 退出。")
    while True:
        try:
            question = input("\n问题> ").strip()
        except EOFError:
            print()
            return 0
        if question.lower() in {"exit", "quit", "退出"}:
            return 0
        try:
            print(format_answer(service.ask(question)))
        except AssistantError as exc:
            print(f"提示：{exc}")


def format_answer(answer) -> str:
    from assistant.query.cite import short_section

    lines = [answer.answer]
    if answer.resolved_question and answer.resolved_question != answer.question:
        lines.append(f"（按「{answer.resolved_question}」理解）")
    if answer.citations:
        lines.append("\n来源：")
    for citation in answer.citations:
        where = " › ".join(part for part in (citation.doc, short_section(citation.section)) if part)
        when = f"（{citation.time}）" if citation.time else ""
        lines.append(f"[{citation.n}] {where}{when}")
        lines.append("    「" + citation.quote.replace("\t", " | ").strip(" |") + "」")
    lines.append(f"（{answer.elapsed_ms:.0f} 毫秒）")
    return "\n".join(lines)
