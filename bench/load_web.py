"""Load check of the web chat (a script, not a test): ``python bench/load_web.py``.

Starts the app on a free loopback port over the real index (settings from ``ASSISTANT_*``,
default index dir), then runs N simultaneous gradio_client sessions that each ask M questions
through the page's own streaming chat endpoint (``/chat``, with follow-ups resolved per session),
and prints latency percentiles and the error count. Bounded: every call has a timeout, and
nothing but 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

# Five-question conversations; the follow-ups need the session's previous question.
SCRIPTS = (
    (
        "18号线宝山段投资多少？",
        "它今年什么目标？",
        "今年GDP目标是多少？",
        "那去年呢？",
        "重大项目总投资一共多少？",
    ),
    ("今年GDP目标是多少？", "那去年呢？", "南大中央公园投资多少？", "它今年什么目标？", "？？"),
    (
        "区级一般公共预算收入目标是多少？",
        "那去年呢？",
        "初雨调蓄池10个投资多少？",
        "还有别的项目吗？",
        "",
    ),
)
APOLOGY = "系统出了点问题"
CALL_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def session(
    url: str, number: int, questions: int, endpoint: str, start: threading.Barrier, out: dict
) -> None:
    from gradio_client import Client

    latencies, errors = [], []
    try:
        client = Client(url, verbose=False)
    except Exception as exc:
        out[number] = ([], [f"connect: {exc!r}"])
        start.abort()
        return
    script = SCRIPTS[number % len(SCRIPTS)]
    previous = ""
    start.wait(timeout=CALL_TIMEOUT)
    for i in range(questions):
        question = script[i % len(script)]
        began = time.perf_counter()
        try:
            if endpoint == "chat":
                chat, _ = client.submit(question, api_name="/chat").result(timeout=CALL_TIMEOUT)
                reply = chat[-1]["content"][0]["text"] if chat else ""
                problem = APOLOGY in reply or "pa-answer" not in reply
            else:
                result = client.submit(question, previous, api_name="/ask").result(
                    timeout=CALL_TIMEOUT
                )
                previous = result.get("resolved_question", previous)
                problem = "trace_id" in result
            latencies.append(time.perf_counter() - began)
            if problem:
                errors.append(f"session {number} question {i + 1}: bad reply")
        except Exception as exc:
            errors.append(f"session {number} question {i + 1}: {exc!r}")
    out[number] = (latencies, errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="simultaneous sessions (20)")
    parser.add_argument("--questions", type=int, default=5, help="questions per session (5)")
    parser.add_argument("--endpoint", choices=("chat", "ask"), default="chat")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 100 or not 1 <= args.questions <= 50:
        parser.error("keep it bounded: 1-100 users, 1-50 questions each")

    from assistant.errors import AssistantError
    from assistant.settings import Settings
    from assistant.web import CONCURRENCY, load_app

    try:
        settings = Settings.from_env()
        began = time.perf_counter()
        demo = load_app(settings)
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    loaded = time.perf_counter() - began
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    results: dict[int, tuple[list[float], list[str]]] = {}
    try:
        start = threading.Barrier(args.users)
        threads = [
            threading.Thread(
                target=session, args=(url, n, args.questions, args.endpoint, start, results)
            )
            for n in range(args.users)
        ]
        for thread in threads:
            thread.start()
        wall = time.perf_counter()
        for thread in threads:
            thread.join(timeout=CALL_TIMEOUT * (args.questions + 1))
        wall = time.perf_counter() - wall
    finally:
        demo.close()

    latencies = [x for lat, _ in results.values() for x in lat]
    errors = [e for _, errs in results.values() for e in errs]
    errors += [f"session {n}: no result" for n in range(args.users) if n not in results]
    print(
        f"{args.users} sessions × {args.questions} questions via /{args.endpoint} "
        f"(queue concurrency {CONCURRENCY}; service loaded in {loaded:.1f} s, "
        f"embedder {settings.embedder})"
    )
    if latencies:
        print(
            f"answered {len(latencies)} in {wall:.1f} s ({len(latencies) / wall:.1f}/s); "
            f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )
    print(f"errors: {len(errors)}")
    for error in errors[:10]:
        print(f"  {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
