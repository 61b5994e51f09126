"""Outline (section paths), document metadata and chunks, on the real plan and a synthetic one."""

from __future__ import annotations

import pytest

from assistant.ingest.chunks import build_chunks, count_tokens
from assistant.ingest.load import load_document
from assistant.ingest.structure import parse_document
from assistant.records import ChunkKind
from tests.conftest import PLAN, SYNTHETIC

REPORT = "附件2"
RESULTS = "一、2023年宝山区国民经济和社会发展总体情况"
TASKS = "二、2024年宝山区国民经济和社会发展主要目标和任务"


@pytest.fixture(scope="module")
def plan():
    return parse_document(load_document(PLAN))


@pytest.fixture(scope="module")
def synthetic():
    return parse_document(load_document(SYNTHETIC))


def section_of(document, opening: str) -> tuple[str, ...]:
    return next(p.section for p in document.paragraphs if p.text.startswith(opening))


def test_metadata_is_read_from_the_text(plan):
    meta = plan.meta
    assert meta.title == (
        "关于下达《宝山区2023年国民经济和社会发展计划执行情况与2024年国民经济和社会发展计划》的通知"
    )
    assert meta.issuer == "上海市宝山区发展和改革委员会"
    assert meta.number == "宝发改规〔2024〕1号"
    assert meta.place == "宝山区"
    assert (meta.results_year, meta.plan_year) == (2023, 2024)
    assert meta.dates == ("2024年2月26日", "2024年02月29日", "2024年1月16日")
    assert meta.doc_id == "baoshan-2024-plan"
    assert len(meta.content_hash) == 64


def test_metadata_of_another_district_and_years(synthetic):
    meta = synthetic.meta
    assert meta.issuer == "临江市江北区发展和改革委员会"
    assert meta.number == "江北发改〔2026〕3号"
    assert meta.place == "江北区"
    assert (meta.results_year, meta.plan_year) == (2025, 2026)


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        (
            "社会保障体系持续完善。",
            (REPORT, RESULTS, "（五）聚焦以人为本，民生保障水平稳步提升", "社会保障体系持续完善"),
        ),
        (
            "政策调度支撑有力。",
            (REPORT, RESULTS, "（一）聚焦产业转型，经济发展稳中向好", "政策调度支撑有力"),
        ),
        (
            "持续推进社会保障工作。",
            (REPORT, TASKS, "（五）坚持人民至上，全力保障民生福祉", "持续推进社会保障工作"),
        ),
        (
            "坚持以人为本，把增进民生福祉",
            (REPORT, TASKS, "（五）坚持人民至上，全力保障民生福祉"),
        ),
        ("2024年是新中国成立75周年", (REPORT, TASKS)),
        ("《宝山区2023年国民经济和社会发展计划执行情况", ()),
    ],
)
def test_section_paths(plan, opening, expected):
    assert section_of(plan, opening) == expected


def test_front_matter_is_read_as_facts_not_indexed_as_content(plan):
    texts = [p.text for p in plan.paragraphs]
    assert "各街镇（园区），各委办局：" not in texts  # the masthead's address line
    assert plan.meta.title not in texts
    assert any(t.startswith("《宝山区2023年国民经济") for t in texts)  # the notice itself stays


def test_every_paragraph_knows_its_time(plan):
    from assistant.records import TimeKind

    results = next(p for p in plan.paragraphs if p.text.startswith("社会保障体系持续完善。"))
    tasks = next(p for p in plan.paragraphs if p.text.startswith("2024年是新中国成立75周年"))
    assert (results.time.kind, results.time.year) == (TimeKind.RESULT, 2023)
    assert (tasks.time.kind, tasks.time.year) == (TimeKind.PLAN, 2024)


def test_headings_and_table_parts_are_not_paragraphs(plan):
    texts = [p.text for p in plan.paragraphs]
    assert "附件2" not in texts
    assert not any(t.startswith(("一、", "（一）", "表1", "备注")) for t in texts)


