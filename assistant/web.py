"""The web chat (Gradio 6): a thin page over ``AssistantService``; only app.py and tests import it.

Everything shown comes from the service: answers, citations, document metadata, tables and
sections. Document text is always HTML-escaped before it is put into markup, so a document can
never inject tags or script into the page. The page loads nothing from outside the machine:
system fonts only, analytics off, no share link.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio recomputes its in-process queue statistics (a pandas summary of up to 10,000 past
# events, ~11 ms at that size) after every event by default; every 100 events is plenty.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100")

import atexit
import html
import json
import logging
import re
import shutil
import tempfile
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from assistant.errors import AssistantError
from assistant.query.cite import SEPARATOR, short_section
from assistant.query.draft import MARKER
from assistant.query.verify import NUMBER
from assistant.records import Answer, Chunk, ChunkKind, Citation, to_decimal
from assistant.settings import Settings
from assistant.web_brief import briefing_tab

if TYPE_CHECKING:
    from assistant.knowledge import DocumentKnowledge
    from assistant.service import AssistantService

log = logging.getLogger(__name__)

TITLE = "发展计划问答助手"
CONCURRENCY = 8  # an answer is ~35 ms of CPU; a streamed turn mostly waits between slices
QUEUE_SIZE = 256
STREAM_STEPS = 8  # an answer appears in about this many growing slices
STREAM_PAUSE = 0.025  # seconds between slices: ~0.2 s per answer
SHOWN_QUESTION_CHARS = 200
MAX_TURNS = 50  # a conversation keeps (and re-renders) at most this many exchanges
ALL_PLACES = "全部地区"  # the place filter beside the chat box, when nothing is chosen
OPEN_DOCUMENT_LIST = 4  # a longer document list folds away
ANSWERING = "answering"  # one concurrency group for everything that calls service.ask
TRAILING = "？?。.!！ "

FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"]
MONO_FONTS = ["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "Consolas", "monospace"]

CSS = """
.pa-intro h1 { margin: 0 0 .3em; font-size: 1.6em; }
.pa-intro p, .pa-intro li { margin: .2em 0; }
.pa-intro .pa-note { color: var(--body-text-color-subdued); font-size: .9em; }
.pa-chips { gap: .4em !important; flex-wrap: wrap !important; }
.pa-chips button { flex: 0 0 auto !important; min-width: 0 !important; border-radius: 999px; }
.pa-answer p { margin: .25em 0; }
.pa-answer ul { margin: .25em 0 .25em 1.2em; }
.pa-ref { color: var(--color-accent); font-size: .75em; }
.pa-resolved { color: var(--body-text-color-subdued); }
.pa-sources { margin-top: .6em; border-top: 1px solid var(--border-color-primary); }
.pa-sources-title { font-size: .85em; color: var(--body-text-color-subdued); margin: .3em 0; }
.pa-cite summary { cursor: pointer; }
.pa-path { font-size: .85em; color: var(--body-text-color-subdued); margin: .2em 0; }
.pa-quote { margin: .3em 0; padding: .3em .6em; border-left: 3px solid var(--color-accent); }
table.pa-row { border-collapse: collapse; margin: .3em 0; font-size: .9em; }
table.pa-row td { border: 1px solid var(--border-color-primary); padding: .15em .4em; }
.pa-answer mark, .pa-section mark { background: #ffe58a; color: inherit; padding: 0 .1em; }
.pa-section p { margin: .4em 0; }
.pa-section .pa-footnote { font-size: .85em; color: var(--body-text-color-subdued); }
"""


# --- pure helpers: text to safe HTML --------------------------------------------------------


def escape(text: str) -> str:
    return html.escape(text or "", quote=True)


def numbers_for(answer_text: str, n: int) -> set[str]:
    """Numbers the answer states about citation ``n``: its lines, and lines citing nothing."""
    found: set[str] = set()
    for line in answer_text.split("\n"):
        cited = {int(m) for m in MARKER.findall(line)}
        if not cited or n in cited:
            found.update(NUMBER.findall(MARKER.sub("", line)))
    return found


def _same_number(a: str, b: str) -> bool:
    if a == b:
        return True
    left, right = to_decimal(a), to_decimal(b)
    return left is not None and left == right


def highlight(text: str, numbers: Sequence[str] | set[str]) -> str:
    """Escaped ``text`` with each whole number that the answer uses wrapped in ``<mark>``."""
    parts, last = [], 0
    for match in NUMBER.finditer(text):
        parts.append(escape(text[last : match.start()]))
        value = match.group()
        used = any(_same_number(value, n) for n in numbers)
        parts.append(f"<mark>{escape(value)}</mark>" if used else escape(value))
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def render_quote(quote: str, numbers: set[str] | Sequence[str] = ()) -> str:
    """A passage as a block quote; a table row (tab-separated cells) as a one-row table."""
    if "\t" in quote:
        cells = quote.strip("\n").split("\t")
        while cells and not cells[-1].strip():
            cells.pop()
        tds = "".join(f"<td>{highlight(cell.strip(), numbers)}</td>" for cell in cells)
        return f'<table class="pa-row"><tr>{tds}</tr></table>'
    return f'<blockquote class="pa-quote">{highlight(quote, numbers)}</blockquote>'


def render_citation(
    citation: Citation, numbers: set[str], document: str = "", is_open: bool = False
) -> str:
    """One numbered source that opens to its section path and the verbatim quote."""
    shown = short_section(citation.section) or document or citation.doc
    if document and shown != document:
        shown = f"{document} › {shown}"  # several documents indexed: say whose passage it is
    if citation.time:
        shown += f"（{citation.time}）"  # what the quote speaks of: 「2024年（预计）」
    path = SEPARATOR.join(part for part in (document, citation.section) if part)
    opened = " open" if is_open else ""
    return (
        f'<details class="pa-cite" data-n="{citation.n}"{opened}>'
        f'<summary><span class="pa-n">[{citation.n}]</span> {escape(shown)}</summary>'
        f'<div class="pa-path">{escape(path)}</div>'
        f"{render_quote(citation.quote, numbers)}"
        "</details>"
    )


def render_text(text: str) -> str:
    """Answer lines as paragraphs, ``- `` lines as a list, ``[n]`` as superscript references."""
    blocks: list[str] = []
    items: list[str] = []

    def inline(line: str) -> str:
        return MARKER.sub(r'<sup class="pa-ref">[\1]</sup>', escape(line))

    for line in text.split("\n"):
        if line.startswith("- "):
            items.append(f"<li>{inline(line[2:])}</li>")
            continue
        if items:
            blocks.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip():
            blocks.append(f"<p>{inline(line)}</p>")
    if items:
        blocks.append(f"<ul>{''.join(items)}</ul>")
    return "".join(blocks)


def _plain(question: str) -> str:
    return unicodedata.normalize("NFKC", question or "").strip().rstrip(TRAILING)


def resolved_differs(answer: Answer) -> bool:
    resolved = answer.resolved_question
    return bool(resolved) and _plain(resolved) != _plain(answer.question)


def render_answer(answer: Answer, documents: dict[str, str] | None = None) -> str:
    """The whole answer: text, the resolved question in small print, numbered sources."""
    documents = documents or {}
    parts = [render_text(answer.answer)]
    if resolved_differs(answer):
        parts.append(
            f'<p class="pa-resolved"><small>按「{escape(answer.resolved_question)}」理解'
            "</small></p>"
        )
    if answer.citations:
        bare = {int(n) for n in re.findall(r"^- \[(\d+)\]$", answer.answer, re.MULTILINE)}
        sources = "".join(
            render_citation(
                c,
                numbers_for(answer.answer, c.n),
                documents.get(c.doc, "") if len(documents) > 1 else "",
                is_open=c.n in bare,
            )
            for c in answer.citations
        )
        parts.append(
            f'<div class="pa-sources"><div class="pa-sources-title">来源（点击展开原文）</div>'
            f"{sources}</div>"
        )
    return f'<div class="pa-answer">{"".join(parts)}</div>'


def stream_cuts(text: str, steps: int = STREAM_STEPS) -> list[int]:
    """Growing prefix lengths of ``text`` that never end inside a ``[n]`` marker."""
    if not text:
        return [0]
    size = max(4, -(-len(text) // steps))
    markers = [m.span() for m in MARKER.finditer(text)]
    cuts: list[int] = []
    position = 0
    while position < len(text):
        position = min(len(text), position + size)
        for start, end in markers:
            if start < position < end:
                position = end
        cuts.append(position)
    return cuts


def new_trace_id() -> str:
    return uuid.uuid4().hex[:8]


def apology(trace_id: str) -> str:
    return f"抱歉，系统出了点问题，请稍后再试。如需报告，请提供错误编号：{trace_id}"


def internal_error(exc: BaseException, question: str = "") -> tuple[str, str]:
    """Log ``exc`` with a trace id (with its traceback); return (trace id, apology)."""
    trace_id = new_trace_id()
    log.error("trace %s: question %r failed", trace_id, question[:100], exc_info=exc)
    return trace_id, apology(trace_id)


# --- conversation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """One exchange: the question and either an answer or a notice (polite message/apology)."""

    question: str
    answer: Answer | None = None
    notice: str = ""
    trace_id: str = ""
    draft: str = ""  # a language model's unverified text, shown greyed under 「核对中…」


def reply(service: AssistantService, question: str, previous: str | None, place: str = "") -> Turn:
    """Never raises: invalid input becomes a polite notice, a failure an apology with trace id."""
    try:
        return Turn(question, answer=service.ask(question, previous=previous, place=place))
    except AssistantError as exc:
        return Turn(question, notice=str(exc))
    except Exception as exc:
        trace_id, message = internal_error(exc, question)
        return Turn(question, notice=message, trace_id=trace_id)


def generated(
    service: AssistantService, question: str, previous: str | None, place: str = ""
) -> Iterator[Turn]:
    """With a language model: its draft under 「核对中…」, then the verified answer in its place."""
    from assistant.query.grounded import FinalEvent, StatusEvent

    status, draft = "核对中…", ""
    try:
        for event in service.ask_stream(question, previous=previous, place=place):
            if isinstance(event, FinalEvent):
                yield Turn(question, answer=event.answer)
                return
            if isinstance(event, StatusEvent):
                status, draft = event.message, "" if event.clear else draft
            else:
                draft += event.text
            yield Turn(question, notice=status, draft=draft)
    except AssistantError as exc:
        yield Turn(question, notice=str(exc))
    except Exception as exc:
        trace_id, message = internal_error(exc, question)
        yield Turn(question, notice=message, trace_id=trace_id)


def previous_question(turns: Sequence[Turn]) -> str | None:
    for turn in reversed(turns):
        if turn.answer is not None:
            return turn.answer.resolved_question or None
    return None


def streamed(turn: Turn) -> Iterator[list[dict[str, str]]]:
    """The turn's two messages while its answer text is still growing (ending in ▍)."""
    if turn.answer is None or not turn.answer.answer:
        return
    text = turn.answer.answer
    for cut in stream_cuts(text)[:-1]:
        yield [
            {"role": "user", "content": shown_question(turn.question)},
            {
                "role": "assistant",
                "content": f'<div class="pa-answer">{render_text(text[:cut])}▍</div>',
            },
        ]


def shown_question(question: str) -> str:
    text = (question or "").strip()
    if len(text) > SHOWN_QUESTION_CHARS:
        text = f"{text[:SHOWN_QUESTION_CHARS]}…（共 {len(text)} 字）"
    return escape(text) or "<em>（空）</em>"


def render_notice(turn: Turn) -> str:
    draft = f'<p class="pa-note">{escape(turn.draft)}</p>' if turn.draft else ""
    return f'<div class="pa-answer pa-notice"><p>{escape(turn.notice)}</p>{draft}</div>'


def messages(turns: Sequence[Turn], documents: dict[str, str]) -> list[dict[str, str]]:
    """Two chat messages per turn (user, assistant): message 2*i+1 is turn i's reply."""
    shown: list[dict[str, str]] = []
    for turn in turns:
        shown.append({"role": "user", "content": shown_question(turn.question)})
        body = render_answer(turn.answer, documents) if turn.answer else render_notice(turn)
        shown.append({"role": "assistant", "content": body})
    return shown


# --- feedback ---------------------------------------------------------------------------------


class FeedbackLog:
    """👍/👎 ratings appended as JSON lines; one lock so concurrent ratings never interleave."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)


def feedback_record(turn: Turn, liked: bool | str | None) -> dict[str, Any]:
    if liked is True or liked is False:
        rating = "up" if liked else "down"
    else:  # clicking the same thumb again withdraws the rating; other options are strings
        rating = str(liked) if liked else "withdrawn"
    record: dict[str, Any] = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "rating": rating,
        "question": turn.question,
    }
    if turn.answer is not None:
        data = turn.answer.to_dict()
        record.update(
            resolved_question=data["resolved_question"],
            answer=data["answer"],
            refused=data["refused"],
            citations=data["citations"],
        )
    else:
        record.update(answer=turn.notice, citations=[], trace_id=turn.trace_id)
    return record


# --- the 「计划一览」 tab: tables, downloads, sections -------------------------------------------


def _number(text: str) -> float | None:
    value = to_decimal(text)
    return float(value) if isinstance(value, Decimal) else None


def indicator_frame(documents: Sequence[DocumentKnowledge]) -> pd.DataFrame:
    return _frame(documents, _indicator_lines)


def project_frame(documents: Sequence[DocumentKnowledge]) -> pd.DataFrame:
    return _frame(documents, _project_lines)


def figure_frame(documents: Sequence[DocumentKnowledge]) -> pd.DataFrame:
    """Targets and results stated in prose, for documents without an indicator table."""
    return _frame(documents, _figure_lines)


def _figure_lines(document: DocumentKnowledge) -> Iterator[dict[str, Any]]:
    for figure in document.figures:
        stated = figure.stated
        yield {
            "指标": stated.name,
            "年份": stated.time.year or "",
            "类型": stated.kind,
            "数值（原文）": stated.value,
            "原文": stated.clause,
        }


def _frame(
    documents: Sequence[DocumentKnowledge],
    lines_of: Callable[[DocumentKnowledge], Iterator[dict[str, Any]]],
) -> pd.DataFrame:
    """One line per table row; a first 「文件」 column only when several plans are indexed."""
    several = len(documents) > 1
    rows = []
    for document in documents:
        label = {"文件": document.label} if several else {}
        rows.extend(label | line for line in lines_of(document))
    return pd.DataFrame(rows)


def _indicator_lines(document: DocumentKnowledge) -> Iterator[dict[str, Any]]:
    for table in document.tables.indicators:
        done = f"{table.results_year or ''}年完成"
        plan = f"{table.plan_year or ''}年目标"
        for row in table.rows:
            yield {
                "序号": row.seq,
                "类别": row.category,
                "指标": row.name,
                "单位": row.unit,
                done: row.result_value,
                f"{done}增长": row.result_growth,
                plan: row.target_value,
                f"{plan}增长": row.target_growth,
                "备注": row.note,
            }


def _project_lines(document: DocumentKnowledge) -> Iterator[dict[str, Any]]:
    goal = f"{document.meta.plan_year or ''}年目标"
    for table in document.tables.projects:
        unit = table.unit or "亿元"
        for row in table.rows:
            yield {
                "序号": row.seq,
                "类别": row.group,
                "项目名称": row.name,
                f"总投资（{unit}）": _number(row.investment),
                goal: row.goal,
            }


def as_written(frame: pd.DataFrame, documents: Sequence[DocumentKnowledge]) -> Any:
    """Investments sort as numbers but display as the document wrote them (「2.00」, not 2)."""
    written: dict[float, str] = {}
    for project in (p for d in documents for p in d.projects):
        value = _number(project.row.investment)
        if value is not None:
            written.setdefault(value, project.row.investment)
    columns = [c for c in frame.columns if str(c).startswith("总投资")]
    if not columns or frame.empty:
        return frame
    return frame.style.format(
        {c: lambda v: "" if pd.isna(v) else written.get(v, f"{v:g}") for c in columns}
    )


def project_totals(documents: Sequence[DocumentKnowledge]) -> str:
    lines = []
    for document in documents:
        for table in document.tables.projects:
            if table.total:
                unit = table.unit or "亿元"
                total = f"{table.total.label} {table.total.investment} {unit}"
                counted = f"{document.label}：{table.title}，共 {len(table.rows)} 个项目"
                lines.append(f"{escape(counted)}，{escape(total)}。")
    return "".join(f"<p>{line}</p>" for line in lines)


def write_exports(documents: Sequence[DocumentKnowledge], folder: Path) -> tuple[Path, Path]:
    """The tables as CSV (UTF-8 with BOM, opens in Excel) and as XLSX with one sheet each."""
    from openpyxl import Workbook

    from assistant.ingest.tables import render_tables

    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "plan-tables.csv"
    labelled = [(d.meta.title or d.label, d.tables) for d in documents]
    csv_path.write_text(render_tables(labelled, "csv"), encoding="utf-8-sig")
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = [("主要指标", indicator_frame(documents)), ("重大项目", project_frame(documents))]
    figures = figure_frame(documents)
    if len(figures):  # documents without an indicator table: their targets stated in prose
        sheets.append(("文中目标与完成值", figures))
    for name, frame in sheets:
        sheet = workbook.create_sheet(name)
        sheet.append(list(frame.columns))
        for values in frame.itertuples(index=False):
            sheet.append([None if pd.isna(v) else v for v in values])
    xlsx_path = folder / "plan-tables.xlsx"
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


def section_key(doc_id: str, section: tuple[str, ...]) -> str:
    return doc_id + "\u241e" + SEPARATOR.join(section)


def section_choices(
    chunks: Sequence[Chunk], documents: Sequence[DocumentKnowledge]
) -> list[tuple[str, str]]:
    """Every section with text, in document order, as (label, key) for a dropdown."""
    labels = {d.meta.doc_id: d.label for d in documents}
    order = {d.meta.doc_id: i for i, d in enumerate(documents)}
    first: dict[str, tuple[int, int, str]] = {}
    for chunk in chunks:
        key = section_key(chunk.doc_id, chunk.section)
        where = (order.get(chunk.doc_id, len(order)), chunk.span.start)
        if key not in first or where < first[key][:2]:
            path = SEPARATOR.join(chunk.section) or "（文首）"
            label = f"{labels[chunk.doc_id]} › {path}" if len(documents) > 1 else path
            first[key] = (*where, label)
    ranked = sorted(first.items(), key=lambda item: item[1][:2])
    return [(label, key) for key, (_, _, label) in ranked]


def render_section(chunks: Sequence[Chunk], key: str) -> str:
    """The section's text in document order: paragraphs, table rows as cells, footnotes."""
    if not key:
        return '<div class="pa-section"><p>请选择章节。</p></div>'
    doc_id, _, path = key.partition("\u241e")
    inside = sorted(
        (c for c in chunks if c.doc_id == doc_id and SEPARATOR.join(c.section) == path),
        key=lambda c: c.span.start,
    )
    parts = [f"<h3>{escape(path or '（文首）')}</h3>"]
    for chunk in inside:
        if chunk.kind == ChunkKind.TABLE_ROW:
            parts.append(render_quote(chunk.quote))
        elif chunk.kind == ChunkKind.FOOTNOTE:
            parts.append(f'<p class="pa-footnote">{escape(chunk.quote)}</p>')
        else:
            parts.append(f"<p>{escape(chunk.quote)}</p>")
    if not inside:
        parts.append("<p>这一章节没有正文。</p>")
    return f'<div class="pa-section">{"".join(parts)}</div>'


# --- page text from the index's metadata ----------------------------------------------------


def _table(frame: Any, label: str, elem_id: str) -> None:
    """One sortable, read-only table of the 「计划一览」 tab."""
    gr.Dataframe(
        frame,
        label=label,
        interactive=False,
        wrap=True,
        max_height=2000,
        buttons=["fullscreen"],
        elem_id=elem_id,
    )


MAX_INDICATOR_CHARS = 40


def compare_indicator(
    documents: Sequence[DocumentKnowledge], name: str, folder: Path
) -> tuple[pd.DataFrame, Path | None, str]:
    """One indicator across the documents (「地区生产总值」, 「GDP」): rows, a CSV, a message."""
    from assistant.indicators import HEADER, as_csv, indicator_rows

    name = (name or "").strip()
    if not name or len(name) > MAX_INDICATOR_CHARS:
        return (
            pd.DataFrame(columns=HEADER),
            None,
            f"请输入一项指标的名称（{MAX_INDICATOR_CHARS} 字以内）。",
        )
    rows = indicator_rows(documents, name)
    if not rows:
        return pd.DataFrame(columns=HEADER), None, f"没有文件写明「{name}」这一指标。"
    path = folder / f"compare-{uuid.uuid4().hex[:8]}.csv"
    path.write_text(as_csv(rows), encoding="utf-8-sig")
    places = len({row[0] for row in rows})
    return (
        pd.DataFrame(rows, columns=HEADER),
        path,
        f"「{name}」：{places} 份文件，{len(rows)} 行。",
    )


def comparison_panel(documents: Sequence[DocumentKnowledge], folder: Path) -> None:
    """「跨文件对比一项指标」 inside the current Blocks: a name in, its rows and a CSV out."""
    with gr.Row():
        indicator_name = gr.Textbox(
            label="跨文件对比一项指标",
            placeholder="例如：地区生产总值、GDP、城镇新增就业",
            scale=4,
            elem_id="pa-compare-name",
        )
        compare = gr.Button("对比", scale=1, elem_id="pa-compare")
    note = gr.HTML(elem_id="pa-compare-note")
    table = gr.Dataframe(interactive=False, wrap=True, visible=False, elem_id="pa-compare-table")
    download = gr.DownloadButton("下载对比（CSV）", visible=False, elem_id="pa-compare-csv")

    def show(name: str) -> tuple[Any, Any, str]:
        frame, path, message = compare_indicator(documents, name, folder)
        shown = path is not None
        return (
            gr.update(value=frame, visible=shown),
            gr.update(value=path, visible=shown),
            f"<p>{escape(message)}</p>",
        )

    gr.on(
        triggers=[indicator_name.submit, compare.click],
        fn=show,
        inputs=[indicator_name],
        outputs=[table, download, note],
        api_visibility="private",
    )


def intro_html(documents: Sequence[DocumentKnowledge]) -> str:
    items = []
    for d in documents:
        meta = d.meta
        facts = [meta.number or meta.date, meta.issuer, meta.place]
        if meta.results_year and meta.plan_year:
            facts.append(f"含{meta.results_year}年执行情况与{meta.plan_year}年计划")
        count_indicators = sum(len(t.rows) for t in d.tables.indicators)
        count_projects = sum(len(t.rows) for t in d.tables.projects)
        if count_indicators:
            facts.append(f"{count_indicators}项主要指标")
        if count_projects:
            facts.append(f"{count_projects}个重大项目")
        if d.figures:
            facts.append(f"{len(d.figures)}项文中目标与完成值")
        title = meta.title or meta.source
        described = "，".join(escape(f) for f in facts if f)
        items.append(f"<li>《{escape(title)}》（{described}）</li>")
    listed = f"<ul>{''.join(items)}</ul>"
    if len(items) > OPEN_DOCUMENT_LIST:  # thirty reports would push the chat off the screen
        listed = (
            f'<details class="pa-documents"><summary>已收录 {len(items)} 份文件'
            f"（点击展开）</summary>{listed}</details>"
        )
    return (
        f'<div class="pa-intro"><h1>{escape(TITLE)}</h1>'
        "<p>用中文提问，助手只根据下列文件回答，每个回答都附带原文出处：</p>"
        f"{listed}"
        '<p class="pa-note">可以接着追问（如「那去年呢？」「它投资多少？」）。'
        "回答仅供参考，以文件原文为准；本页离线运行，问题不会发送到外部。</p></div>"
    )


def example_questions(documents: Sequence[DocumentKnowledge], limit: int = 8) -> list[str]:
    """6–8 questions this index can answer, built from its own tables."""
    questions = ["今年GDP目标是多少？", "去年GDP增长多少？"]
    document = documents[0] if documents else None
    if document is not None:
        projects = sorted(
            document.projects,
            key=lambda p: p.row.investment_value or 0,
            reverse=True,
        )
        for project in projects[:2]:
            questions.append(f"{project.row.name}投资多少？")
        if any(t.total for t in document.tables.projects):
            questions.append("重大项目总投资一共多少？")
        rows = [row for t in document.tables.indicators for row in t.rows]
        for row in rows[1:3]:
            name = row.parts[0].name if row.parts else row.name
            questions.append(f"{name}今年目标是多少？")
        if document.meta.results_year:
            questions.append(f"{document.meta.results_year}年新设企业多少户？")
    unique = list(dict.fromkeys(q for q in questions if len(q) <= 40))
    return unique[:limit]


# --- the app ----------------------------------------------------------------------------------


def theme() -> gr.themes.Base:
    """Gradio's default look with system fonts only: the stock theme fetches web fonts."""
    return gr.themes.Default(primary_hue="blue", font=FONTS, font_mono=MONO_FONTS)


class PlanApp(gr.Blocks):
    """A Blocks whose ``launch()`` defaults to this app's theme, CSS, host and port, never share.

    Gradio 6 takes theme and CSS in ``launch()``; keeping them here means tests and app.py
    start exactly the same offline page with a plain ``demo.launch(...)``.
    """

    launch_defaults: dict[str, Any]

    def launch(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        for key, value in self.launch_defaults.items():
            kwargs.setdefault(key, value)
        kwargs["share"] = False
        return super().launch(*args, **kwargs)


def load_app(settings: Settings) -> gr.Blocks:
    """The page over a freshly loaded, warmed-up service: what app.py and the load test serve.

    Raises ``AssistantError`` (no index yet, unknown settings) before any port is opened.
    """
    from assistant.service import AssistantService

    service = AssistantService(settings)
    service.warm_up()
    return build_app(service, settings)


def build_app(service: AssistantService, settings: Settings) -> gr.Blocks:
    """The chat page and the 「计划一览」 tab for one loaded service (shared, read-only)."""
    from assistant.service import LiveService

    live = LiveService(service)  # answers follow a rebuilt index; the page's lists do not
    documents = service.documents
    labels = {d.meta.doc_id: d.label for d in documents}
    chunks = service.knowledge.chunks
    feedback = FeedbackLog(settings.feedback_path)
    folder = Path(tempfile.mkdtemp(prefix="plan-assistant-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    exports = write_exports(documents, folder)

    def chat(
        question: str, turns: list[Turn] | None, place: str = ALL_PLACES
    ) -> Iterator[tuple[Any, Any, str]]:
        """Answer ``question`` in this conversation; yields (messages, turns, textbox)."""
        turns = list(turns or [])[-(MAX_TURNS - 1) :]
        question = question or ""
        place = "" if place == ALL_PLACES else place or ""
        pending = Turn(question, notice="正在查找…")
        yield messages([*turns, pending], labels), turns, ""
        if settings.generator != "extractive":
            for turn in generated(live.current(), question, previous_question(turns), place):
                yield messages([*turns, turn], labels), turns, ""
            turns.append(turn)
            yield messages(turns, labels), turns, ""
            return
        turn = reply(live.current(), question, previous_question(turns), place)
        try:
            for partial in streamed(turn):
                yield [*messages(turns, labels), *partial], turns, ""
                time.sleep(STREAM_PAUSE)
            shown = messages([*turns, turn], labels)
        except Exception as exc:  # a rendering bug must not show Gradio's English error toast
            trace_id, message = internal_error(exc, question)
            turn = Turn(question, notice=message, trace_id=trace_id)
            shown = messages([*turns, turn], labels)
        turns.append(turn)
        yield shown, turns, ""

    def ask(question: str, previous: str = "", place: str = "") -> dict:
        """Answer one question. Pass the last answer's resolved_question as previous for a
        follow-up, and a place (one of the indexed documents' places) to answer about when the
        question names none. Returns the answer as a dict (question, answer, refused,
        citations, elapsed_ms, resolved_question, generator) or {"question", "error"[,
        "trace_id"]}."""
        turn = reply(live.current(), question or "", previous or None, place or "")
        if turn.answer is not None:
            return turn.answer.to_dict()
        result = {"question": question, "error": turn.notice}
        if turn.trace_id:
            result["trace_id"] = turn.trace_id
        return result

    def rate(turns: list[Turn] | None, data: gr.LikeData) -> None:
        """Save a 👍/👎: message 2*i+1 is the reply of turn i."""
        try:
            index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
            turns = turns or []
            number = int(index) // 2
            if not 0 <= number < len(turns):
                return
            feedback.write(feedback_record(turns[number], data.liked))
        except Exception as exc:
            trace_id, _ = internal_error(exc, "feedback")
            gr.Warning(f"反馈未能保存（错误编号：{trace_id}）。")
            return
        gr.Info("已记录您的反馈，谢谢！")

    def show_section(key: str) -> str:
        return render_section(chunks, key)

    # delete_cache: Gradio's copies of downloads older than an hour go hourly, and all of them
    # when the app stops.
    with PlanApp(
        title=TITLE, analytics_enabled=False, fill_width=False, delete_cache=(3600, 3600)
    ) as demo:
        turns = gr.State([])
        gr.HTML(intro_html(documents))
        with gr.Tab("问答", id="chat"):
            chatbot = gr.Chatbot(
                label="对话",
                show_label=False,
                height=520,
                render_markdown=False,
                sanitize_html=True,
                buttons=[],
                placeholder="<p>请在下方输入问题，或点击一个示例问题。</p>",
                elem_id="pa-chat",
            )
            with gr.Row(elem_classes="pa-chips"):
                chips = [
                    gr.Button(q, size="sm", variant="secondary", elem_classes="pa-chip")
                    for q in example_questions(documents)
                ]
            with gr.Row():
                textbox = gr.Textbox(
                    show_label=False,
                    label="问题",
                    placeholder="请输入问题，例如：今年GDP目标是多少？（回车发送）",
                    lines=1,
                    max_lines=4,
                    scale=5,
                    autofocus=True,
                    elem_id="pa-question",
                )
                place = gr.Dropdown(
                    choices=[ALL_PLACES, *service.places],
                    value=ALL_PLACES,
                    show_label=False,
                    label="地区",
                    scale=1,
                    min_width=120,
                    visible=len(service.places) > 1,
                    elem_id="pa-place",
                )
                send = gr.Button("提问", variant="primary", scale=1, elem_id="pa-send")
                clear = gr.Button("清空对话", variant="secondary", scale=1, elem_id="pa-clear")
            gr.HTML('<p class="pa-intro pa-note">觉得回答有用或有误，请点回答下方的赞或踩。</p>')
        with gr.Tab("计划一览", id="tables"):
            indicators = indicator_frame(documents)
            projects = project_frame(documents)
            _table(indicators, f"主要指标（{len(indicators)} 项，表头 ⋮ 可排序）", "pa-indicators")
            _table(
                as_written(projects, documents),
                f"重大项目（{len(projects)} 个，表头 ⋮ 可排序）",
                "pa-projects",
            )
            gr.HTML(project_totals(documents))
            figures = figure_frame(documents)
            if len(figures):
                label = f"文中的目标与完成值（{len(figures)} 项，来自没有指标表的文件）"
                _table(figures, label, "pa-figures")
            with gr.Row():
                gr.DownloadButton("下载表格（CSV）", value=exports[0], elem_id="pa-csv")
                gr.DownloadButton("下载表格（Excel）", value=exports[1], elem_id="pa-xlsx")
            if len(documents) > 1:
                comparison_panel(documents, folder)
            choices = section_choices(chunks, documents)
            sections = gr.Dropdown(
                choices=choices,
                value=None,
                label="按章节浏览原文",
                info="选择章节，查看该章节的原文段落",
                elem_id="pa-sections",
            )
            section_text = gr.HTML(render_section(chunks, ""), elem_id="pa-section-text")
        briefing_tab(service, ANSWERING)

        outputs = [chatbot, turns, textbox]
        gr.on(
            triggers=[textbox.submit, send.click],
            fn=chat,
            inputs=[textbox, turns, place],
            outputs=outputs,
            api_name="chat",
            api_visibility="undocumented",
            show_progress="hidden",
            concurrency_id=ANSWERING,
        )
        for chip in chips:
            chip.click(
                chat,
                inputs=[chip, turns, place],
                outputs=outputs,
                api_visibility="private",
                show_progress="hidden",
                concurrency_id=ANSWERING,
            )
        clear.click(
            lambda: ([], []),
            None,
            [chatbot, turns],
            api_visibility="private",
            queue=False,
        )
        chatbot.clear(lambda: [], None, turns, api_visibility="private", queue=False)
        chatbot.like(rate, inputs=[turns], outputs=None, api_visibility="private")
        sections.change(show_section, sections, section_text, api_visibility="private", queue=False)
        gr.api(ask, api_name="ask", concurrency_id=ANSWERING)

    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    demo.launch_defaults = {
        "server_name": settings.host,
        "server_port": settings.port,
        "theme": theme(),
        "css": CSS,
        "footer_links": ["api", "settings"],
    }
    return demo
