"""Document facts read from real layouts: 31 work reports, the bundled plan, web-page furniture."""

from __future__ import annotations

import pytest

from assistant.ingest.clean import clean_text
from assistant.ingest.facts import document_id, is_furniture, read_facts
from assistant.ingest.load import load_document
from assistant.places import PlaceReader, by_code, resolve
from assistant.records import DocumentKind, DocumentMeta
from assistant.scale import extract_reports
from assistant.script import looks_traditional
from tests.conftest import PLAN

# Region as the file names it → (first line of the report, the division's full name, its level).
REPORTS = {
    "上海市": ("2025年上海市政府工作报告", "上海市", "直辖市"),
    "云南省": ("2025年云南省政府工作报告", "云南省", "省"),
    "内蒙古自治区": ("2025年内蒙古自治区政府工作报告", "内蒙古自治区", "自治区"),
    "北京市": ("2025年北京市政府工作报告", "北京市", "直辖市"),
    "吉林省": ("2025年吉林省政府工作报告", "吉林省", "省"),
    "四川省": ("2025年四川省政府工作报告", "四川省", "省"),
    "天津市": ("2025年天津市政府工作报告", "天津市", "直辖市"),
    "宁夏": ("2025年宁夏政府工作报告", "宁夏回族自治区", "自治区"),
    "安徽省": ("2025年安徽省政府工作报告", "安徽省", "省"),
    "山东省": ("2025年山东省政府工作报告", "山东省", "省"),
    "山西省": ("2025年山西省政府工作报告", "山西省", "省"),
    "广东省": ("2025年广东省政府工作报告", "广东省", "省"),
    "广西": ("2025年广西政府工作报告", "广西壮族自治区", "自治区"),
    "新疆": ("2025年新疆政府工作报告", "新疆维吾尔自治区", "自治区"),
    "江苏省": ("2025年江苏省政府工作报告", "江苏省", "省"),
    "江西省": ("2025年江西省政府工作报告", "江西省", "省"),
    "河北省": ("2025年河北省政府工作报告", "河北省", "省"),
    "河南省": ("2025年河南省政府工作报告", "河南省", "省"),
    "浙江省": ("2025年浙江省政府工作报告", "浙江省", "省"),
    "海南省": ("2025年海南省政府工作报告", "海南省", "省"),
    "湖北省": ("2025年湖北省政府工作报告", "湖北省", "省"),
    "湖南省": ("2025年湖南省政府工作报告", "湖南省", "省"),
    "甘肃省": ("2025年甘肃省政府工作报告", "甘肃省", "省"),
    "福建省": ("2025年福建省政府工作报告", "福建省", "省"),
    "西藏": ("2025年西藏政府工作报告", "西藏自治区", "自治区"),
    "贵州省": ("2025年贵州省政府工作报告", "贵州省", "省"),
    "辽宁省": ("2025年辽宁省政府工作报告", "辽宁省", "省"),
    "重庆市": ("2025年重庆市政府工作报告", "重庆市", "直辖市"),
    "陕西省": ("2025年陕西省政府工作报告", "陕西省", "省"),
    "青海省": ("2025年青海省政府工作报告", "青海省", "省"),
    "黑龙江省": ("2025年黑龙江省政府工作报告", "黑龙江省", "省"),
}

PLAN_TITLE = (
    "关于下达《宝山区2023年国民经济和社会发展计划执行情况与2024年国民经济和社会发展计划》的通知"
)

# A page saved from a news site: toolbar, source, caption, related links and a date line come
# before a title that names no kind of document, so only skipping the furniture finds it.
NEWS_PAGE = """下载 打印 全屏 收藏 【字号：大 中 小】

来源：某某日报

图为会议现场（新华社记者 张三 摄）

相关报道

2025年1月15日 08:30

关于进一步优化营商环境的若干措施

各区人民政府，市政府各委、办、局：

为进一步优化营商环境，现提出如下措施。

责任编辑：李四
"""

