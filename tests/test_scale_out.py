"""Growing past one machine: the index's vectors in a `chroma run` server, two app processes
answering from it. Real reports, real embedder, real processes."""

from __future__ import annotations

import contextlib
import sys

import pytest

from assistant.indexer import build_index
from assistant.scale import extract_reports
from assistant.settings import PROJECT_ROOT, Settings
from tests.conftest import free_port, running_server

REGIONS = ("北京市", "江苏省", "广西")
QUESTIONS = (
    "北京今年GDP增长目标是多少？",
    "江苏今年城镇新增就业目标是多少？",
    "广西去年地区生产总值增长多少？",
    "今年居民消费价格涨幅目标是多少？",
    "哪些省份今年GDP增长目标是5%左右？",
    "北京明天天气怎么样？",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale-out") / "corpus"
    extract_reports(folder, REGIONS)
    return folder


def test_a_chroma_server_gives_the_answers_of_the_local_store(corpus, chroma_server, tmp_path):
    from assistant.service import AssistantService

    local = Settings(corpus_dir=corpus, index_dir=tmp_path / "local")
    served = local.with_changes(index_dir=tmp_path / "served", chroma_url=chroma_server)
    build_index(local)
    build_index(served)
    assert not (served.index_dir / "chroma").exists()  # vectors live on the server only
    here, there = AssistantService(local), AssistantService(served)
    for question in QUESTIONS:
        mine, theirs = here.ask(question), there.ask(question)
        assert (theirs.answer, theirs.refused) == (mine.answer, mine.refused), question
        assert [c.quote for c in theirs.citations] == [c.quote for c in mine.citations]


def test_two_app_processes_answer_from_one_chroma_server(
    corpus, chroma_server, tmp_path, monkeypatch
):
    from gradio_client import Client

    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", chroma_url=chroma_server)
    build_index(settings)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", chroma_server)
    command = [sys.executable, str(PROJECT_ROOT / "app.py")]
    urls = []
    with contextlib.ExitStack() as running:
        for name in ("a", "b"):
            port = free_port()
            monkeypatch.setenv("ASSISTANT_PORT", str(port))
            url = f"http://127.0.0.1:{port}/"
            running.enter_context(running_server(command, url, tmp_path / f"{name}.log", 180))
            urls.append(url)
        for url, question, expected in (
            (urls[0], "北京今年GDP增长目标是多少？", "5%左右"),
            (urls[1], "江苏今年城镇新增就业目标是多少？", "120万人以上"),
            (urls[1], "北京今年GDP增长目标是多少？", "5%左右"),
        ):
            answer = Client(url, verbose=False).predict(question, api_name="/ask")
            assert expected in answer["answer"] and not answer["refused"], answer
