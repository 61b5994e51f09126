"""Growing past one machine: the index's vectors in a `chroma run` server, two app processes
answering from it. Real reports, real embedder, real processes."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

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


def test_answers_go_on_from_keywords_when_the_chroma_server_goes_away(tmp_path):
    from assistant.service import AssistantService
    from tests.conftest import PLAN

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / PLAN.name).write_bytes(PLAN.read_bytes())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chroma = [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path / "db")]
    chroma += ["--host", "127.0.0.1", "--port", str(port)]
    settings = Settings(
        corpus_dir=corpus, index_dir=tmp_path / "index", embedder="fake", chroma_url=url
    )
    with running_server(chroma, f"{url}/api/v2/heartbeat", tmp_path / "chroma.log"):
        build_index(settings)
        service = AssistantService(settings)
        assert "关键词" not in service.ask("18号线宝山段投资多少？").answer
    answer = service.ask("宝钱公路投资多少？")  # the server is gone now
    assert "6.65" in answer.answer and "只按关键词检索" in answer.answer
