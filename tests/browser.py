"""Driving the web chat in a real Chromium: open, ask, wait for the finished answer."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
BOT = "#pa-chat [data-testid=bot]"


def open_chat(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#pa-question textarea")
    # Count the moments the chat shows a partly written answer (the ▍ cursor) or a model's
    # draft still being checked (「核对中…」), and keep the longest such draft.
    page.evaluate(
        """() => { window.__partial = 0; window.__checking = 0; window.__draft = '';
        new MutationObserver(() => {
            const chat = document.querySelector('#pa-chat');
            if (!chat) return;
            if (chat.innerText.includes('▍')) window.__partial += 1;
            if (chat.innerText.includes('核对中')) window.__checking += 1;
            const draft = chat.querySelector('.pa-notice .pa-note');
            if (draft && draft.innerText.length > window.__draft.length)
                window.__draft = draft.innerText;
        }).observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )


def wait_for_answer(page, count: int, timeout: float = 15_000):
    """Wait until the ``count``-th reply is complete; return its locator."""
    page.wait_for_function(
        """n => { const bots = document.querySelectorAll('#pa-chat [data-testid=bot]');
        if (bots.length < n) return false;
        const text = bots[n - 1].innerText;
        return !text.includes('▍') && !text.includes('正在查找') && !text.includes('核对中'); }""",
        arg=count,
        timeout=timeout,
    )
    return page.locator(BOT).nth(count - 1)


def ask(page, question: str, count: int, timeout: float = 15_000):
    page.fill("#pa-question textarea", question)
    page.press("#pa-question textarea", "Enter")
    return wait_for_answer(page, count, timeout)


def local_only(page) -> None:
    outside = [url for url in page.requests if not url.startswith("http://127.0.0.1:")]
    assert page.requests and not outside, outside
