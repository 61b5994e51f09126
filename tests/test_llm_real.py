"""The generative mode with the real bundled model, in process and behind a real OpenAI server.

Runs only where `make llm` has been run (llama-cpp-python importable and the model assembled);
elsewhere the whole module is skipped with that reason.
"""

from __future__ import annotations

import copy
import sys

import pytest

from assistant import llm_model
from assistant.settings import Settings
from tests.browser import ask, local_only, open_chat
from tests.conftest import free_port, running_server

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
    url = f"http://127.0.0.1:{port}/v1"
    model = str(llm_model.locate(MODEL_DIR))
    command = [sys.executable, "-m", "llama_cpp.server", "--model", model, "--host"]
    command += ["127.0.0.1", "--port", str(port), "--n_threads", "2"]
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with running_server(command, f"{url}/models", log, wait=180):
        yield url


def test_an_openai_compatible_server(service, openai_server):
    settings = Settings(
        generator="openai", openai_base_url=openai_server, openai_model="qwen2.5-coder-1.5b"
    )
    model = make_chat_model(settings)
    assert "北京" in model.invoke("只用一个词回答：中国的首都是哪座城市？").text
    answer = with_model(service, "openai", model).ask(QUESTION)
    assert_grounded(service, answer)


def test_browser_shows_the_draft_under_checking_then_the_verified_answer(service, llama, page):
    from assistant.web import build_app

    model_service = with_model(service, "llama", llama)
    demo = build_app(model_service, model_service.settings)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_port=port, quiet=True)
    try:
        open_chat(page, f"http://127.0.0.1:{port}/")
        shown = ask(page, QUESTION, 1, timeout=300_000).inner_text()
        assert page.evaluate("window.__checking") > 0 and page.evaluate("window.__draft")
        assert "5%左右" in shown and "核对中" not in shown
        assert page.locator("#pa-chat .pa-notice").count() == 0  # the draft was replaced
        local_only(page)
    finally:
        demo.close()