# A report reposted by another province's paper, with a toolbar written without spaces, a
# delivery line, a speaker line and a government that does not name its region.
REPOSTED_REPORT = """下载打印全屏收藏【字号：

来源：某某日报

新华社记者 王五 摄

2025年宁夏政府工作报告

——2025年1月19日在宁夏回族自治区第十三届人民代表大会第三次会议上

自治区主席某某某

各位代表：

现在，我代表自治区人民政府向大会报告工作，请予审议。

一、2024年工作回顾

二、2025年目标任务
"""

NO_FACTS = """关于做好信息公开工作的通知

各单位：

请按照有关要求，认真做好信息公开工作，及时报送相关材料。

特此通知。
"""


def facts_of(text: str, source: str = "page.txt") -> DocumentMeta:
    return read_facts(clean_text(text), source, "0" * 64)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, DocumentMeta]:
    found = {}
    for region, path in extract_reports(tmp_path_factory.mktemp("reports")).items():
        loaded = load_document(path)
        found[region] = read_facts(clean_text(loaded.text), loaded.source, loaded.content_hash)
    return found


def test_every_report_is_in_the_table(reports):
    assert sorted(reports) == sorted(REPORTS)


@pytest.mark.parametrize("region", sorted(REPORTS))
def test_report_facts(reports, region):
    title, place, level = REPORTS[region]
    meta = reports[region]
    assert meta.title == title
    assert (meta.place, meta.place_level) == (place, level)
    assert by_code()[meta.place_code].name == place
    assert meta.issuer == f"{place}人民政府"
    assert meta.kind is DocumentKind.WORK_REPORT
    assert (meta.results_year, meta.plan_year) == (2024, 2025)
    assert meta.date.startswith("2025年1月")


def test_only_a_document_in_traditional_characters_is_folded(tmp_path):
    from opencc import OpenCC

    texts = [load_document(p).text for p in extract_reports(tmp_path).values()]
    texts.append(PLAN.read_text(encoding="utf-8"))
    assert not any(looks_traditional(text) for text in texts)
    assert all(looks_traditional(OpenCC("s2t").convert(text[:3000])) for text in texts)


def test_report_without_dated_chapters_takes_its_years_from_the_title(reports):
    # 福建's chapters are 「一、牢记殷殷嘱托…」: no year in any heading.
    assert (reports["福建省"].results_year, reports["福建省"].plan_year) == (2024, 2025)


def test_the_bundled_plan():
    loaded = load_document(PLAN)
    meta = read_facts(clean_text(loaded.text), loaded.source, loaded.content_hash)
    assert meta.title == PLAN_TITLE
    assert (meta.place, meta.place_code, meta.place_level) == ("宝山区", "310113", "区")
    assert meta.kind is DocumentKind.PLAN
    assert (meta.results_year, meta.plan_year) == (2023, 2024)
    assert meta.issuer == "上海市宝山区发展和改革委员会"
    assert meta.number == "宝发改规〔2024〕1号"
    assert meta.date == "2024年2月26日"
    assert meta.dates[:2] == ("2024年2月26日", "2024年02月29日")
    assert meta.doc_id == "baoshan-2024-plan"


def test_a_news_page_yields_the_real_title_past_its_furniture():
    meta = facts_of(NEWS_PAGE)
    assert meta.title == "关于进一步优化营商环境的若干措施"
    assert meta.kind is DocumentKind.OTHER
    # A dated news page is no yearly plan: its date gives it no results or plan year.
    assert (meta.results_year, meta.plan_year) == (None, None)


def test_a_reposted_report_is_read_past_the_other_papers_masthead():
    meta = facts_of(REPOSTED_REPORT)
    assert meta.title == "2025年宁夏政府工作报告"
    assert (meta.place, meta.place_code, meta.place_level) == ("宁夏回族自治区", "640000", "自治区")
    assert meta.issuer == "宁夏回族自治区人民政府"
    assert meta.date == "2025年1月19日"
    assert (meta.results_year, meta.plan_year) == (2024, 2025)


