"""Fault script: the reliability issue's cases, run end to end against real processes.

Every case gets its own temporary folder (corpus/, index/, logs) and runs the real thing:
``python -m assistant index|ask`` subprocesses, a real ``app.py`` queried over HTTP, and a real
``chroma run`` server that the script starts, kills, empties and restarts. Vectors come from the
fake embedder with the vector cache off (ASSISTANT_EMBEDDER=fake, ASSISTANT_EMBEDDING_CACHE=""),
so a run takes a few minutes on two cores. "Nothing indexed is lost" is read from
index/manifest.json (the documents it lists) before and after each fault.

Prints one table, case | expected | observed | pass (yes / no / skip / error: the script itself
could not set the case up), and exits 1 if any row is not yes or skip.

    .venv/bin/python bench/faults.py                 # every case
    .venv/bin/python bench/faults.py --only chroma   # the cases whose name contains "chroma"
    .venv/bin/python bench/faults.py --list          # the case names
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "baoshan-2024-plan.txt"
SYNTHETIC = ROOT / "tests" / "fixtures" / "synthetic_plan_jiangbei.txt"
BASE_DOCUMENTS = ["baoshan-2024-plan.txt", "jiangbei-2026-plan.txt"]
CHROMA = Path(sys.executable).parent / "chroma"
# The degraded-search note exactly as the service appends it.
DEGRADED = tomllib.loads((ROOT / "prompts" / "answers.toml").read_text("utf-8"))["degraded"]

QUESTION, ANSWER = "18号线宝山段投资多少？", "15.65"  # a table row of the bundled plan
OTHER_QUESTION, OTHER_ANSWER = "宝钱公路投资多少？", "6.65"
TRACEBACK = "Traceback (most recent call last)"
CLI_TIMEOUT = 180  # seconds for one CLI run; the 5 MB document takes ~25 s here
SERVER_START = 120  # seconds for app.py or chroma to answer HTTP
HTTP_FAST = 5.0  # "answered within a few seconds"


# --- results ----------------------------------------------------------------------------------


@dataclass
class Check:
    """One row of the table: what should happen, what did, and whether that is a pass
    (``None``: skipped, with the reason as ``observed``)."""

    expected: str
    observed: str
    passed: bool | None
    label: str = ""  # a sub-row's own name (case 08 checks several inputs)


class SetupError(Exception):
    """The script could not set the case up (a baseline build failed): the row is an error."""


CaseFunction = Callable[["Workspace"], "Check | list[Check]"]
CASES: list[tuple[str, CaseFunction]] = []


def case(name: str) -> Callable[[CaseFunction], CaseFunction]:
    def register(function: CaseFunction) -> CaseFunction:
        CASES.append((name, function))
        return function

    return register


# --- processes --------------------------------------------------------------------------------


@dataclass
class Run:
    """A finished CLI run."""

    rc: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.text


class Workspace:
    """One case's temporary folder: corpus/, index/, logs, and the environment of its processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.corpus = root / "corpus"
        self.index = root / "index"
        self.corpus.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        self.env.update(
            ASSISTANT_EMBEDDER="fake",
            ASSISTANT_EMBEDDING_CACHE="",
            ASSISTANT_CORPUS_DIR=str(self.corpus),
            ASSISTANT_INDEX_DIR=str(self.index),
            ASSISTANT_FEEDBACK_PATH=str(root / "feedback.jsonl"),
            GRADIO_ANALYTICS_ENABLED="False",
            ANONYMIZED_TELEMETRY="False",
            PYTHONUNBUFFERED="1",
        )

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**self.env, **(extra or {})}

    def cli(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = CLI_TIMEOUT
    ) -> Run:
        """``python -m assistant <args>`` to the end; a run that hangs is killed (rc -9)."""
        started = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, "-m", "assistant", *args],
                cwd=ROOT,
                env=self.environment(env),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)
        except subprocess.TimeoutExpired as exc:
            out, err = (_text(part) for part in (exc.stdout, exc.stderr))
            return Run(-9, out, err + f"\n[killed after {timeout:.0f} s]", timeout)

    def index_run(self, *args: str, env: dict[str, str] | None = None) -> Run:
        return self.cli("index", "--quiet", *args, env=env)

    def ask(self, question: str = QUESTION, env: dict[str, str] | None = None) -> Run:
        return self.cli("ask", "--json", question, env=env)

    def sources(self) -> list[str] | None:
        """The documents index/manifest.json lists (None: missing or unreadable)."""
        try:
            manifest = json.loads((self.index / "manifest.json").read_text(encoding="utf-8"))
            return sorted(d["meta"]["source"] for d in manifest["documents"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def short(self, text: str, limit: int = 110) -> str:
        """One line for the table: temporary paths shortened, tabs and newlines as spaces."""
        text = text.replace(str(self.root), "…").replace("\t", " ")
        text = re.sub(r"\b([0-9a-f]{8})[0-9a-f]{56}\b", r"\1…", text)  # content hashes
        text = " ".join(text.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(data: bytes | str | None) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Watched:
    """A CLI process whose output is read as it comes (to act when the progress bar moves)."""

    def __init__(self, ws: Workspace, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant", *args],
            cwd=ROOT,
            env=ws.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.started = time.monotonic()
        self._parts = {"out": bytearray(), "err": bytearray()}
        self._readers = [
            threading.Thread(target=self._read, args=(pipe, self._parts[name]), daemon=True)
            for name, pipe in (("out", self.process.stdout), ("err", self.process.stderr))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(pipe, into: bytearray) -> None:
        while chunk := os.read(pipe.fileno(), 65536):
            into.extend(chunk)

    def seen(self, text: str) -> bool:
        return text.encode() in self._parts["err"] or text.encode() in self._parts["out"]

    def wait_for(self, text: str, timeout: float = 60) -> bool:
        """Until ``text`` appears in its output; False if it ends or the time is up first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.seen(text):
                return True
            if self.process.poll() is not None:
                return self.seen(text)
            time.sleep(0.01)
        return False

    def finish(self, timeout: float = CLI_TIMEOUT) -> Run:
        try:
            rc = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            rc = self.process.wait()
        for reader in self._readers:
            reader.join(timeout=5)
        out, err = (self._parts[name].decode("utf-8", "replace") for name in ("out", "err"))
        return Run(rc, out, err, time.monotonic() - self.started)


class Server:
    """A process serving HTTP (app.py or ``chroma run``): started, waited for, always stopped."""

    def __init__(self, command: list[str], url: str, ready: str, env: dict, log: Path) -> None:
        self.command, self.url, self.ready, self.env, self.log = command, url, ready, env, log
        self.name = " ".join(Path(part).name for part in command[:2])  # 「python app.py」
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C on this script reaches only the script
            )
        deadline = time.monotonic() + SERVER_START
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(f"{self.name} exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.ready, timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise SetupError(f"{self.name} did not answer in {SERVER_START} s")

    def stop(self, how: signal.Signals = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(how)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def log_tail(self, lines: int = 3) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return " / ".join(text.strip().splitlines()[-lines:])

    def last_exception(self) -> str:
        """The last ``SomethingError: …`` line of the server's log."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        found = re.findall(r"^(\w+(?:Error|Exception)\b.*)$", text, re.MULTILINE)
        return found[-1] if found else ""


@contextlib.contextmanager
def start_app(
    ws: Workspace, env: dict[str, str] | None = None, name: str = "app"
) -> Iterator[Server]:
    """``python app.py`` on a free port; its TMPDIR is inside the workspace (see case 15)."""
    port = free_port()
    tmp = ws.root / f"{name}-tmp"
    tmp.mkdir(exist_ok=True)
    extra = {"ASSISTANT_PORT": str(port), "TMPDIR": str(tmp), **(env or {})}
    url = f"http://127.0.0.1:{port}"
    server = Server(
        [sys.executable, "app.py"], url, f"{url}/", ws.environment(extra), ws.root / f"{name}.log"
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def start_chroma(ws: Workspace, folder: Path) -> Iterator[Server]:
    """``chroma run --path folder`` on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(CHROMA), "run", "--path", str(folder), "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    log = ws.root / f"chroma-{folder.name}.log"
    server = Server(command, url, f"{url}/api/v2/heartbeat", ws.environment(), log)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# --- HTTP -------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int  # 0: no HTTP answer at all
    seconds: float
    text: str
    data: object = None  # the parsed JSON body, if it is JSON

    @property
    def result(self) -> dict:
        """The endpoint's return value: Gradio wraps it as ``{"data": [value]}``."""
        if isinstance(self.data, dict) and isinstance(self.data.get("data"), list):
            value = self.data["data"][0] if self.data["data"] else None
            return value if isinstance(value, dict) else {}
        return {}


def http(url: str, payload: object = None, timeout: float = 30) -> Reply:
    """POST ``payload`` as JSON (GET without one); never raises."""
    body = None if payload is None else json.dumps({"data": payload}).encode()
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except OSError as exc:
        return Reply(0, time.monotonic() - started, f"{type(exc).__name__}: {exc}")
    seconds = time.monotonic() - started
    text = raw.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return Reply(status, seconds, text, data)


def ask_app(app: Server, question: object, previous: object = "", place: object = "") -> Reply:
    """The app's ``/ask`` endpoint (``gr.api``), called over plain HTTP."""
    return http(f"{app.url}/gradio_api/run/ask", [question, previous, place])


def describe(reply: Reply, app: Server | None = None) -> str:
    """「HTTP 200, 0.03 s, answer 「…」」 or the error, for the table."""
    head = f"HTTP {reply.status}, {reply.seconds:.2f} s"
    result = reply.result
    if result.get("error"):
        return f"{head}, error 「{flat(result['error'], 60)}」"
    if result.get("answer"):
        return f"{head}, answer 「{flat(result['answer'], 60)}」"
    body = f"{head}, body {reply.text[:60]!r}"
    if app is not None and reply.status >= 500:
        time.sleep(0.5)  # the server logs the exception after it has sent the 500
        body += f"; app log: {app.last_exception()[:90] or '(no exception logged)'}"
    return body


def flat(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- corpora ----------------------------------------------------------------------------------


def make_corpus(ws: Workspace, variants: int = 0) -> list[str]:
    """The bundled plan and the synthetic second plan, and ``variants`` copies of the bundled
    plan that differ by one closing line (a bigger corpus for the timing cases)."""
    shutil.copy(PLAN, ws.corpus / BASE_DOCUMENTS[0])
    shutil.copy(SYNTHETIC, ws.corpus / BASE_DOCUMENTS[1])
    text = PLAN.read_text(encoding="utf-8")
    names = list(BASE_DOCUMENTS)
    for number in range(1, variants + 1):
        name = f"variant-{number:02d}.txt"
        (ws.corpus / name).write_text(f"{text}\n\n补充说明第{number}号。\n", encoding="utf-8")
        names.append(name)
    return sorted(names)


def indexed(ws: Workspace, variants: int = 0) -> Run:
    """A corpus indexed cleanly: the state every fault starts from."""
    make_corpus(ws, variants)
    run = ws.index_run()
    if run.rc != 0 or not ws.sources():
        raise SetupError(f"baseline index failed (exit {run.rc}): {ws.short(run.text)}")
    return run


def summary(run: Run) -> dict[str, int]:
    """The counts of the index summary line (added, unchanged, removed, chunks)."""
    found = re.search(r"新增或更新 (\d+)，未变 (\d+)，移除 (\d+)）：(\d+) 个片段", run.out)
    if not found:
        return {}
    return dict(
        zip(("added", "unchanged", "removed", "chunks"), map(int, found.groups()), strict=True)
    )


def answered(run: Run, expected: str = ANSWER) -> bool:
    """An ``ask --json`` run that answered with the expected figure."""
    try:
        answer = json.loads(run.out)
    except ValueError:
        return False
    return run.rc == 0 and expected in answer.get("answer", "") and not answer.get("refused")


def reaction(ws: Workspace, run: Run) -> str:
    """How ``ask`` took a damaged index: a traceback, a message, or an answer."""
    if run.traceback:
        last = run.err.strip().splitlines()[-1] if run.err.strip() else ""
        return f"traceback, exit {run.rc} ({ws.short(last, 70)})"
    if answered(run):
        return "answered " + ANSWER
    if run.rc == 0:
        return f"exit 0, {ws.short(run.out, 60)}"
    return f"exit {run.rc}, 「{ws.short(run.err, 70)}」"


def calm(run: Run) -> bool:
    """No traceback, and either a correct answer or an 错误 message on stderr."""
    return not run.traceback and (answered(run) or (run.rc != 0 and "错误" in run.err))


def said(run: Run, word: str) -> str:
    """The last line of a run's output (progress bar redraws split off) containing ``word``."""
    lines = [line for line in re.split(r"[\r\n]", run.text) if word in line]
    return lines[-1].strip() if lines else ""


def problem_line(run: Run, name: str) -> str:
    """The summary's line about one file (the file named, then its reason)."""
    for line in run.out.splitlines():
        if name in line and ("跳过" in line or ": " in line or "：" in line):
            return line.strip().lstrip("- ")
    return ""


# --- the cases --------------------------------------------------------------------------------


@case("01 index --corpus <empty folder>")
def empty_corpus(ws: Workspace) -> Check:
    indexed(ws)
    before = ws.sources()
    empty = ws.root / "empty"
    empty.mkdir()
    run = ws.index_run("--corpus", str(empty))
    after = ws.sources()
    prune = "--prune" in run.out
    return Check(
        "exit ≠ 0, manifest still lists every document",
        f"exit {run.rc}; manifest {len(before or [])} → {len(after or [])} documents; "
        f"message names --prune: {'yes' if prune else 'no'}",
        run.rc != 0 and after == before and not run.traceback,
    )


@case("02 indexed file made unreadable (chmod 000)")
def unreadable_file(ws: Workspace) -> Check:
    expected = "exit ≠ 0, file reported as kept, its indexed copy still listed"
    if os.geteuid() == 0:
        return Check(
            expected, "skipped: running as root, which reads a chmod 000 file anyway", None
        )
    indexed(ws)
    before = ws.sources()
    target = ws.corpus / BASE_DOCUMENTS[1]
    target.chmod(0)
    try:
        run = ws.index_run()
    finally:
        target.chmod(0o644)
    kept = "保留" in run.out and BASE_DOCUMENTS[1] in run.out
    return Check(
        expected,
        f"exit {run.rc}; reported as kept: {'yes' if kept else 'no'}; "
        f"manifest unchanged: {'yes' if ws.sources() == before else 'no'}",
        run.rc != 0 and kept and ws.sources() == before,
    )


@case("03 more than half the files removed, then --prune")
def most_files_removed(ws: Workspace) -> Check:
    indexed(ws, variants=1)
    before = ws.sources()
    for name in (BASE_DOCUMENTS[1], "variant-01.txt"):
        (ws.corpus / name).unlink()
    held = ws.index_run()
    held_sources = ws.sources()
    pruned = ws.index_run("--prune")
    after = ws.sources()
    return Check(
        "2 of 3 gone: without --prune nothing removed, exit ≠ 0; with --prune removed",
        f"without: exit {held.rc}, {len(held_sources or [])}/{len(before or [])} kept; "
        f"--prune: exit {pruned.rc}, manifest {after}",
        held.rc != 0 and held_sources == before and pruned.rc == 0 and after == [BASE_DOCUMENTS[0]],
    )


@case("04 index/chroma deleted")
def chroma_folder_deleted(ws: Workspace) -> Check:
    chunks = summary(indexed(ws)).get("chunks")
    shutil.rmtree(ws.index / "chroma")
    damaged = ws.ask()
    rebuilt = ws.index_run()
    again = ws.ask()
    restored = summary(rebuilt).get("chunks")
    return Check(
        "ask: clear message or BM25 answer, no traceback; next index rebuilds, answer right",
        f"ask: {reaction(ws, damaged)}; index: exit {rebuilt.rc}, {restored}/{chunks} chunks; "
        f"ask after: {'answered ' + ANSWER if answered(again) else reaction(ws, again)}",
        calm(damaged) and rebuilt.rc == 0 and restored == chunks and answered(again),
    )


@case("05 truncated chroma.sqlite3")
def truncated_sqlite(ws: Workspace) -> Check:
    chunks = summary(indexed(ws)).get("chunks")
    database = ws.index / "chroma" / "chroma.sqlite3"
    os.truncate(database, database.stat().st_size // 2)
    damaged = ws.ask()
    rebuilt = ws.index_run()
    aside = sorted(p.name for p in ws.index.glob("chroma.broken-*"))
    again = ws.ask()
    restored = summary(rebuilt).get("chunks")
    return Check(
        "ask: no traceback; next index sets the store aside, rebuilds, answer right",
        f"ask: {reaction(ws, damaged)}; index: exit {rebuilt.rc}, set aside: "
        f"{', '.join(aside) or 'nothing'}, {restored}/{chunks} chunks; "
        f"ask after: {'answered ' + ANSWER if answered(again) else reaction(ws, again)}",
        calm(damaged)
        and rebuilt.rc == 0
        and bool(aside)
        and restored == chunks
        and answered(again),
    )


def server_chunks(url: str) -> int | None:
    """How many records the Chroma server holds, over its REST API."""
    base = f"{url}/api/v2/tenants/default_tenant/databases/default_database/collections"
    listing = http(base)
    if not isinstance(listing.data, list):
        return None
    total = 0
    for collection in listing.data:
        count = http(f"{base}/{collection['id']}/count")
        if not isinstance(count.data, int):
            return None
        total += count.data
    return total


@case("06 ASSISTANT_CHROMA_URL at a fresh empty server")
def fresh_chroma_server(ws: Workspace) -> Check:
    make_corpus(ws)
    with start_chroma(ws, ws.root / "server-a") as first:
        built = ws.index_run(env={"ASSISTANT_CHROMA_URL": first.url})
    chunks = summary(built).get("chunks")
    if built.rc != 0:
        raise SetupError(f"index against the first server failed: {ws.short(built.text)}")
    with start_chroma(ws, ws.root / "server-b") as fresh:
        env = {"ASSISTANT_CHROMA_URL": fresh.url}
        empty = server_chunks(fresh.url)
        repaired = ws.index_run(env=env)
        stored = server_chunks(fresh.url)
        asked = ws.ask(env=env)
    warned = "已重新建立" in repaired.out
    return Check(
        "index re-adds every chunk to the new server (exit 0); ask answers",
        f"new server {empty} → {stored}/{chunks} chunks; index exit {repaired.rc}, repair "
        f"reported: {'yes' if warned else 'no'}; ask: {reaction(ws, asked)}",
        repaired.rc == 0 and stored == chunks and answered(asked),
    )


@case("07 Chroma server killed while the app runs")
def chroma_killed_under_app(ws: Workspace) -> Check:
    make_corpus(ws)
    with start_chroma(ws, ws.root / "server") as chroma:
        env = {"ASSISTANT_CHROMA_URL": chroma.url}
        built = ws.index_run(env=env)
        if built.rc != 0:
            raise SetupError(f"index against the server failed: {ws.short(built.text)}")
        with start_app(ws, env) as app:
            warm = ask_app(app, "今年GDP目标是多少？")
            chroma.kill()
            during = ask_app(app, QUESTION)
            chroma.start()
            after = ask_app(app, OTHER_QUESTION)
    fallback = during.result.get("answer", "")
    normal = after.result.get("answer", "")
    ok_during = during.status == 200 and ANSWER in fallback and DEGRADED in fallback
    ok_after = after.status == 200 and OTHER_ANSWER in normal and DEGRADED not in normal
    return Check(
        "killed: /ask answers with the keyword-only note, no 500; restarted: normal answer",
        f"before: HTTP {warm.status}; killed: HTTP {during.status} in {during.seconds:.2f} s, "
        f"answer right: {'yes' if ANSWER in fallback else 'no'}, note: "
        f"{'yes' if DEGRADED in fallback else 'no'}; restarted: HTTP {after.status}, "
        f"answer right: {'yes' if OTHER_ANSWER in normal else 'no'}, note gone: "
        f"{'yes' if DEGRADED not in normal else 'no'}",
        warm.status == 200 and ok_during and ok_after,
    )


def unclean(value: object) -> list[str]:
    """Control characters (but newline and tab) and lone surrogates in the strings of a reply."""
    if isinstance(value, dict):
        return [c for k, v in value.items() if k != "question" for c in unclean(v)]
    if isinstance(value, list):
        return [c for item in value for c in unclean(item)]
    if isinstance(value, str):
        return [
            repr(c)
            for c in value
            if unicodedata.category(c) == "Cs"
            or (unicodedata.category(c) == "Cc" and c not in "\n\t")
        ]
    return []


HOSTILE_INPUTS = (
    ("08a /ask previous of 20,000 chars", [QUESTION, "它" * 20000, ""], False),
    ("08b /ask question of 600 chars", ["今年GDP目标是多少" * 60, "", ""], True),
    ("08c /ask question is a number", [2024, "", ""], True),
    ("08d /ask question is a list", [["今年GDP目标是多少？"], "", ""], True),
    ("08e /ask lone surrogate", ["今年GDP目标\ud800是多少？", "", ""], False),
    (
        "08f /ask control chars, escapes",
        ["\x1b[2J\x1b]0;owned\x07今年GDP\x00目标是多少？\b", "", ""],
        False,
    ),
)


@case("08 hostile /ask input")
def hostile_input(ws: Workspace) -> list[Check]:
    indexed(ws)
    checks = []
    with start_app(ws) as app:
        for label, payload, must_refuse in HOSTILE_INPUTS:
            reply = ask_app(app, *payload)
            result = reply.result
            error, answer = result.get("error"), result.get("answer")
            clear = isinstance(error, str) and bool(error.strip())
            dirty = unclean(result)
            passed = (
                (reply.status == 200 or 400 <= reply.status < 500)
                and (clear if must_refuse else clear or bool(answer))
                and not dirty
                and reply.seconds < HTTP_FAST
            )
            observed = describe(reply, app) + (
                f"; raw in reply: {' '.join(dirty[:4])}" if dirty else ""
            )
            wanted = "a clear JSON error" if must_refuse else "a clear JSON error or a clean answer"
            expected = f"4xx or 200 with {wanted}, no 500, < {HTTP_FAST:.0f} s"
            checks.append(Check(expected, observed, passed, label))
    return checks


@case("09 5 MB single-line .txt")
def huge_single_line(ws: Workspace) -> Check:
    make_corpus(ws)
    sentence = "全区经济运行总体平稳，重点项目建设有序推进，民生保障持续加强。"
    (ws.corpus / "dump.txt").write_text(sentence * (5_000_000 // len(sentence.encode())), "utf-8")
    run = ws.index_run()
    line = problem_line(run, "dump.txt")
    limit = "上限" in line and "ASSISTANT_MAX_" in line
    return Check(
        "skipped with a message naming the size limit, the others indexed, exit ≠ 0",
        f"exit {run.rc} in {run.seconds:.0f} s; 「{ws.short(line, 90)}」; indexed: {ws.sources()}",
        run.rc != 0 and limit and ws.sources() == BASE_DOCUMENTS,
    )


@case("10 build interrupted by SIGINT")
def interrupted_build(ws: Workspace) -> Check:
    indexed(ws)
    before = ws.sources() or []
    variants = 20
    names = make_corpus(ws, variants)
    build = Watched(ws, "index")  # with its progress bar: 「文件 2/20」 once the first is stored
    started_second = build.wait_for(f"文件 2/{variants}", timeout=120)
    build.process.send_signal(signal.SIGINT)
    stopped = build.finish()
    during = ws.sources() or []
    finished = len(during) - len(before)
    resumed = ws.index_run()
    counts = summary(resumed)
    complete = ws.sources() == names
    return Check(
        "manifest keeps all it had; next run embeds only the unfinished documents",
        f"SIGINT at 「文件 2/{variants}」: {'yes' if started_second else 'no'}; exit "
        f"{stopped.rc}, 「{ws.short(said(stopped, '中断'), 40)}」; manifest "
        f"{len(before)} → {len(during)} ({finished} finished); next run: added "
        f"{counts.get('added')}, unchanged {counts.get('unchanged')}, exit {resumed.rc}",
        started_second
        and set(before) <= set(during)
        and 1 <= finished < variants
        and counts.get("added") == variants - finished
        and counts.get("unchanged") == len(during)
        and resumed.rc == 0
        and complete,
    )


@case("11 bad files: 0-byte .docx, bad .pdf, GBK .txt, binary .txt")
def bad_files(ws: Workspace) -> Check:
    make_corpus(ws)
    (ws.corpus / "empty.docx").write_bytes(b"")
    (ws.corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    (ws.corpus / "binary.txt").write_bytes(bytes(range(256)) * 80)
    gbk = SYNTHETIC.read_text(encoding="utf-8") + "\n（GBK 编码的副本。）\n"
    (ws.corpus / "gbk.txt").write_bytes(gbk.encode("gbk", errors="replace"))  # ¹ has no GBK code
    run = ws.index_run()
    bad = ("empty.docx", "broken.pdf", "binary.txt")
    reasons = {name: problem_line(run, name) for name in bad}
    named = [name for name, line in reasons.items() if line.split(name, 1)[-1].strip(":： ")]
    sources = ws.sources() or []
    return Check(
        "bad ones named with a reason; GBK .txt indexed (GB18030 is supported); exit ≠ 0",
        f"exit {run.rc}; named with reason: {len(named)}/3 "
        f"({'; '.join(ws.short(line, 45) for line in reasons.values())}); "
        f"indexed: {', '.join(sources)}",
        run.rc != 0 and len(named) == 3 and sources == sorted([*BASE_DOCUMENTS, "gbk.txt"]),
    )


@case("12 symlink loop in the corpus")
def symlink_loop(ws: Workspace) -> Check:
    make_corpus(ws)
    (ws.corpus / "sub").mkdir()
    (ws.corpus / "sub" / "back").symlink_to("..")  # a folder loop
    (ws.corpus / "loop.txt").symlink_to("loop.txt")  # a file that points at itself
    run = ws.cli("index", "--quiet", timeout=60)
    reported = "loop.txt" in run.text
    return Check(
        "finishes (< 60 s), loop.txt reported by name, the others indexed",
        f"exit {run.rc} in {run.seconds:.1f} s; loop.txt reported: {'yes' if reported else 'no'}"
        f"; indexed: {ws.sources()}",
        run.rc != -9 and reported and ws.sources() == BASE_DOCUMENTS,
    )


@case("13 corrupt manifest.json")
def corrupt_manifest(ws: Workspace) -> Check:
    indexed(ws)
    manifest = ws.index / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:300])  # cut off mid-object
    damaged = ws.ask()
    repair = ws.index_run()
    again = ws.ask()
    return Check(
        "ask: clear message; index repairs it (exit 0), answers right afterwards",
        f"ask: {reaction(ws, damaged)}; index: exit {repair.rc}"
        f"{'' if repair.rc == 0 else ', 「' + ws.short(repair.err, 70) + '」'}; "
        f"ask after: {'answered ' + ANSWER if answered(again) else reaction(ws, again)}",
        calm(damaged) and repair.rc == 0 and ws.sources() == BASE_DOCUMENTS and answered(again),
    )


@case("14 two index runs at once")
def concurrent_builds(ws: Workspace) -> Check:
    names = make_corpus(ws, variants=20)
    first = Watched(ws, "index")
    embedding = first.wait_for("向量化", timeout=120)  # the progress bar: the lock is held
    second = ws.index_run()
    second_alive = first.process.poll() is None
    done = first.finish()
    refused = second.rc != 0 and "另一个索引任务" in second.err
    return Check(
        "second refused with a clear message; the first completes",
        f"second: exit {second.rc} in {second.seconds:.1f} s, 「{ws.short(second.err, 60)}」 "
        f"(first still running then: {'yes' if second_alive else 'no'}); first: exit {done.rc}, "
        f"{len(ws.sources() or [])}/{len(names)} documents",
        embedding and refused and done.rc == 0 and ws.sources() == names,
    )


def briefing_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("简报-*") if p.is_file())


def where(files: list[Path], folder: Path) -> str:
    """「2 in plan-brief-*, 2 in gradio/」: which folders hold the briefing files."""
    places: dict[str, int] = {}
    for path in files:
        top = path.relative_to(folder).parts[0]
        top = re.sub(r"^(plan-brief-).*", r"\1*", top)
        places[top] = places.get(top, 0) + 1
    return ", ".join(f"{n} in {top}/" for top, n in places.items()) or "none"


@case("15 briefing download leaves no temporary files")
def briefing_leftovers(ws: Workspace) -> Check:
    indexed(ws)
    seen: list[str] = []
    leftovers = 0
    for name, how in (("ctrl-c", signal.SIGINT), ("sigterm", signal.SIGTERM)):
        with start_app(ws, name=name) as app:
            reply = http(f"{app.url}/gradio_api/run/brief", ["养老服务"], timeout=60)
            files = reply.data.get("data", [])[1:] if isinstance(reply.data, dict) else []
            sizes = [len(urllib.request.urlopen(f["url"], timeout=30).read()) for f in files if f]
            tmp = ws.root / f"{name}-tmp"
            after_download = briefing_files(tmp)
            app.stop(how)
        left = briefing_files(tmp)
        leftovers += len(left)
        seen.append(
            f"{name}: downloaded {len(sizes)} ({'non-empty' if sizes and min(sizes) else 'EMPTY'}),"
            f" then held {where(after_download, tmp)}; after {how.name}: {where(left, tmp)}"
        )
    return Check(
        "no briefing file left in the app's temp folder once downloaded and the app stops",
        "; ".join(seen),
        leftovers == 0,
    )


# --- running ----------------------------------------------------------------------------------


@dataclass
class Row:
    case: str
    expected: str
    observed: str
    status: str  # yes | no | skip | error


@dataclass
class Options:
    only: list[str] = field(default_factory=list)
    keep: bool = False


def run_case(name: str, function: CaseFunction, options: Options) -> list[Row]:
    root = Path(tempfile.mkdtemp(prefix=f"faults-{name[:2]}-"))
    try:
        outcome = function(Workspace(root))
    except SetupError as exc:
        return [Row(name, "(set-up)", f"could not set up: {exc}", "error")]
    except Exception as exc:  # a bug of this script: shown, never a pass
        return [Row(name, "(set-up)", f"fault script error: {type(exc).__name__}: {exc}", "error")]
    finally:
        if options.keep:
            print(f"  kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    checks = outcome if isinstance(outcome, list) else [outcome]
    return [
        Row(
            check.label or name,
            check.expected,
            check.observed,
            "skip" if check.passed is None else ("yes" if check.passed else "no"),
        )
        for check in checks
    ]


def table(rows: list[Row]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| case | expected | observed | pass |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {cell(r.case)} | {cell(r.expected)} | {cell(r.observed)} | {r.status} |" for r in rows
    ]
    return "\n".join(lines)


def parse(argv: list[str] | None) -> tuple[Options, bool]:
    listing = "\n".join(f"  {name}" for name, _ in CASES)
    parser = argparse.ArgumentParser(
        prog="bench/faults.py",
        description=__doc__,
        epilog=f"cases:\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="run only the cases whose name contains it (case-insensitive; repeatable)",
    )
    parser.add_argument("--list", action="store_true", help="print the case names and exit")
    parser.add_argument("--keep", action="store_true", help="keep each case's temporary folder")
    args = parser.parse_args(argv)
    return Options(only=[s.lower() for s in args.only], keep=args.keep), args.list


def main(argv: list[str] | None = None) -> int:
    options, listing = parse(argv)
    if listing:
        print("\n".join(name for name, _ in CASES))
        return 0
    # Children must take SIGINT as Ctrl-C (case 10), even if this script was started with it
    # ignored (a background job): a handled signal is reset to its default on exec.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    chosen = [
        (name, function)
        for name, function in CASES
        if not options.only or any(s in name.lower() for s in options.only)
    ]
    if not chosen:
        print(f"no case matches {options.only}", file=sys.stderr)
        return 2
    started = time.monotonic()
    rows: list[Row] = []
    for name, function in chosen:
        print(f"[{time.monotonic() - started:5.0f} s] {name} …", file=sys.stderr, flush=True)
        rows.extend(run_case(name, function, options))
    elapsed = time.monotonic() - started
    print(table(rows))
    failed = [r for r in rows if r.status in ("no", "error")]
    counts = {s: sum(r.status == s for r in rows) for s in ("yes", "no", "skip", "error")}
    print(
        f"\nrows: {len(rows)} (pass {counts['yes']}, fail {counts['no']}, skip {counts['skip']},"
        f" error {counts['error']}); total run time {elapsed:.0f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
