"""Grounded generation: a chat model rewrites a verified answer, and is shown only if it checks out.

The model gets the normalised question, the numbered evidence of the extractive draft (quotes,
table rows, computed values), the verified extractive answer as a reference, and a prompt from
``prompts/generate.toml`` asking for a short Chinese answer citing [n]. Its output must pass:

- the default path's verifier (``verify.problems``): every [n] exists, every number is in the
  cited evidence, a computed value or the documents' metadata;
- attribution: in each sentence, the numbers must be in the quotes of the markers *that
  sentence* cites (or be computed values or metadata numbers);
- no quantity in Chinese numerals (「三个」「两成」) that no evidence states;
- completeness: it still states every key figure of the extractive answer (each number with
  its unit, short stated values, 「quoted」 goals, and each calculation with its formula, as
  written), so that a rewrite can never be less right than the extractive answer.

On failure there is one retry with a stricter prompt, then the extractive answer itself, flagged
``extractive-fallback``. Tokens stream as an unverified draft under a 「核对中…」 status; the
final event carries the answer that was checked, and replaces the draft.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.prompts import load_prompts
from assistant.query import verify
from assistant.query.draft import MARKER, Draft, Evidence
from assistant.records import Answer

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

CHECKING = "核对中…"
RETRYING = "核对未通过，重新生成…"
FALLBACK = "extractive-fallback"
MAX_REWRITE_CHARS = 200  # longer extractive answers (lists) are shown as they are
MAX_QUOTE_CHARS = 300
MAX_EVIDENCE = 8
MAX_VALUE_CHARS = 20
ATTEMPTS = 2  # the first try, then one with the stricter prompt

SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")
LEADING_MARKERS = re.compile(r"^\s*((?:\[\d+\])+)")
UNIT_CHARS = (
    "%％‰亿万千百元美个项家张条所座台辆名人户亩吨倍岁星批次届类平方米公里度时天月日位床套间处"
)
UNIT_AFTER = re.compile(f"[{UNIT_CHARS}]{{0,2}}")
STATED_VALUE = re.compile(rf"：([^：\[\n]{{1,{MAX_VALUE_CHARS}}})\[\d+\]")
CLAUSE = re.compile(r"[，,。；;：:（）()「」“”\"\n]")
ITEM_EDGE = 4
MAX_ITEM_CHARS = 10
QUOTED = re.compile(r"「([^「」\n]{1,30})」")
CHINESE_QUANTITY = re.compile(
    r"(?<![\d.])[〇零一二两三四五六七八九十百千万亿]*[〇零一二两三四五六七八九十]"
    r"[〇零一二两三四五六七八九十百千万亿]*"
    r"(?:个|项|家|张|条|所|座|名|人|户|亩|倍|成|批|次|届|类|星|元|%|％)"
)
DIRECTION = "多少高低增减"


def prompts() -> dict[str, str]:
    return load_prompts("generate")


# --- stream events (what the web chat renders) -----------------------------------------------


@dataclass(frozen=True)
class TokenEvent:
    """A piece of the unverified draft; show it greyed out under the 「核对中…」 status."""

    text: str
    kind: str = "token"


@dataclass(frozen=True)
class StatusEvent:
    """A state to show (「核对中…」). ``clear``: remove the draft shown so far (a failed try)."""

    message: str
    clear: bool = False
    kind: str = "status"


@dataclass(frozen=True)
class FinalEvent:
    """The verified answer: it replaces any draft on screen."""

    answer: Answer
    kind: str = "final"


StreamEvent = TokenEvent | StatusEvent | FinalEvent


@dataclass
class Grounded:
    """What grounded generation settled on, and how it got there."""

    text: str
    generator: str  # the provider's name, "extractive-fallback", or "extractive" (not tried)
    attempts: int = 0
    problems: list[list[str]] = field(default_factory=list)
    first_token_s: float | None = None
    seconds: float = 0.0


# --- generation --------------------------------------------------------------------------------


def worth_rewriting(draft: Draft) -> bool:
    """Refusals and long (list) answers are shown as they are: nothing to gain, much to lose."""
    return bool(draft.evidence) and not draft.refused and len(draft.text) <= MAX_REWRITE_CHARS


def stream(
    model: BaseChatModel,
    name: str,
    question: str,
    draft: Draft,
    live_chunk_ids: Collection[str],
    known: Collection[str],
) -> Iterator[TokenEvent | StatusEvent | Grounded]:
    """Events while generating; the last item is the ``Grounded`` outcome (not an event)."""
    started = time.perf_counter()
    outcome = Grounded(text=draft.text, generator="extractive")
    if not worth_rewriting(draft):
        yield outcome
        return
    yield StatusEvent(CHECKING)
    outcome.generator = FALLBACK  # until a try checks out
    found: list[str] = []
    for attempt in range(ATTEMPTS):
        if attempt:
            yield StatusEvent(RETRYING, clear=True)
        outcome.attempts += 1
        messages = build_messages(question, draft, strict=bool(attempt), problems=found)
        pieces: list[str] = []
        try:
            for chunk in model.stream(messages):
                piece = chunk.text
                if not piece:
                    continue
                if outcome.first_token_s is None:
                    outcome.first_token_s = time.perf_counter() - started
                pieces.append(piece)
                yield TokenEvent(piece)
        except Exception as exc:  # a server down or a model error: the extractive answer stands
            outcome.problems.append([f"生成失败：{type(exc).__name__}: {exc}"])
            break
        text = attribute(clean("".join(pieces)), draft, known)
        found = check(text, draft, live_chunk_ids, known)
        if not found:
            outcome.text, outcome.generator = text, name
            break
        outcome.problems.append(found)
    outcome.seconds = time.perf_counter() - started
    yield outcome


def generate(
    model: BaseChatModel,
    name: str,
    question: str,
    draft: Draft,
    live_chunk_ids: Collection[str],
    known: Collection[str],
) -> Grounded:
    """``stream`` without the events."""
    for item in stream(model, name, question, draft, live_chunk_ids, known):
        if isinstance(item, Grounded):
            return item
    raise AssertionError("stream() ends with its outcome")


def build_messages(
    question: str, draft: Draft, *, strict: bool = False, problems: Sequence[str] = ()
) -> list:
    from langchain_core.messages import HumanMessage, SystemMessage

    texts = prompts()
    evidence = "\n".join(
        texts["evidence_line"].format(n=n, section=_section(item), quote=_quote(item))
        for n, item in enumerate(draft.evidence[:MAX_EVIDENCE], start=1)
    )
    values = _computed_values(draft)
    computed = texts["computed"].format(values="、".join(values)) if values else ""
    note = texts["retry_note"].format(problems="\n".join(f"- {p}" for p in problems[:5]))
    user = texts["user"].format(
        question=question,
        evidence=evidence,
        computed=computed,
        reference=draft.text,
        note=note if strict else "",
    )
    system = texts["strict_system" if strict else "system"]
    return [SystemMessage(content=system), HumanMessage(content=user)]


def _section(item: Evidence) -> str:
    return item.chunk.section[-1] if item.chunk.section else item.chunk.doc_id


def _quote(item: Evidence) -> str:
    text = " | ".join(part.strip() for part in item.quote.split("\t") if part.strip())
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= MAX_QUOTE_CHARS else text[:MAX_QUOTE_CHARS] + "…"


def _computed_values(draft: Draft) -> list[str]:
    return list(dict.fromkeys(c.result for c in draft.computations if c.operands))


def clean(text: str) -> str:
    """The model's text as shown: full-width or 【】 markers as [n], no 「回答：」 echo."""
    text = text.strip()
    text = re.sub(r"^(?:回答|答)[:：]\s*", "", text)
    text = re.sub(r"[［【](\d+)[］】]", r"[\1]", text)
    return re.sub(r"\n{2,}", "\n", text).strip()


