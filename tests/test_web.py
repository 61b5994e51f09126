"""The web chat: pure helpers, the gradio_client API, and a real browser (Playwright + Chromium).

The app runs on a free loopback port over a small real index of the bundled plan (fake
embedder: answers still come from the real BM25 + table logic). A second app serves a hostile
document whose text, headings and title carry <script> and <img onerror>.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import InvalidQuestionError
from assistant.indexer import build_index
from assistant.records import Answer, Citation
from assistant.scale import extract_reports
from assistant.service import AssistantService
from assistant.settings import PROJECT_ROOT, Settings
from assistant.web import (
    FeedbackLog,
    Turn,
    build_app,
    feedback_record,
    highlight,
    indicator_frame,
    messages,
    project_frame,
    render_answer,
    render_citation,
    render_section,
    reply,
    section_choices,
    stream_cuts,
    write_exports,
)
from tests.browser import ask, local_only, open_chat, wait_for_answer
from tests.conftest import PLAN, SYNTHETIC, free_port, running_server

SCREENSHOT = PROJECT_ROOT / "test-output" / "web-answer.png"
SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=2">'
TITLE_IMAGE = '<img src=x onerror="window.__pwned=3">'
HEADING = '<b onmouseover="window.__pwned=4">持续</b>'

HOSTILE_CITATION = Citation(
    n=1,
    doc="plan",
    section=f"表2 › （一）{HEADING}",
    quote=f"7\t轨交18号线{SCRIPT}\t15.65\t推进{IMAGE}建设",
)


# --- fast checks of the pure helpers ---------------------------------------------------------


def test_citation_html_escapes_document_text_and_marks_numbers():
    shown = render_citation(HOSTILE_CITATION, {"15.65", "18"}, "宝山区2024年计划")
    assert "<script" not in shown and "<img" not in shown and "<b " not in shown
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in shown
    assert "<td><mark>15.65</mark></td>" in shown  # a table row is shown as cells
    assert "<mark>18</mark>" in shown and "<mark>7</mark>" not in shown
    assert "宝山区2024年计划 › 表2 › （一）&lt;b" in shown  # the full section path
    assert shown.startswith('<details class="pa-cite" data-n="1">')


def test_highlight_marks_whole_numbers_only():
    assert (
        highlight("投资115.65亿元，15.65亿元", {"15.65"})
        == "投资115.65亿元，<mark>15.65</mark>亿元"
    )
    assert highlight("2.00亿元", {"2"}) == "<mark>2.00</mark>亿元"
    assert highlight("a<b>&", set()) == "a&lt;b&gt;&amp;"


def test_answer_html_lists_markers_resolved_question_and_sources():
    answer = Answer(
        question="它今年什么目标？",
        answer=f"轨交18号线{SCRIPT}：投资15.65亿元[1]。\n以下是：\n- 第一[1]\n- [2]",
        refused=False,
        citations=(HOSTILE_CITATION, Citation(2, "plan", "附件2", "一段<i>原文</i>。")),
        resolved_question="轨交18号线二期工程宝山段2024年什么目标?",
    )
    shown = render_answer(answer, {"plan": "宝山区2024年计划"})
    assert "<script" not in shown and "<img" not in shown and "<i>" not in shown
    assert '15.65亿元<sup class="pa-ref">[1]</sup>' in shown
    assert "<ul><li>第一" in shown and shown.count("<li>") == 2
    assert "按「轨交18号线二期工程宝山段2024年什么目标?」理解" in shown
    assert '<details class="pa-cite" data-n="2" open>' in shown  # a bare「- [2]」opens
    same = Answer("今年GDP目标？", "x", False, (), resolved_question="今年GDP目标?")
    assert "理解" not in render_answer(same)


def test_stream_cuts_grow_and_never_split_a_marker():
    text = "轨交18号线二期工程宝山段：投资总额15.65亿元[1][12]，2024年目标为「推进建设」[3]。"
    cuts = stream_cuts(text, steps=12)
    assert cuts == sorted(cuts) and cuts[-1] == len(text) and len(cuts) > 3
    for cut in cuts:
        assert not re.search(r"\[\d*$", text[:cut])
    assert stream_cuts("") == [0]


def test_feedback_is_one_json_line_with_question_answer_and_citations(tmp_path):
    answer = Answer("18号线投资多少？", "15.65亿元[1]。", False, (HOSTILE_CITATION,))
    log = FeedbackLog(tmp_path / "new" / "folder" / "feedback.jsonl")
    log.write(feedback_record(Turn(answer.question, answer=answer), True))
    log.write(feedback_record(Turn("？？", notice="没有看到文字内容"), False))
    lines = log.path.read_text(encoding="utf-8").splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["rating"] == "up" and first["question"] == "18号线投资多少？"
    assert first["answer"] == "15.65亿元[1]。"
    assert first["citations"][0]["quote"] == HOSTILE_CITATION.quote
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", first["time"])
    assert second["rating"] == "down" and second["answer"] == "没有看到文字内容"


class _Broken:
    def ask(self, question, previous=None, place=""):
        raise RuntimeError("index file vanished")


class _Strict:
    def ask(self, question, previous=None, place=""):
        raise InvalidQuestionError("请输入问题，例如：今年GDP目标是多少？")


def test_internal_error_is_logged_with_a_trace_id_and_shown_as_apology(caplog):
    with caplog.at_level(logging.ERROR, logger="assistant.web"):
        turn = reply(_Broken(), "今年GDP目标？", None)
    assert re.fullmatch(r"[0-9a-f]{8}", turn.trace_id)
    assert turn.answer is None and turn.trace_id in turn.notice and "抱歉" in turn.notice
    assert "index file vanished" not in turn.notice  # no internals shown to the user
    record = next(r for r in caplog.records if turn.trace_id in r.getMessage())
    assert record.exc_info and "index file vanished" in str(record.exc_info[1])
    polite = reply(_Strict(), "", None)
    assert polite.notice.startswith("请输入问题") and not polite.trace_id
    shown = messages([polite], {})
    assert [m["role"] for m in shown] == ["user", "assistant"]


def test_feedback_path_setting_comes_from_the_environment(tmp_path):
    settings = Settings.from_env({"ASSISTANT_FEEDBACK_PATH": str(tmp_path / "f.jsonl")})
    assert settings.feedback_path == tmp_path / "f.jsonl"
    assert Settings().feedback_path == PROJECT_ROOT / "feedback" / "feedback.jsonl"


# --- a small real index, the launched app ----------------------------------------------------


def _index(folder: Path, documents: dict[str, str]) -> Settings:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for name, text in documents.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(
        corpus_dir=corpus,
        index_dir=folder / "index",
        embedder="fake",
        feedback_path=folder / "feedback" / "feedback.jsonl",
    )
    build_index(settings)
    return settings


@pytest.fixture(scope="module")
def plan_settings(tmp_path_factory) -> Settings:
    plan = {PLAN.name: PLAN.read_text(encoding="utf-8")}
    return _index(tmp_path_factory.mktemp("web-plan"), plan)


@pytest.fixture(scope="module")
def plan_service(plan_settings) -> AssistantService:
    return AssistantService(plan_settings)


@contextlib.contextmanager
def _serving(service: AssistantService, settings: Settings) -> Iterator[str]:
    """The page for ``service``, launched in this process on a free port."""
    demo = build_app(service, settings)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_port=port, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def plan_url(plan_service, plan_settings) -> Iterator[str]:
    with _serving(plan_service, plan_settings) as url:
        yield url


@pytest.fixture(scope="module")
def many_url(tmp_path_factory) -> Iterator[str]:
    """Five documents: three real reports and two district plans (the fake embedder: this is
    about the page, not retrieval)."""
    root = tmp_path_factory.mktemp("web-many")
    reports = extract_reports(root / "reports", ("北京市", "内蒙古自治区", "广西"))
    settings = _index(root, {PLAN.name: PLAN.read_text(encoding="utf-8")})
    for path in reports.values():
        shutil.copy(path, settings.corpus_dir / path.name)
    shutil.copy(SYNTHETIC, settings.corpus_dir / "jiangbei.txt")
    build_index(settings)
    with _serving(AssistantService(settings), settings) as url:
        yield url


def _hostile_plan() -> str:
    text = SYNTHETIC.read_text(encoding="utf-8")
    text = text.replace("关于印发《", f"关于印发{TITLE_IMAGE}《", 1)
    text = text.replace("滨江数据中心\t8.30", f"滨江数据中心{SCRIPT}\t8.30")
    text = text.replace("就业形势总体稳定。", f"就业形势总体稳定{IMAGE}。")
    return text.replace("（二）民生福祉持续增进", f"（二）民生福祉{HEADING}增进")


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    settings = _index(tmp_path_factory.mktemp("web-hostile"), {"hostile.txt": _hostile_plan()})
    with _serving(AssistantService(settings), settings) as url:
        yield url


def test_tables_name_the_plan_only_when_several_are_indexed(plan_service, tmp_path):
    assert "文件" not in indicator_frame(plan_service.documents).columns
    plans = {PLAN.name: PLAN.read_text(encoding="utf-8")}
    plans["jiangbei.txt"] = SYNTHETIC.read_text(encoding="utf-8")
    documents = AssistantService(_index(tmp_path, plans)).documents
    labels = {d.label for d in documents}
    for frame in (indicator_frame(documents), project_frame(documents)):
        assert frame.columns[0] == "文件" and set(frame["文件"]) == labels
    projects = project_frame(documents)
    assert {"2024年目标", "2026年目标"} <= set(projects.columns)
    assert len(projects) == sum(len(d.projects) for d in documents)


def test_exports_and_sections_come_from_the_index(plan_service, tmp_path):
    from openpyxl import load_workbook

    csv_path, xlsx_path = write_exports(plan_service.documents, tmp_path)
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert any("轨交18号线二期工程宝山段" in row for row in rows)
    workbook = load_workbook(xlsx_path)
    assert workbook.sheetnames == ["主要指标", "重大项目"]
    assert workbook["主要指标"].max_row == 26 and workbook["重大项目"].max_row == 21
    chunks = plan_service.knowledge.chunks
    choices = section_choices(chunks, plan_service.documents)
    labels = [label for label, _ in choices]
    assert len(labels) == len(set(labels)) > 10
    key = next(key for label, key in choices if label.startswith("表2") and "（二）" in label)
    shown = render_section(chunks, key)
    assert "轨交18号线二期工程宝山段" in shown and shown.count("<table") == 6


def _app_py(settings: Settings, monkeypatch, port: int) -> list[str]:
    """``python app.py`` as `make run` starts it, pointed at ``settings`` by the environment."""
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", settings.embedder)
    monkeypatch.setenv("ASSISTANT_PORT", str(port))
    return [sys.executable, str(PROJECT_ROOT / "app.py")]


def test_app_py_serves_the_index_on_the_configured_port(plan_settings, monkeypatch, tmp_path):
    port = free_port()
    command = _app_py(plan_settings, monkeypatch, port)
    url = f"http://127.0.0.1:{port}/"
    with (
        running_server(command, url, tmp_path / "app.log", wait=120),
        urllib.request.urlopen(url, timeout=10) as page,
    ):
        assert page.status == 200 and "gradio" in page.read().decode("utf-8").lower()


def test_app_py_without_an_index_says_what_to_run(plan_settings, monkeypatch, tmp_path):
    empty = replace(plan_settings, index_dir=tmp_path / "no-index")
    command = _app_py(empty, monkeypatch, free_port())
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("错误：") and "python -m assistant index" in done.stderr


def test_gradio_client_asks_with_follow_ups(plan_url):
    from gradio_client import Client

    client = Client(plan_url, verbose=False)
    first = client.predict("18号线宝山段投资多少？", api_name="/ask")
    assert "15.65" in first["answer"] and not first["refused"]
    assert first["citations"][0]["quote"] == "7\t轨交18号线二期工程宝山段\t15.65\t推进建设"
    follow = client.predict("它今年什么目标？", first["resolved_question"], api_name="/ask")
    assert "推进建设" in follow["answer"]
    assert follow["resolved_question"].startswith("轨交18号线二期工程宝山段")
    assert client.predict("？？！", api_name="/ask")["error"].startswith("没有看到文字")
    # The page's own streaming chat endpoint keeps the conversation per client session.
    chat, box = client.predict("18号线宝山段投资多少？", "全部地区", api_name="/chat")
    chat, box = client.predict("它今年什么目标？", "全部地区", api_name="/chat")
    assert box == "" and len(chat) == 4
    assert "理解" in chat[3]["content"][0]["text"]


# --- the browser ------------------------------------------------------------------------------


def test_browser_chat_answers_cites_follows_up_and_rates(page, plan_url, plan_settings, tmp_path):
    open_chat(page, plan_url)
    intro = page.locator(".pa-intro").first.inner_text()
    assert "宝山区2023年国民经济和社会发展计划执行情况" in intro and "宝发改规〔2024〕1号" in intro
    chips = page.locator(".pa-chip")
    assert 6 <= chips.count() <= 8

    first_chip = chips.first.inner_text()
    chips.first.click()
    reply_1 = wait_for_answer(page, 1)
    assert page.locator("#pa-chat [data-testid=user]").first.inner_text().strip() == first_chip
    assert reply_1.locator("details.pa-cite").count() >= 1

    reply_2 = ask(page, "18号线宝山段投资多少？", 2)
    assert "15.65" in reply_2.inner_text()
    assert page.evaluate("window.__partial") > 0  # the answer was streamed in slices
    citation = reply_2.locator("details.pa-cite").first
    assert not citation.locator(".pa-path").is_visible()
    citation.locator("summary").click()
    assert citation.locator(".pa-path").is_visible()
    assert "（二）城市功能引领类项目（6项）" in citation.locator(".pa-path").inner_text()
    cells = citation.locator("table.pa-row td").all_inner_texts()
    assert cells == ["7", "轨交18号线二期工程宝山段", "15.65", "推进建设"]
    assert "15.65" in citation.locator("mark").all_inner_texts()

    reply_3 = ask(page, "它今年什么目标？", 3)
    assert "推进建设" in reply_3.inner_text()
    assert "按「轨交18号线二期工程宝山段2024年什么目标?」理解" in reply_3.inner_text()
    assert reply_2.locator(".pa-resolved").count() == 0  # same as typed: not repeated

    reply_3.hover()
    page.locator("#pa-chat button[aria-label='赞']").nth(2).click()
    page.wait_for_function("() => document.body.innerText.includes('已记录您的反馈')")
    rated = json.loads(plan_settings.feedback_path.read_text(encoding="utf-8").splitlines()[-1])
    assert rated["rating"] == "up" and rated["question"] == "它今年什么目标？"
    assert "推进建设" in rated["answer"] and rated["citations"][0]["n"] == 1

    page.screenshot(path=str(tmp_path / "web-answer.png"), full_page=True)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "web-answer.png", SCREENSHOT)

    assert ask(page, "", 4).inner_text().strip() == "请输入问题，例如：今年GDP目标是多少？"
    assert "问题太长（5000 字）" in ask(page, "宝" * 5000, 5).inner_text()
    assert "没有看到文字内容" in ask(page, "？？！……", 6).inner_text()
    page.get_by_role("button", name="清空对话", exact=True).last.click()
    page.wait_for_function("() => !document.querySelector('#pa-chat [data-testid=bot]')")
    assert "投资总额15.65亿元" in ask(page, "18号线宝山段投资多少？", 1).inner_text()
    local_only(page)


def test_browser_tables_downloads_and_sections(page, plan_url, tmp_path):
    open_chat(page, plan_url)
    page.get_by_role("tab", name="计划一览").click()
    # The table draws its rows as role=row elements; the first is the header.
    rows = "#pa-{} [role=row]:not([aria-rowindex='1'])"
    page.locator(rows.format("projects")).first.wait_for()
    assert page.locator(rows.format("indicators")).count() == 25
    assert page.locator(rows.format("projects")).count() == 20
    projects = page.locator("#pa-projects [role=grid]")
    assert "轨交18号线二期工程宝山段" in projects.inner_text()
    assert "2.00" in projects.inner_text()  # as the document wrote it, not 2

    investment = page.locator("#pa-projects th", has_text="总投资").first
    investment.hover()  # sort through the column's ⋮ menu
    investment.locator("button.cell-menu-button").click()
    page.get_by_role("menuitem", name="降序排序").click()
    page.wait_for_function(
        """() => document.querySelector("#pa-projects [role=row][aria-rowindex='2']")
        .innerText.includes('15.65')"""
    )

    for button, name in (("下载表格（CSV）", "csv"), ("下载表格（Excel）", "xlsx")):
        with page.expect_download() as download:
            page.get_by_role("button", name=button).click()
        saved = tmp_path / f"tables.{name}"
        download.value.save_as(saved)
        assert saved.stat().st_size > 1000
    assert "轨交18号线二期工程宝山段" in (tmp_path / "tables.csv").read_text(encoding="utf-8-sig")

    page.locator("#pa-sections input").click()
    page.locator(
        "[role=option]", has_text="表2：2024年宝山区部分重大政府投资项目计划 › （二）"
    ).click()
    page.wait_for_function(
        "() => document.querySelector('#pa-section-text').innerText.includes('宝钱公路')"
    )
    local_only(page)


def test_browser_with_many_documents_folds_the_list_and_filters_by_place(page, many_url, tmp_path):
    open_chat(page, many_url)
    listing = page.locator("details.pa-documents")
    assert "已收录 5 份文件" in listing.locator("summary").inner_text()
    assert not listing.locator("li").first.is_visible()  # folded until asked for
    listing.locator("summary").click()
    assert listing.locator("li").count() == 5
    page.locator("#pa-place input").click()
    page.locator("[role=option]", has_text="北京市").click()
    reply_1 = ask(page, "今年GDP增长目标是多少？", 1)
    assert "5%左右" in reply_1.inner_text()
    summaries = reply_1.locator("details.pa-cite summary").all_inner_texts()
    assert summaries and all("北京市" in summary for summary in summaries)
    reply_2 = ask(page, "广西今年GDP增长目标是多少？", 2)  # a place typed comes first
    assert all("广西" in s for s in reply_2.locator("details.pa-cite summary").all_inner_texts())

    page.get_by_role("tab", name="计划一览").click()
    page.locator("#pa-compare-name textarea, #pa-compare-name input").first.fill("GDP")
    page.locator("#pa-compare").click()
    page.wait_for_function(
        "() => document.querySelector('#pa-compare-note').innerText.includes('份文件')"
    )
    table = page.locator("#pa-compare-table").inner_text()
    assert "北京市" in table and "内蒙古自治区" in table and "宝山区" in table
    with page.expect_download() as download:
        page.locator("#pa-compare-csv").click()
    saved = tmp_path / "compare.csv"
    download.value.save_as(saved)
    assert "地区生产总值" in saved.read_text(encoding="utf-8-sig")
    local_only(page)


def test_browser_never_runs_markup_from_a_document(page, hostile_url):
    open_chat(page, hostile_url)
    intro = page.locator(".pa-intro").first.inner_text()
    assert TITLE_IMAGE in intro  # shown as text
    reply_1 = ask(page, "滨江数据中心投资多少？", 1)
    assert f"滨江数据中心{SCRIPT}" in reply_1.inner_text()
    reply_2 = ask(page, "就业形势怎么样？", 2)
    for summary in page.locator("details.pa-cite summary").all():
        summary.click()
    assert IMAGE in reply_2.locator(".pa-quote").inner_text()
    assert HEADING in reply_2.locator(".pa-path").inner_text()
    reply_2.locator(".pa-path").hover()

    page.get_by_role("tab", name="计划一览").click()
    assert SCRIPT in page.locator("#pa-projects [role=grid]").inner_text()
    page.locator("#pa-sections input").click()
    page.locator("[role=option]", has_text="民生福祉").click()
    page.wait_for_function(
        "() => document.querySelector('#pa-section-text').innerText.includes('onerror')"
    )
    page.locator("#pa-section-text").hover()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x], b[onmouseover]").count() == 0
    assert page.locator("#pa-chat script, #pa-section-text script").count() == 0
    local_only(page)


# --- 「起草简报」 -----------------------------------------------------------------------------


def test_briefing_html_escapes_document_text(plan_service, tmp_path):
    from assistant.web_brief import draft, render_briefing

    shown, markdown, word = draft(plan_service, "养老服务")
    assert "400张" in shown and "<h3>资料来源</h3>" in shown
    assert Path(markdown).read_text(encoding="utf-8").startswith("# ")
    assert Path(word).stat().st_size > 5000
    from assistant.brief import build_briefing

    briefing = build_briefing(plan_service, "养老服务")
    hostile = briefing.__class__(**{**briefing.__dict__, "title": "<script>alert(1)</script>"})
    assert "<script>" not in render_briefing(hostile)
    message, no_markdown, no_word = draft(plan_service, "  ")
    assert no_markdown is None and no_word is None and "<p>" in message


def test_browser_drafts_a_briefing_with_downloads(page, plan_url, tmp_path):
    open_chat(page, plan_url)
    page.get_by_role("tab", name="起草简报").click()
    page.fill("#pa-brief-topic textarea", "养老服务")
    page.click("#pa-brief-go")
    page.wait_for_function("() => document.body.innerText.includes('资料来源')")
    body = page.inner_text("body")
    assert "400张" in body and "120张" in body
    for button, suffix in (("#pa-brief-md", ".md"), ("#pa-brief-docx", ".docx")):
        with page.expect_download() as download:
            page.click(button)
        saved = tmp_path / f"brief{suffix}"
        download.value.save_as(saved)
        assert saved.stat().st_size > 200
    assert "400张" in (tmp_path / "brief.md").read_text(encoding="utf-8")
    local_only(page)


# --- generative mode: the unverified draft is shown as such, then replaced --------------------


class _StreamingService:
    """Events as the service sends them with a language model configured."""

    def __init__(self, answer):
        self.answer = answer

    def ask_stream(self, question, previous=None, place=""):
        from assistant.query.grounded import FinalEvent, StatusEvent, TokenEvent

        yield StatusEvent("核对中…")
        yield TokenEvent("2024年目标为9.99亿美元")  # an invented number: never the final answer
        yield StatusEvent("核对未通过，重新生成…", clear=True)
        yield TokenEvent("目标4亿美元")
        yield FinalEvent(self.answer)


def test_generated_draft_shows_checking_then_is_replaced(plan_service):
    from assistant.web import generated, messages

    final = plan_service.ask("今年外资目标是多少")
    turns = list(generated(_StreamingService(final), "今年外资目标是多少", None))
    assert turns[0].notice == "核对中…" and not turns[0].draft
    assert turns[1].draft == "2024年目标为9.99亿美元"
    assert turns[2].draft == "" and "重新生成" in turns[2].notice
    assert turns[-1].answer is final
    shown = messages([turns[-1]], {})[-1]["content"]
    assert "9.99" not in shown and "4亿美元" in shown
    checking = messages([turns[1]], {})[-1]["content"]
    assert "核对中…" in checking and "pa-note" in checking


def test_briefing_files_share_one_folder_and_old_ones_are_cleared(tmp_path):
    import os

    from assistant.web_brief import Downloads

    downloads = Downloads(keep_seconds=60)
    first = downloads.new_folder()
    (first / "简报.md").write_text("x", encoding="utf-8")
    os.utime(first, (0, 0))  # as if written long ago
    second = downloads.new_folder()
    assert second.parent == first.parent == downloads.root
    assert not first.exists() and second.exists()
