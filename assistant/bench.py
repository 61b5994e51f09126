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
