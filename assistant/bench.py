"""Benchmarks that print figures (never timed tests): run as ``python -m assistant bench``."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from assistant.settings import PROJECT_ROOT, Settings


def bench_index(settings: Settings, runs: int = 3) -> str:
    """Cold build into an empty index, then no-op re-runs, each as a fresh process."""
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as scratch:
        index_dir = Path(scratch) / "index"
        cold = _timed_index_run(settings, index_dir)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
        chunks = sum(d["chunk_count"] for d in manifest["documents"])
        warm = [_timed_index_run(settings, index_dir) for _ in range(max(1, runs))]
    lines = [
        f"corpus: {settings.corpus_dir}  embedder: {settings.embedder}",
        f"documents: {len(manifest['documents'])}  chunks: {chunks}",
        f"cold build: {cold:.1f} s  ({chunks / cold:.1f} chunks/s, whole process)",
        f"peak memory (cold build process): {peak_mib:.0f} MiB",
        f"re-run, nothing changed: median {median(warm):.2f} s  "
        f"(min {min(warm):.2f}, max {max(warm):.2f}, n={len(warm)})",
    ]
    return "\n".join(lines)


def _timed_index_run(settings: Settings, index_dir: Path) -> float:
    command = [
        sys.executable,
        "-m",
        "assistant",
        "index",
        "--quiet",
        "--corpus",
        str(settings.corpus_dir),
        "--index",
        str(index_dir),
    ]
    environment = {**os.environ, "ASSISTANT_EMBEDDER": settings.embedder}
    started = time.perf_counter()
    subprocess.run(command, check=True, env=environment, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def bench_ask(settings: Settings, questions_file: Path | None = None) -> str:
    """Latency per question with the index warm (p50/p95), and the cold start of the service."""
    from assistant.service import AssistantService

    questions = _questions(questions_file or PROJECT_ROOT / "eval" / "gold.jsonl")
    started = time.perf_counter()
    service = AssistantService(settings)
    service.warm_up()
    cold = time.perf_counter() - started
    timings = []
    for question in questions:
        began = time.perf_counter()
        service.ask(question)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return "\n".join(
        [
            f"index: {settings.index_dir}  embedder: {settings.embedder}",
            f"cold start (load index, tokenizer, embedder; first query): {cold:.2f} s",
            f"questions: {len(timings)} (warm, one process)",
            f"latency p50: {_percentile(timings, 50):.1f} ms",
            f"latency p95: {_percentile(timings, 95):.1f} ms",
            f"latency max: {timings[-1]:.1f} ms",
        ]
    )


def _questions(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def _percentile(values: list[float], q: int) -> float:
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


BRIEF_TOPICS = (
    "养老服务",
    "科技创新",
    "绿色低碳",
    "南大智慧城",
    "交通",
    "教育",
    "就业",
    "住房保障",
    "乡村振兴",
    "医疗卫生",
)


def bench_brief(settings: Settings, topics: tuple[str, ...] = BRIEF_TOPICS, runs: int = 3) -> str:
    """Time to draft one briefing with the index warm (p50 over the topics, each ``runs`` times)."""
    from assistant.brief import build_briefing
    from assistant.service import AssistantService

    started = time.perf_counter()
    service = AssistantService(settings)
    service.warm_up()
    build_briefing(service, topics[0])  # reads the index's passages once per service
    cold = time.perf_counter() - started
    timings = []
    sizes = []
    for _ in range(max(1, runs)):
        for topic in topics:
            began = time.perf_counter()
            briefing = build_briefing(service, topic)
            timings.append((time.perf_counter() - began) * 1000)
            sizes.append(len(briefing.sources))
    timings.sort()
    return "\n".join(
        [
            f"index: {settings.index_dir}  embedder: {settings.embedder}",
            f"cold start (load index, embedder; first briefing): {cold:.2f} s",
            f"briefings: {len(timings)} ({len(topics)} topics x {max(1, runs)}, warm, one process)",
            f"sources per briefing: median {median(sizes):.0f} "
            f"(min {min(sizes)}, max {max(sizes)})",
            f"latency p50: {_percentile(timings, 50):.1f} ms",
            f"latency p95: {_percentile(timings, 95):.1f} ms",
            f"latency max: {timings[-1]:.1f} ms",
        ]
    )


def bench_generate(settings: Settings, sample: int = 20, gold_file: Path | None = None) -> str:
    """Generative mode over a sample of gold questions: time to first token, total time, fallbacks.

    Uses ``ASSISTANT_GENERATOR`` (``llama`` when it is left at ``extractive``). Refusals and long
    (list) answers are not rewritten; they are counted apart and kept out of the timings.
    """
    from assistant.query.grounded import FinalEvent, TokenEvent
    from assistant.service import AssistantService

    if settings.generator == "extractive":
        settings = settings.with_changes(generator="llama")
    lines = (gold_file or PROJECT_ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8")
    answerable = [
        item["question"]
        for item in map(json.loads, filter(str.strip, lines.splitlines()))
        if not item.get("refuse")
    ]
    step = max(1, len(answerable) // max(1, sample))
    questions = answerable[::step][:sample]
    started = time.perf_counter()
    service = AssistantService(settings)
    service.warm_up()
    service.ask(questions[0])  # loads the model's weights
    cold = time.perf_counter() - started
    first_tokens, totals, kept_out = [], [], 0
    outcomes: dict[str, int] = {}
    for question in questions:
        began = time.perf_counter()
        first = None
        for event in service.ask_stream(question):
            if isinstance(event, TokenEvent) and first is None:
                first = time.perf_counter() - began
            elif isinstance(event, FinalEvent):
                answer = event.answer
        total = time.perf_counter() - began
        outcomes[answer.generator] = outcomes.get(answer.generator, 0) + 1
        if answer.generator == "extractive":
            kept_out += 1
            continue
        totals.append(total)
        if first is not None:
            first_tokens.append(first)
    first_tokens.sort()
    totals.sort()
    rewritten = len(totals)
    fell_back = outcomes.get("extractive-fallback", 0)
    report = [
        f"generator: {settings.generator}  threads: {settings.llm_threads}  "
        f"index: {settings.index_dir}",
        f"cold start (index, embedder, model weights; first answer): {cold:.1f} s",
        f"questions: {len(questions)} (every {step}th answerable gold question), "
        f"sent to the model: {rewritten}, kept extractive (refusal or list): {kept_out}",
    ]
    if rewritten:
        report += [
            f"time to first token p50: {_percentile(first_tokens, 50):.2f} s  "
            f"p95: {_percentile(first_tokens, 95):.2f} s",
            f"total per answer p50: {_percentile(totals, 50):.2f} s  "
            f"p95: {_percentile(totals, 95):.2f} s  max: {totals[-1]:.2f} s",
            f"fell back to the extractive answer: {fell_back}/{rewritten} "
            f"({fell_back / rewritten:.0%})",
        ]
    report.append("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    return "\n".join(report)