def attribute(text: str, draft: Draft, known: Collection[str]) -> str:
    """Cite, for a sentence the model left without any [n], the passage holding its numbers.

    Small models often drop the markers. A sentence with none gets the marker of the first
    passage whose quote contains every number it states (years and other metadata numbers
    aside); an answer with no marker at all from a single passage cites that passage. Markers
    the model did write are never changed: a wrong one still fails ``check``.
    """
    free = set(known)
    result = []
    for sentence in sentences(text):
        stated = [n for n in verify.numbers(sentence) if not _in(n, free)]
        if stated and not MARKER.search(sentence):
            for n, item in enumerate(draft.evidence, start=1):
                if all(_in(number, verify.numbers(item.quote)) for number in stated):
                    sentence = _cite_at_end(sentence, n)
                    break
        result.append(sentence)
    text = "".join(result)
    if result and len(draft.evidence) == 1 and not MARKER.search(text):
        text = "".join(result[:-1]) + _cite_at_end(result[-1], 1)
    return text


def _cite_at_end(sentence: str, n: int) -> str:
    body = sentence.rstrip()
    end = len(body)
    while end and body[end - 1] in "。！？；!?;":
        end -= 1
    return body[:end] + f"[{n}]" + body[end:] + sentence[len(body) :]


# --- checking ------------------------------------------------------------------------------


def check(
    text: str, draft: Draft, live_chunk_ids: Collection[str], known: Collection[str]
) -> list[str]:
    """Why the generated ``text`` must not be shown; empty when it may."""
    if not text:
        return ["回答为空"]
    candidate = Draft(
        lines=[text], evidence=list(draft.evidence), computations=list(draft.computations)
    )
    found = verify.problems(candidate, live_chunk_ids, known)
    if draft.evidence and not MARKER.search(text):
        found.append("没有标注出处 [n]")
    found += misattributed(text, draft, known)
    found += chinese_quantities(text, draft)
    found += missing_figures(text, draft.text, draft, known)
    return list(dict.fromkeys(found))