def test_a_text_without_place_or_years_says_so():
    meta = facts_of(NO_FACTS, "notice.txt")
    assert meta.title == "关于做好信息公开工作的通知"
    assert (meta.place, meta.place_code, meta.place_level) == ("", "", "")
    assert (meta.results_year, meta.plan_year) == (None, None)
    assert (meta.issuer, meta.number, meta.date, meta.dates) == ("", "", "", ())
    assert meta.kind is DocumentKind.OTHER


@pytest.mark.parametrize(
    "line",
    [
        "下载 打印 全屏 收藏 【字号：大 中 小】",
        "下载打印全屏收藏【字号：",
        "来源：解放日报",
        "来源:南方日报",
        "图为会议现场。",
        "（新华社记者 张三 摄）",
        "相关报道",
        "（责任编辑：张三）",
    ],
)
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line", ["2025年北京市政府工作报告", PLAN_TITLE, "各位代表：", "一、2024年工作回顾"]
)
def test_document_lines_are_not_furniture(line):
    assert not is_furniture(line)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("2025年1月14日\n\n（二）深入落实城市总体规划\n\n某某市年度工作要点", "某某市年度工作要点"),
        ("各位代表：\n\n——2025年1月19日在某某会议上\n\n2025年某某工作报告", "2025年某某工作报告"),
        ("四川省人民政府省长施小琳\n\n关于某某事项的通知", "关于某某事项的通知"),
    ],
)
def test_headings_dates_and_speakers_are_not_titles(text, title):
    assert facts_of(text).title == title


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("2025年北京市政府工作报告", DocumentKind.WORK_REPORT),
        (PLAN_TITLE, DocumentKind.PLAN),
        ("某某市国民经济和社会发展第十五个五年规划纲要", DocumentKind.FIVE_YEAR),
        ("关于进一步优化营商环境的若干措施", DocumentKind.OTHER),
    ],
)
def test_kind_is_read_from_the_title(title, kind):
    assert facts_of(title).kind is kind


def test_a_district_named_with_its_city_decides_between_namesakes():
    heilongjiang = facts_of("双鸭山市宝山区人民政府文件\n\n关于宝山区2025年计划的通知")
    shanghai = facts_of("上海市宝山区人民政府文件\n\n关于宝山区2025年计划的通知")
    assert (heilongjiang.place_code, shanghai.place_code) == ("230506", "310113")


def test_resolve_prefers_a_place_whose_parent_is_named_over_a_sibling_of_another():
    mention = PlaceReader().mentions("宝山区")[0]
    shanghai, jianshan = by_code()["310000"], by_code()["230502"]  # 尖山区: 230506's sibling
    assert resolve(mention, [jianshan, shanghai]).code == "310113"
    assert resolve(mention, [jianshan]).code == "230506"


def test_placeholder_rows_of_the_dataset_are_not_places():
    assert PlaceReader().mentions("全市辖区内") == []


def test_document_id():
    assert document_id("2025年北京市政府工作报告.docx") == "2025年北京市政府工作报告"
    assert document_id("a b/c.txt") == "a-b-c"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("苏今年社零目标", "江苏省"),
        ("请问豫2024年粮食产量", "河南省"),
        ("北京和桂今年GDP目标", "广西壮族自治区"),
        ("苏州今年GDP目标", "苏州市"),  # a word, not 苏 + 州
        ("龙江今年GDP目标", "黑龙江省"),
        ("全省新3个项目", ""),  # 新 after another character is no 新疆
        ("川渝合作", ""),  # 川 before another character is no 四川
    ],
)
def test_a_one_character_province_name_counts_only_where_it_stands_alone(text, place):
    names = {m.candidates[0].name for m in PlaceReader().mentions(text)}
    assert (place in names) if place else not names & {"新疆维吾尔自治区", "四川省"}
