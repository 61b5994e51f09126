"""The 「起草简报」 tab: a topic in, a cited briefing draft out, Markdown and Word downloads."""

from __future__ import annotations

import atexit
import html
import logging
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr

from assistant.brief import Briefing, build_briefing
from assistant.brief.export import to_docx, to_markdown
from assistant.errors import AssistantError
from assistant.query.cite import short_section
from assistant.service import AssistantService

log = logging.getLogger(__name__)
TOPICS = ("养老服务", "科技创新", "绿色低碳", "交通", "教育", "就业")
UNSAFE_FILE_CHARS = re.compile(r"[^\w\u4e00-\u9fff-]+")


def render_briefing(briefing: Briefing) -> str:
    """The draft as HTML; every piece of document text is escaped."""
    parts = [f"<h2>{html.escape(briefing.title)}</h2>"]
    if not briefing.covered:
        parts.extend(f"<p>{html.escape(line)}</p>" for line in briefing.summary)
        return "\n".join(parts)
    parts.append(f'<p class="pa-note">{html.escape(briefing.basis)}</p>')
    parts.extend(f'<p class="pa-note">{html.escape(note)}</p>' for note in briefing.notes)
    if briefing.summary:
        parts.append(f"<h3>摘要</h3><p>{html.escape(''.join(briefing.summary))}</p>")
    for section in briefing.sections:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in section.lines)
        parts.append(f"<h3>{html.escape(section.heading)}</h3><ul>{items}</ul>")
    sources = "".join(
        f"<li>{html.escape(short_section(c.section) or c.doc)}："
        f"「{html.escape(c.quote.replace(chr(9), ' | ').strip(' |'))}」</li>"
        for c in briefing.sources
    )
    parts.append(f"<h3>资料来源</h3><ol>{sources}</ol>")
    return "\n".join(parts)


def write_downloads(briefing: Briefing, folder: Path) -> tuple[Path, Path]:
    stem = UNSAFE_FILE_CHARS.sub("_", briefing.topic)[:40] or "briefing"
    markdown = folder / f"简报-{stem}.md"
    markdown.write_text(to_markdown(briefing), encoding="utf-8")
    return markdown, to_docx(briefing, folder / f"简报-{stem}.docx")


KEEP_SECONDS = 3600  # a briefing's files are there to be downloaded, then cleared away


class Downloads:
    """One folder per process for the briefings' files; older ones are removed as new ones come,
    and the whole folder when the process ends (a busy page must not fill the disk)."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS) -> None:
        self.keep_seconds = keep_seconds
        self.root: Path | None = None
        self._lock = threading.Lock()

    def new_folder(self) -> Path:
        with self._lock:
            if self.root is None:
                self.root = Path(tempfile.mkdtemp(prefix="plan-brief-"))
                atexit.register(shutil.rmtree, self.root, ignore_errors=True)
            cutoff = time.time() - self.keep_seconds
            for child in self.root.iterdir():
                if child.stat().st_mtime < cutoff:
                    shutil.rmtree(child, ignore_errors=True)
            return Path(tempfile.mkdtemp(dir=self.root))


DOWNLOADS = Downloads()


def draft(service: AssistantService, topic: str) -> tuple[str, str | None, str | None]:
    """(HTML, Markdown file, Word file) for a topic; a clear message instead on bad input."""
    try:
        briefing = build_briefing(service, topic)
        markdown, word = write_downloads(briefing, DOWNLOADS.new_folder())
    except AssistantError as exc:
        return f"<p>{html.escape(str(exc))}</p>", None, None
    except Exception:
        log.exception("briefing failed for %r", topic)
        return "<p>抱歉，起草简报时出了点问题，请稍后再试。</p>", None, None
    return render_briefing(briefing), str(markdown), str(word)


def briefing_tab(service: AssistantService, concurrency_id: str) -> None:
    """Lay out the tab inside the current Blocks and wire its events."""
    with gr.Tab("起草简报", id="brief"):
        with gr.Row():
            topic = gr.Textbox(
                label="主题",
                placeholder="输入主题，例如：养老服务、科技创新、南大智慧城",
                scale=4,
                elem_id="pa-brief-topic",
            )
            start = gr.Button("起草", variant="primary", scale=1, elem_id="pa-brief-go")
        with gr.Row(elem_classes="pa-chips"):
            chips = [gr.Button(t, size="sm", variant="secondary") for t in TOPICS]
        shown = gr.HTML("<p class='pa-note'>简报中的每个数字都附原文出处，可下载后修改。</p>")
        with gr.Row():
            markdown = gr.DownloadButton("下载 Markdown", value=None, elem_id="pa-brief-md")
            word = gr.DownloadButton("下载 Word", value=None, elem_id="pa-brief-docx")

    def run(text: str) -> tuple[str, str | None, str | None]:
        return draft(service, text)

    outputs = [shown, markdown, word]
    gr.on(
        triggers=[topic.submit, start.click],
        fn=run,
        inputs=topic,
        outputs=outputs,
        api_name="brief",
        concurrency_id=concurrency_id,
    )
    for chip in chips:
        chip.click(run, chip, outputs, api_visibility="private", concurrency_id=concurrency_id)