def sentences(text: str) -> list[str]:
    """Sentences, each with the markers written right after its full stop (「…。[1]」)."""
    result: list[str] = []
    for piece in SENTENCE_END.split(text):
        lead = LEADING_MARKERS.match(piece)
        if lead and result:
            result[-1] += lead.group(1)
            piece = piece[lead.end() :]
        if piece.strip():
            result.append(piece)
    return result


def _computed(draft: Draft) -> set[str]:
    supported = {n for item in draft.evidence for n in verify.numbers(item.quote)}
    values: set[str] = set()
    for computation in draft.computations:
        if all(_in(o, supported) for o in computation.operands):
            values.add(computation.result)
            values.update(computation.operands)
    return values


def misattributed(text: str, draft: Draft, known: Collection[str]) -> list[str]:
    """Numbers a sentence states that the passages it cites do not contain."""
    found = []
    free = _computed(draft) | set(known)
    for sentence in sentences(text):
        cited = [int(m) for m in MARKER.findall(sentence)]
        quotes = [draft.evidence[n - 1].quote for n in cited if 1 <= n <= len(draft.evidence)]
        supported = {n for quote in quotes for n in verify.numbers(quote)} | free
        for number in verify.numbers(sentence):
            if _in(number, supported):
                continue
            where = "".join(f"[{n}]" for n in cited)
            found.append(
                f"数字 {number} 不在本句引用的{where}中" if cited else f"数字 {number} 没有标注出处"
            )
    return found


def chinese_quantities(text: str, draft: Draft) -> list[str]:
    """Quantities in Chinese numerals escape the digit checks: allowed only as the sources say."""
    stated = draft.text + "\n".join(item.quote for item in draft.evidence)
    return [
        f"汉字数量「{phrase}」不在资料中"
        for phrase in dict.fromkeys(CHINESE_QUANTITY.findall(text))
        if phrase not in stated
    ]


def key_figures(reference: str, draft: Draft, known: Collection[str]) -> list[tuple[str, bool]]:
    """What a rewrite of ``reference`` must keep: (phrase, compare exactly as written)."""
    body = MARKER.sub("", reference)
    wanted: list[tuple[str, bool]] = []
    for match in verify.NUMBER.finditer(body):
        number = match.group()
        if _in(number, set(known)):  # years and 文号: the template's, not the answer's
            continue
        unit = UNIT_AFTER.match(body, match.end())
        wanted.append((number + (unit.group() if unit else ""), False))
    wanted += [(value.strip(), False) for value in STATED_VALUE.findall(reference)]
    wanted += [(value, False) for value in QUOTED.findall(reference)]
    wanted += [(item, False) for item in enumerated(body)]
    for computation in draft.computations:
        if not computation.operands:
            continue
        result = re.escape(computation.result)
        shown = re.search(
            rf"[{DIRECTION}]?{result}[^（\d\n]{{0,6}}（[^）\n]*）|（[^（）\n]*= ?{result}）",
            reference,
        )
        if shown:
            wanted.append((shown.group(), True))
    return list(dict.fromkeys(w for w in wanted if w[0]))


def enumerated(text: str) -> list[str]:
    """The items of each 「A、B、C」 enumeration: a summary must not drop or shorten them.

    Item bounds are not marked, so the first item is taken as its last few characters and the
    last as its first few (「前瞻布局未来健康、未来材料、未来智能三大未来产业」 → 未来健康,
    未来材料, 未来智能); a middle item is kept whole when short.
    """
    items = []
    for clause in CLAUSE.split(text):
        pieces = [p.strip() for p in clause.split("、")]
        if len(pieces) < 2:
            continue
        for index, piece in enumerate(pieces):
            if index == 0:
                piece = piece[-ITEM_EDGE:]
            elif index == len(pieces) - 1:
                piece = piece[:ITEM_EDGE]
            elif len(piece) > MAX_ITEM_CHARS:
                continue
            if piece:
                items.append(piece)
    return items


def missing_figures(
    text: str, reference: str, draft: Draft, known: Collection[str] = ()
) -> list[str]:
    """Key figures of the extractive answer the rewrite dropped or changed."""
    flat = _flat(MARKER.sub("", text))
    missing = []
    for phrase, exact in key_figures(reference, draft, known):
        kept = phrase in text if exact else _flat(phrase) in flat
        if not kept:
            missing.append(f"漏掉或改动了参考答案中的「{phrase}」")
    return missing


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _in(number: str, supported: Collection[str]) -> bool:
    if number in supported:
        return True
    try:
        value = float(number)
    except ValueError:
        return False
    for other in supported:
        try:
            if float(other) == value:
                return True
        except ValueError:
            continue
    return False


def final_answer(events: Iterator[StreamEvent]) -> Answer:
    """The answer a stream of events ends with."""
    answer = None
    for event in events:
        if isinstance(event, FinalEvent):
            answer = event.answer
    if answer is None:
        raise AssertionError("an answer stream ends with a FinalEvent")
    return answer