def test_footnotes_take_the_section_of_their_marker(plan):
    notes = {f.marker: f for f in plan.footnotes}
    assert notes["4"].section[-1] == "对外开放步伐加速"
    assert notes["1"].section[-1] == "服务经济提质增能"
    assert notes["5"].section[-1] == "加快产业体系绿色低碳转型"
    assert notes["备注"].section == ("附件1", "表1：2024年宝山区国民经济和社会发展重点指标")
    assert notes["备注"].text == "备注：产业类投资额：工业用地投资和研发类用地投资的总和。"


def test_paragraph_spans_point_at_the_original_text(plan):
    paragraph = next(p for p in plan.paragraphs if p.text.startswith("就业创业服务精准对接。"))
    original = plan.text[paragraph.span.start : paragraph.span.end]
    assert original.startswith(
        "就业创业服务精准对接。出台促进就业新政策，全年新增就业岗位 37273 个"
    )


def test_synthetic_outline(synthetic):
    assert section_of(synthetic, "做强先进制造业。") == (
        "附件2",
        "二、2026年国民经济和社会发展主要目标和任务",
        "（一）推动产业升级",
        "做强先进制造业",
    )


@pytest.mark.parametrize("budget", [64, 320])
def test_chunks_respect_the_token_budget_and_quote_verbatim(plan, budget):
    chunks = build_chunks(plan, budget)
    paragraphs = [c for c in chunks if c.kind is ChunkKind.PARAGRAPH]
    assert all(count_tokens(c.quote) <= budget for c in paragraphs)
    texts = {p.text for p in plan.paragraphs}
    for chunk in paragraphs:
        assert any(chunk.quote in text for text in texts)
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_long_paragraphs_split_at_sentence_ends(plan):
    chunks = [c for c in build_chunks(plan, 160) if c.kind is ChunkKind.PARAGRAPH]
    multi = [c for c in chunks if c.section[-1:] == ("社会保障体系持续完善",)]
    assert len(multi) > 1
    assert all(c.quote.endswith(("。", "；", "？", "！")) for c in multi[:-1])


def test_table_rows_read_as_sentences_with_their_headers(plan):
    chunks = build_chunks(plan, 320)
    gdp = next(
        c for c in chunks if c.kind is ChunkKind.TABLE_ROW and c.row == "1" and "指标" in c.text
    )
    assert "地区生产总值" in gdp.text
    assert "2024年目标 可比增长5%左右，与全市保持同步" in gdp.text
    assert gdp.quote.startswith("1\t主要经济指标\t地区生产总值")
    assert gdp.years == (2023, 2024)
    line18 = next(c for c in chunks if "轨交18号线二期工程宝山段" in c.quote)
    assert "投资总额15.65亿元" in line18.text
    assert "推进建设" in line18.text


def test_paragraph_years_follow_their_chapter(plan):
    chunks = build_chunks(plan, 320)
    jobs = next(c for c in chunks if c.quote.startswith("就业创业服务精准对接。"))
    assert jobs.years == (2023,)
    care = next(c for c in chunks if c.quote.startswith("持续推进社会保障工作。"))
    assert care.years == (2024,)


@pytest.mark.parametrize("budget", [40, 60, 80])
def test_a_lead_sentence_opens_the_chunk_of_the_measures_it_leads(budget):
    """「突出发展冰雪经济。」 at the end of one chunk would part from the measures after it."""
    from assistant.ingest.chunks import split_to_budget

    text = (
        "持续打造旅游万亿级产业。坚持四季联动、全域发展，接待国内游客人次、出游总花费均保持两位数增长。"
        "突出发展冰雪经济。开展景区、度假区质量提升行动，打造雪地越野等新业态。新建1处大型滑雪度假中心。"
    )
    pieces = [piece.text for piece in split_to_budget(text, budget)]
    assert "".join(pieces) == text
    assert not any(p.endswith("突出发展冰雪经济。") and p != "突出发展冰雪经济。" for p in pieces)
