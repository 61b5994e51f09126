"""The generative mode with the real bundled model, in process and behind a real OpenAI server.

Runs only where `make llm` has been run (llama-cpp-python importable and the model assembled);
elsewhere the whole module is skipped with that reason.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant import llm_model
from assistant.settings import Settings
from tests.conftest import free_port

MODEL_DIR = Settings.from_env().model_dir
if not (llm_model.llama_available() and llm_model.is_assembled(MODEL_DIR)):
    pytest.skip(
        f"no local model (llama-cpp-python and {llm_model.model_path(MODEL_DIR)}): run `make llm`",
        allow_module_level=True,
    )

from assistant.generate import make_chat_model  # noqa: E402
from assistant.query import grounded, verify  # noqa: E402
from assistant.query.grounded import FinalEvent, StatusEvent, TokenEvent  # noqa: E402

pytestmark = pytest.mark.llm
QUESTION = "今年GDP增长目标是多少？"


def with_model(service, generator: str, model):
    clone = copy.copy(service)
    clone.settings = service.settings.with_changes(generator=generator)
    clone.chat_model = model
    return clone


def assert_grounded(service, answer) -> None:
    """A generated answer or the extractive one, and never an unsupported number."""
    assert answer.generator in {"llama", "openai", "extractive-fallback"}
    assert "5%左右" in answer.answer
    supported = {n for c in answer.citations for n in verify.numbers(c.quote)}
    supported |= set(service.known_numbers) | {"2024"}
    assert [n for n in verify.numbers(answer.answer) if n not in supported] == []


@pytest.fixture(scope="module")
def llama():
    return make_chat_model(Settings(generator="llama", model_dir=MODEL_DIR))


def test_the_bundled_model_answers_in_chinese(llama):
    reply = llama.invoke("只用一个词回答：中国的首都是哪座城市？").text
    assert "北京" in reply


def test_llama_answers_are_checked_before_they_are_shown(service, llama):
    events = list(with_model(service, "llama", llama).ask_stream(QUESTION))
    assert events[0] == StatusEvent(grounded.CHECKING)
    assert any(isinstance(e, TokenEvent) for e in events)
    assert isinstance(events[-1], FinalEvent)
    assert_grounded(service, events[-1].answer)


@pytest.fixture(scope="module")
def openai_server(tmp_path_factory):
    """`python -m llama_cpp.server` with the bundled model on a free loopback port."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = log_path.open("wb")
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(llm_model.locate(MODEL_DIR)),
    ]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--n_threads", "2"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_for(url, server, log_path)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()


def _wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"llama_cpp.server exited with {server.returncode}: {log.read_text()[-2000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama_cpp.server did not answer within 180 s: {log.read_text()[-2000:]}")


def test_an_openai_compatible_server(service, openai_server):
    settings = Settings(
        generator="openai", openai_base_url=openai_server, openai_model="qwen2.5-coder-1.5b"
    )
    model = make_chat_model(settings)
    assert "北京" in model.invoke("只用一个词回答：中国的首都是哪座城市？").text
    answer = with_model(service, "openai", model).ask(QUESTION)
    assert_grounded(service, answer)
