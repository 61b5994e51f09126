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


SCALE_CACHE = Path.home() / ".cache" / "plan-assistant" / "bench"


def bench_ask_curve(settings: Settings, sizes: tuple[int, ...] = (1, 31, 300)) -> str:
    """Latency and memory with 1 (the bundled plan), 31 (the real reports) and 300 documents.

    Each size is measured in a fresh process (``bench ask-one``) so that its memory is its own.
    Indexes are kept under ``~/.cache/plan-assistant/bench`` and rebuilt only when missing.
    """
    lines = ["documents  chunks  load s  p50 ms  p95 ms  max ms  peak RSS MiB  questions"]
    for size in sizes:
        index_dir, questions = _scale_index(settings, size)
        command = [sys.executable, "-m", "assistant", "bench", "ask-one", "--index", str(index_dir)]
        command += ["--questions", str(questions)]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        lines.append(done.stdout.strip().splitlines()[-1])
    lines.append(
        "300 = the 31 reports + 269 variants (places renamed, figures changed); variants borrow "
        "their source passages' vectors"
    )
    return "\n".join(lines)


def bench_ask_one(settings: Settings, questions_file: Path) -> str:
    """One line of the curve, for the index in ``settings`` (run in its own process)."""
    from assistant.service import AssistantService

    questions = _questions(questions_file)
    started = time.perf_counter()
    service = AssistantService(settings)
    service.warm_up()
    load = time.perf_counter() - started
    timings = []
    for question in questions:
        began = time.perf_counter()
        service.ask(question)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"{len(service.documents):9d}  {len(service.knowledge.chunks):6d}  {load:6.1f}  "
        f"{_percentile(timings, 50):6.1f}  {_percentile(timings, 95):6.1f}  {timings[-1]:6.0f}  "
        f"{peak:12.0f}  {len(timings)}"
    )


def _scale_index(settings: Settings, size: int) -> tuple[Path, Path]:
    """The index for one size, built if missing, and the questions to time on it."""
    from assistant.indexer import build_index

    reports_questions = SCALE_CACHE / "report-questions.jsonl"
    _report_questions(reports_questions)
    if size == 1:
        index_dir = SCALE_CACHE / "1"
        build_index(settings.with_changes(index_dir=index_dir))  # a no-op when up to date
        return index_dir, PROJECT_ROOT / "eval" / "gold.jsonl"
    corpus = SCALE_CACHE / f"corpus-{size}"
    index_dir = SCALE_CACHE / str(size)
    built = settings.with_changes(corpus_dir=corpus, index_dir=index_dir)
    if len(list(corpus.glob("*"))) < size:
        _scale_corpus(settings, corpus, size)
    build_index(built, embeddings=_borrowed(settings) if size > 31 else None, prune=True)
    return index_dir, reports_questions


def _scale_corpus(settings: Settings, corpus: Path, size: int) -> None:
    from assistant import scale

    reports = sorted(scale.extract_reports(corpus).values())
    for index, variant in enumerate(scale.variants(reports, size - len(reports))):
        scale.write_variant(variant, corpus, index)


def _borrowed(settings: Settings):
    """Passage vectors of the 31-report index, lent to the variants made from them."""
    from assistant import scale
    from assistant.embed import make_passage_embeddings
    from assistant.indexer import read_manifest
    from assistant.places import all_places, short_name
    from assistant.store import ChunkStore

    real = settings.with_changes(index_dir=SCALE_CACHE / "31")
    manifest = read_manifest(real)
    hashes = {d.meta.content_hash for d in manifest.documents} if manifest else set()
    known = ChunkStore.open(real).vectors(hashes)
    names = {n for p in all_places() if p.rank < 2 for n in (p.name, short_name(p.name))}
    return scale.BorrowedEmbeddings(make_passage_embeddings(settings), known, sorted(names))


def _report_questions(path: Path) -> None:
    """Every blind-set question on the real reports, in one file (they all name a province);
    rewritten when the sets change, so a new set is timed too."""
    folder = PROJECT_ROOT / "eval" / "reports"
    lines = [
        line for f in sorted(folder.glob("*.jsonl")) for line in f.read_text("utf-8").splitlines()
    ]
    text = "\n".join(line for line in lines if line.strip()) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


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
