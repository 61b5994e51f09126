"""Table parsing on the real Baoshan plan and on a synthetic plan of another district and year."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.ingest.blocks import Block, BlockKind
from assistant.ingest.tables import (
    is_growth_expression,
    parse_tables,
    project_sum_problems,
    render_tables,
    split_slashes,
)
from assistant.records import (
    IndicatorPart,
    IndicatorRow,
    ProjectGroup,
    ProjectRow,
    ProjectTable,
    ProjectTotal,
    Span,
    TableSet,
)

ROOT = Path(__file__).resolve().parent.parent
BAOSHAN = ROOT / "corpus" / "baoshan-2024-plan.txt"
JIADING = ROOT / "tests" / "fixtures" / "tables_jiading-2025-plan.txt"
NOTE_TEXT = "产业类投资额：工业用地投资和研发类用地投资的总和。"

# --- a line-by-line stand-in for the cleaner (its rules, simplified) --------------------------

WIDE = "[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef“”‘’]"


def simple_blocks(raw: str) -> list[Block]:
    """Lines with a tab are rows, other non-empty lines are text; origins are line offsets."""
    blocks, offset = [], 0
    for line in raw.split("\n"):
        pairs = _clean_line([(char, offset + i) for i, char in enumerate(line)])
        offset += len(line) + 1
        text = "".join(char for char, _ in pairs)
        if text.replace("\t", "").strip():
            kind = BlockKind.ROW if "\t" in text else BlockKind.TEXT
            blocks.append(Block(kind, text, tuple(origin for _, origin in pairs)))
    return blocks


def _clean_line(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    pairs = _drop(pairs, r"</?p>")
    pairs = _drop(pairs, r"_\{([^}]*)\}", keep_group=True)
    pairs = _swap(pairs, r"\([^()]*" + WIDE + r"[^()]*\)", {"(": "（", ")": "）"})
    pairs = _swap(pairs, r",(?= *" + WIDE + ")", {",": "，"})
    return _drop_spaces(pairs)


def _text(pairs: list[tuple[str, int]]) -> str:
    return "".join(char for char, _ in pairs)


def _drop(pairs, pattern, keep_group=False):
    doomed: set[int] = set()
    for match in re.finditer(pattern, _text(pairs)):
        kept = set(range(*match.span(1))) if keep_group else set()
        doomed |= set(range(*match.span())) - kept
    return [pair for i, pair in enumerate(pairs) if i not in doomed]


def _drop_spaces(pairs):
    """Spaces go next to Chinese and at cell edges; spaces between ASCII tokens stay."""
    text, doomed = _text(pairs), set()
    for match in re.finditer(" +", text):
        before = text[match.start() - 1] if match.start() else "\t"
        after = text[match.end()] if match.end() < len(text) else "\t"
        if "\t" in (before, after) or re.match(WIDE, before) or re.match(WIDE, after):
            doomed |= set(range(*match.span()))
    return [pair for i, pair in enumerate(pairs) if i not in doomed]


def _swap(pairs, pattern, table):
    out = list(pairs)
    for match in re.finditer(pattern, _text(pairs)):
        for i in range(*match.span()):
            out[i] = (table.get(out[i][0], out[i][0]), out[i][1])
    return out


def _clean_text_blocks(raw: str) -> list[Block]:
    clean = pytest.importorskip("assistant.ingest.clean")
    return clean.clean_text(raw)


BLOCK_SOURCES = {"helper": simple_blocks, "clean_text": _clean_text_blocks}


@pytest.fixture(scope="module", params=sorted(BLOCK_SOURCES))
def baoshan(request) -> TableSet:
    return parse_tables(BLOCK_SOURCES[request.param](BAOSHAN.read_text(encoding="utf-8")))


@pytest.fixture(scope="module", params=sorted(BLOCK_SOURCES))
def jiading(request) -> TableSet:
    return parse_tables(BLOCK_SOURCES[request.param](JIADING.read_text(encoding="utf-8")))


def values(row: IndicatorRow | IndicatorPart) -> tuple[str, ...]:
    """name, unit, result value/growth, target value/growth."""
    return (
        row.name,
        row.unit,
        row.result_value,
        row.result_growth,
        row.target_value,
        row.target_growth,
    )


def indicator(tables: TableSet, seq: int) -> IndicatorRow:
    return next(row for row in tables.indicators[0].rows if row.seq == seq)


# --- the real document: indicator table ---------------------------------------------------------


def test_indicator_table_header_years_and_title(baoshan):
    assert len(baoshan.indicators) == 1
    table = baoshan.indicators[0]
    assert (table.table, table.title) == ("表1", "表1：2024年宝山区国民经济和社会发展重点指标")
    assert (table.results_year, table.plan_year) == (2023, 2024)


def test_indicator_rows_are_numbered_1_to_25_and_header_repeats_are_skipped(baoshan):
    rows = baoshan.indicators[0].rows
    assert [row.seq for row in rows] == list(range(1, 26))
    assert all(row.name not in ("指标内容", "") for row in rows)
    assert all(row.table == "表1" for row in rows)


def test_category_is_carried_forward(baoshan):
    categories = [row.category for row in baoshan.indicators[0].rows]
    assert categories == (
        ["主要经济指标"] * 7 + ["科创中心主阵地建设指标"] * 3 + ["城市治理指标"] * 15
    )


def test_growth_target_written_in_the_value_column_goes_to_growth(baoshan):
    assert values(indicator(baoshan, 1)) == (
        "地区生产总值",
        "亿元",
        "1806.05亿元",
        "可比增长1.7%",
        "",
        "可比增长5%左右，与全市保持同步",
    )
    assert values(indicator(baoshan, 2)) == (
        "区级一般公共预算收入",
        "亿元",
        "179.85亿元",
        "同比增长3.5%",
        "",
        "同比增长5%，与经济增长保持同步",
    )


def test_compound_row_3_splits_into_three_parts(baoshan):
    row = indicator(baoshan, 3)
    assert row.name == "全社会固定资产投资总额/产业类投资额/工业投资"
    assert row.unit == "亿元/亿元/亿元"
    assert [values(part) for part in row.parts] == [
        ("全社会固定资产投资总额", "亿元", "619亿元", "同比增长9.9%", "", "增长5%"),
        ("产业类投资额", "亿元", "150亿元", "", "200亿元", ""),
        ("工业投资", "亿元", "114.71亿元", "", "100亿元", ""),
    ]


def test_compound_row_4_drops_the_empty_piece_of_a_doubled_slash(baoshan):
    row = indicator(baoshan, 4)
    assert row.target_value == "1057.40亿元/ /10658.54亿元"  # the row keeps its cell as written
    assert [values(part) for part in row.parts] == [
        ("社会消费品零售总额", "亿元", "991.12亿元", "增长20.4%", "1057.40亿元", "同比增长7%"),
        ("商品销售总额", "亿元", "10399.81亿元", "增长1.5%", "10658.54亿元", "同比增长7%"),
    ]


def test_plain_rows_keep_values_as_written(baoshan):
    assert values(indicator(baoshan, 7)) == (
        "实际到位外资额",
        "亿美元",
        "5.63亿美元",
        "",
        "4亿美元",
        "",
    )
    assert values(indicator(baoshan, 16)) == (
        "环境空气质量(AQI)优良率",
        "%",
        "达到86.8%",
        "",
        "完成市下达指标",
        "",
    )
    assert values(indicator(baoshan, 22)) == (
        "社区养老服务设施面积",
        "平方米/千人",
        "达到常住人口每千人42平方米",
        "",
        "达到常住人口每千人60平方米以上",
        "",
    )
    assert values(indicator(baoshan, 24)) == (
        "既有多层住宅加装电梯",
        "台",
        "完工300台",
        "",
        "当年立项完工200台，结转完工100台",
        "",
    )
    assert indicator(baoshan, 7).parts == indicator(baoshan, 22).parts == ()


def test_row_8_target_shifted_into_the_results_growth_column_is_moved_back(baoshan):
    row = indicator(baoshan, 8)
    assert row.category == "科创中心主阵地建设指标"
    assert (row.result_growth, row.target_value, row.target_growth) == (
        "",
        "增长10%/新增5家",
        "",
    )
    assert [values(part) for part in row.parts] == [
        ("高新技术企业数", "家", "", "增长25.4%（全年有效期内高企数达1850家）", "", "增长10%"),
        ("上市企业数", "家", "新增上市1家、挂牌2家", "", "新增5家", ""),
    ]


def test_row_10_target_amount_and_growth_clause_are_split(baoshan):
    assert values(indicator(baoshan, 10)) == (
        "战略性新兴产业制造业产值占规模以上工业产值的比重",
        "%",
        "29.1%",
        "",
        "30%以上",
        "力争增长1个百分点",
    )


def test_row_15_shares_its_no_unit_mark_between_parts(baoshan):
    parts = indicator(baoshan, 15).parts
    assert [(part.name, part.unit, part.result_value) for part in parts] == [
        ("政务服务“一网通办”评估", "/", "在全市保持较好水平"),
        ("网格化先行发现率", "/", "市级部门暂停评估"),
    ]


def test_note_is_kept_and_attached_to_the_defined_term(baoshan):
    table = baoshan.indicators[0]
    assert table.notes == ("备注：" + NOTE_TEXT,)
    row = indicator(baoshan, 3)
    assert row.note == NOTE_TEXT
    assert [part.note for part in row.parts] == ["", NOTE_TEXT, ""]
    assert [r.seq for r in table.rows if r.note] == [3]


def test_raw_is_the_cleaned_row_and_span_points_into_the_original(baoshan):
    row = indicator(baoshan, 7)
    assert row.raw == "7\t\t实际到位外资额\t亿美元\t5.63亿美元\t\t4亿美元\t"
    original = BAOSHAN.read_text(encoding="utf-8")
    expected = "7\t\t实际到位外资额\t亿美元\t5.63 亿美元\t\t4 亿美元\t"
    assert original[row.span.start : row.span.end] == expected


# --- the real document: projects table ----------------------------------------------------------

PROJECTS = [
    (1, "南大中央公园", "3.4", "推进建设"),
    (2, "南大智慧城配套道路6条", "3.39", "部分完工"),
    (3, "南大05-06地块小学新建工程", "1.43", "开工"),
    (4, "吴淞创新新城配套道路5条", "6.95", "开工"),
    (5, "上钢一厂排水系统雨水泵站及总管新建工程及控污调蓄池新建工程", "11.68", "开工"),
    (6, "北泗塘水闸外移工程", "0.56", "推进建设"),
    (7, "轨交18号线二期工程宝山段", "15.65", "推进建设"),
    (8, "宝钱公路道路新建工程", "6.65", "推进建设"),
    (9, "G1503B段（江杨北路-富长路）改建工程", "6.14", "推进建设"),
    (10, "沪通铁路二期", "1.93", "完成腾地"),
    (11, "气象站迁建工程（含观测场）", "1.57", "推进建设"),
    (12, "逸仙路高架长逸路下匝道新建工程", "1.29", "建设完成"),
    (13, "初雨调蓄池10个", "14.63", "推进建设"),
    (14, "城市公园（逸仙公园、国阅绿地、美兰西湖公园）", "2.00", "基本竣工"),
    (15, "城中村配套改造配套14个项目", "8.73", "基本竣工"),
    (16, "看守所迁建工程", "7.1", "开工"),
    (17, "区疾控中心迁建工程", "3.99", "开工"),
    (18, "2023年实施校舍修缮15个项目", "1.75", "基本竣工"),
    (19, "罗店新镇新建配套道路6个项目", "1.63", "推进建设"),
    (20, "顾村拓展区配套0410-04地块新建初中项目", "1.47", "竣工"),
]
GROUPS = [
    ("（一）重点转型区域类项目（6项）", 6),
    ("（二）城市功能引领类项目（6项）", 6),
    ("（三）城市生态治理类项目（2项）", 2),
    ("（四）民生服务保障类项目（6项）", 6),
]


def test_projects_are_read_with_investments_exactly_as_written(baoshan):
    assert len(baoshan.projects) == 1
    table = baoshan.projects[0]
    assert (table.table, table.title, table.unit) == (
        "表2",
        "表2：2024年宝山区部分重大政府投资项目计划",
        "亿元",
    )
    assert [(r.seq, r.name, r.investment, r.goal) for r in table.rows] == PROJECTS


def test_project_groups_and_total_add_up(baoshan):
    table = baoshan.projects[0]
    assert [(g.label, g.declared_count) for g in table.groups] == GROUPS
    sums = {
        group.label: sum(
            (r.investment_value for r in table.rows if r.group == group.label), Decimal(0)
        )
        for group in table.groups
    }
    assert list(sums.values()) == [
        Decimal("27.41"),
        Decimal("33.23"),
        Decimal("16.63"),
        Decimal("24.67"),
    ]
    assert (table.total.label, table.total.investment) == ("合计", "101.94")
    assert sum(sums.values()) == table.total.investment_value
    assert project_sum_problems(table) == []


def test_project_after_page_break_header_stays_in_its_group(baoshan):
    row = baoshan.projects[0].rows[11]
    assert (row.seq, row.group) == (12, "（二）城市功能引领类项目（6项）")


# --- the real document: narrative tables --------------------------------------------------------


def test_narrative_tables_are_generic_tables(baoshan):
    first, second = baoshan.others
    assert (first.table, first.title, first.headers) == (
        "表1",
        "表1：2023年部分主导产业进展情况",
        ("重点领域", "进展情况"),
    )
    assert [row.cells[0] for row in first.rows] == [
        "新材料产业",
        "机器人及智能制造产业",
        "生物医药产业",
    ]
    assert first.rows[0].cells[1].startswith("宝山新材料国家新型工业化产业示范基地获工信部5星")
    assert all("<p>" not in cell for row in first.rows for cell in row.cells)
    assert (second.table, second.title, second.headers) == (
        "表2",
        "表2南大智慧城、邮轮滨江带、吴淞创新城市建设重点",
        ("区域", "建设重点"),
    )
    assert [row.cells[0] for row in second.rows] == ["南大智慧城", "邮轮滨江带", "吴淞创新城"]
    assert [row.seq for row in second.rows] == [1, 2, 3]


# --- a synthetic plan: another district, other years ------------------------------------------


def test_synthetic_indicator_table_reads_years_from_its_header(jiading):
    (table,) = jiading.indicators
    assert (table.table, table.results_year, table.plan_year) == ("表1", 2024, 2025)
    assert [row.seq for row in table.rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [row.category for row in table.rows] == ["经济发展"] * 4 + ["民生保障"] * 3


def test_synthetic_note_column_and_compound_row(jiading):
    first, second = jiading.indicators[0].rows[:2]
    assert values(first) == ("地区生产总值", "亿元", "2750.3亿元", "同比增长4.2%", "", "增长5%左右")
    assert first.note == "快报数"
    definition = "规上工业总产值：年主营业务收入2000万元及以上工业企业的总产值。"
    assert [(values(part), part.note) for part in second.parts] == [
        (("规上工业总产值", "亿元", "5120亿元", "下降1.5%", "5300亿元", "增长3.5%"), definition),
        (("战略性新兴产业产值", "亿元", "2300亿元", "增长6%", "2450亿元", "增长6.5%"), ""),
    ]
    assert second.note == definition


def test_synthetic_shifted_target_and_parts_that_do_not_line_up(jiading):
    shifted, unaligned = jiading.indicators[0].rows[2:4]
    assert values(shifted) == ("新增市场主体数", "户", "3.2万户", "", "新增3.5万户", "")
    assert unaligned.parts == ()
    assert values(unaligned) == (
        "外贸进出口总额/出口额",
        "亿元/亿元",
        "1500亿元",
        "增长3%",
        "1550亿元/ 800亿元",
        "",
    )


def test_synthetic_wrapped_cell_signed_percent_and_growth_clause(jiading):
    wrapped, clause, signed = jiading.indicators[0].rows[4:7]
    assert values(wrapped) == ("城镇调查失业率（年均）", "%", "4.5%", "", "5%以内", "")
    assert wrapped.raw.count("\n") == 1
    assert values(clause) == ("研发投入强度", "%", "4.1%", "", "4.3%以上", "力争提高0.2个百分点")
    assert values(signed) == ("居民人均可支配收入", "元", "", "+5.1%", "", "增长5%")


def test_synthetic_projects_report_count_and_sum_problems(jiading):
    (table,) = jiading.projects
    assert table.unit == "亿元"
    assert [(r.seq, r.investment, r.group) for r in table.rows] == [
        (1, "5", "一、产业类项目（2项）"),
        (2, "4.50", "一、产业类项目（2项）"),
        (3, "10.0", "一、产业类项目（2项）"),
        (4, "0.80", "（二）民生类项目（1项）"),
    ]
    assert project_sum_problems(table) == [
        "表2「一、产业类项目（2项）」标明 2 项，实际列出 3 项",
        "表2：各项目投资相加为 20.30亿元，但合计为 21.00亿元",
    ]


def test_synthetic_generic_tables_with_and_without_a_title(jiading):
    titled, untitled = jiading.others
    assert (titled.table, titled.title, titled.headers) == (
        "表3",
        "表3嘉定新城重点片区建设安排",
        ("片区", "重点任务"),
    )
    assert [row.cells for row in titled.rows] == [
        ("远香湖片区", "推进中央活动区建设，启动滨湖商业街区改造。"),
        ("嘉定工业区", "加快存量工业用地转型，新增产业用地500亩。"),
    ]
    assert (untitled.table, untitled.title, untitled.headers) == ("", "", ("区域", "责任单位"))
    assert [row.cells for row in untitled.rows] == [("安亭", "安亭镇")]


def test_category_lines_single_header_row_and_a_note_closing_the_table():
    raw = "\n".join(
        [
            "表 5：主要指标",
            "序号\t指标\t单位\t2024 年完成\t2025 年目标",
            "一、经济\t\t\t\t",
            "1\t地区生产总值\t亿元\t100 亿元\t增长 5%",
            "二、民生\t\t\t\t",
            "2\t就业人数\t万人\t1.2 万人\t1.3 万人",
            "注：快报数。",
            "序号\t指标\t单位\t2024 年完成\t2025 年目标",
            "1\t税收\t亿元\t10 亿元\t11 亿元",
        ]
    )
    first, second = parse_tables(simple_blocks(raw)).indicators
    assert (first.table, first.results_year, first.plan_year) == ("表5", 2024, 2025)
    assert [(row.category, *values(row)) for row in first.rows] == [
        ("一、经济", "地区生产总值", "亿元", "100亿元", "", "", "增长5%"),
        ("二、民生", "就业人数", "万人", "1.2万人", "", "1.3万人", ""),
    ]
    assert first.notes == ("注：快报数。",)
    assert (second.table, second.title, second.notes) == ("", "", ())
    assert [values(row) for row in second.rows] == [("税收", "亿元", "10亿元", "", "11亿元", "")]


def test_unreadable_investment_and_bad_numbering_are_problems():
    span = Span(0, 1)
    table = ProjectTable(
        "表9",
        "表9：测试",
        "亿元",
        (ProjectGroup("（一）测试类（2项）", 2, ""),),
        (
            ProjectRow("表9", 1, "（一）测试类（2项）", "甲", "1.5", "开工", "", span),
            ProjectRow("表9", 3, "（一）测试类（2项）", "乙", "待定", "开工", "", span),
        ),
        ProjectTotal("合计", "1.5", "", span),
    )
    assert project_sum_problems(table) == [
        "表9：项目序号为 [1, 3]，应为 1–2",
        "表9 第3项「乙」：投资额「待定」不是数字",
    ]


def test_slash_splitting_and_growth_expressions():
    assert split_slashes("1057.40亿元/ /10658.54亿元") == ["1057.40亿元", "10658.54亿元"]
    assert split_slashes("新增国家（市级/区级）10家/区级100家") == [
        "新增国家（市级/区级）10家",
        "区级100家",
    ]
    assert [is_growth_expression(t) for t in ("可比增长5%左右", "下降3%", "-0.5%", "新增5家")] == [
        True,
        True,
        True,
        False,
    ]


# --- exports ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def both() -> list[tuple[str, TableSet]]:
    return [
        ("宝山区2024年计划", parse_tables(simple_blocks(BAOSHAN.read_text(encoding="utf-8")))),
        ("嘉定区2025年计划", parse_tables(simple_blocks(JIADING.read_text(encoding="utf-8")))),
    ]


def test_markdown_has_one_line_per_part_and_project_group_and_total_lines(both):
    text = render_tables(both, "md")
    assert "## 宝山区2024年计划" in text and "## 嘉定区2025年计划" in text
    assert "### 表1：2024年宝山区国民经济和社会发展重点指标" in text
    assert (
        "| 3 | 主要经济指标 | 产业类投资额 | 亿元 | 150亿元 |  | 200亿元 |  | " + NOTE_TEXT + " |"
    ) in text.splitlines()
    indicator_lines = [line for line in text.splitlines() if line.startswith("| ")]
    baoshan_indicators = [line for line in indicator_lines if "主要经济指标 |" in line]
    assert len(baoshan_indicators) == 7 + 2 + 1 + 1  # rows 1-7; rows 3, 4, 6 have 3, 2, 2 parts
    assert "| （一）重点转型区域类项目（6项） |  |  |  |" in text.splitlines()
    assert "| 7 | 轨交18号线二期工程宝山段 | 15.65 | 推进建设 |" in text.splitlines()
    assert "| 合计 |  | 101.94 |  |" in text.splitlines()
    assert "| 南大智慧城 | 加速推进丰翔路TOD一期" in text


def test_csv_sections_parse_back(both):
    rows = list(csv.reader(io.StringIO(render_tables(both, "csv"))))
    sections, current = [], []
    for row in rows:
        if row:
            current.append(row)
        else:
            sections.append(current)
            current = []
    sections.append(current)
    assert len(sections) == 8
    indicators = sections[0]
    assert indicators[0] == [
        "文档",
        "表",
        "序号",
        "类别",
        "指标",
        "计量单位",
        "2023年完成指标值",
        "2023年完成比上年增长",
        "2024年目标指标值",
        "2024年目标比上年增长",
        "备注",
    ]
    assert len(indicators) == 1 + 25 + 8  # header, rows, extra lines of compound rows
    assert indicators[4][2:] == [
        "3",
        "主要经济指标",
        "产业类投资额",
        "亿元",
        "150亿元",
        "",
        "200亿元",
        "",
        NOTE_TEXT,
    ]
    projects = sections[1]
    assert projects[0][2:] == ["分组", "序号", "项目名称", "投资总额（亿元）", "目标"]
    assert projects[14][2:] == [
        "（三）城市生态治理类项目（2项）",
        "14",
        "城市公园（逸仙公园、国阅绿地、美兰西湖公园）",
        "2.00",
        "基本竣工",
    ]
    assert projects[-1][2:] == ["", "", "合计", "101.94", ""]
    assert sections[4][1][:3] == [
        "嘉定区2025年计划",
        "表1：2025年嘉定区国民经济和社会发展主要指标",
        "1",
    ]


def test_json_carries_every_indicator_field(both):
    data = json.loads(render_tables(both, "json"))
    assert [item["document"] for item in data] == ["宝山区2024年计划", "嘉定区2025年计划"]
    row = data[0]["tables"]["indicators"][0]["rows"][2]
    assert {
        "seq",
        "category",
        "name",
        "unit",
        "result_value",
        "result_growth",
        "target_value",
        "target_growth",
        "note",
        "raw",
        "parts",
    } <= set(row)
    assert row["parts"][1] == {
        "name": "产业类投资额",
        "unit": "亿元",
        "result_value": "150亿元",
        "result_growth": "",
        "target_value": "200亿元",
        "target_growth": "",
        "note": NOTE_TEXT,
    }
    assert data[0]["tables"]["projects"][0]["total"]["investment"] == "101.94"
    assert "产业类投资额" in render_tables(both, "json")  # ensure_ascii=False


def test_unknown_format_is_refused(both):
    with pytest.raises(ValueError, match="md, csv, json"):
        render_tables(both, "xlsx")
