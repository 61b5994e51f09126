"""The time of every passage, and targets and results written in prose, on real reports."""

from __future__ import annotations

import pytest

from assistant.ingest.figures import read_figures
from assistant.ingest.load import load_document
from assistant.ingest.structure import parse_document
from assistant.ingest.timing import DocumentYears, heading_time, sentence_time
from assistant.query.normalise import normalise
from assistant.query.tabular import _with_thing_named_before
from assistant.records import Paragraph, PassageTime, Span, TimeKind
from assistant.scale import extract_reports
from tests.conftest import service_over

YEARS = DocumentYears(2024, 2025)
PLAN = PassageTime(TimeKind.PLAN, 2025)
RESULT = PassageTime(TimeKind.RESULT, 2024)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    paths = extract_reports(tmp_path_factory.mktemp("reports"), ("北京市", "福建省", "四川省"))
    return {region: parse_document(load_document(path)) for region, path in paths.items()}


@pytest.mark.parametrize(
    ("heading", "kind", "year"),
    [
        ("一、2024年工作回顾", TimeKind.RESULT, 2024),
        ("一、过去一年工作回顾", TimeKind.RESULT, 2024),
        ("二、2025年工作总体要求和重点任务", TimeKind.PLAN, 2025),
        ("2025年工作安排建议", TimeKind.PLAN, 2025),
        ("二、关于2025年工作", TimeKind.PLAN, 2025),
    ],
)
def test_chapter_headings_say_their_time(heading, kind, year):
    time = heading_time(heading, YEARS)
    assert (time.kind, time.year) == (kind, year)


def test_a_task_heading_inside_the_plan_is_not_a_review():
    assert heading_time("（十）推进美丽中国先行区建设取得新成效", YEARS, chapter=False) is None


@pytest.mark.parametrize(
    ("sentence", "inherited", "kind", "year", "estimate"),
    [
        ("预计全市地区生产总值增长5.2%左右。", PLAN, TimeKind.RESULT, 2024, True),
        (
            "今年经济社会发展主要预期目标是：地区生产总值增长5%左右。",
            RESULT,
            TimeKind.PLAN,
            2025,
            False,
        ),
        ("力争到2030年建成10个万亿级产业集群。", PLAN, TimeKind.HORIZON, 2030, False),
        ("力争2027年建成6个万亿级产业。", PLAN, TimeKind.HORIZON, 2027, False),
        ("“十四五”以来累计建成高速公路1000公里。", RESULT, TimeKind.SPAN, 2024, False),
        # 「较上年」 compares with last year; it does not speak of it.
        ("力争工商业电价较上年下降3分/千瓦时以上。", PLAN, TimeKind.PLAN, 2025, False),
        ("深化改革开放。", RESULT, TimeKind.RESULT, 2024, False),
        # What a plan chapter says is already so is no target.
        ("我省光伏、储能已入选国家级先进制造业集群。", PLAN, TimeKind.RESULT, 2024, False),
        ("力争明年入选国家级先进制造业集群。", PLAN, TimeKind.PLAN, 2025, False),
        # A year before the results year that opens a clause dates what follows; a year that
        # names an award (「2022年度」) or a base (「比2020年」) does not.
        (
            "经第五次经济普查修订，全市共增加800亿元，2023年达到2.1万亿元。",
            RESULT,
            TimeKind.RESULT,
            2023,
            False,
        ),
        ("荣获2022年度国家科学技术奖3项。", RESULT, TimeKind.RESULT, 2024, False),
        ("全市经济总量比2020年翻一番。", RESULT, TimeKind.RESULT, 2024, False),
        # Years counted back from now: a span up to the results year, wherever it is said.
        ("60年来，经济总量翻了七番以上。", PLAN, TimeKind.SPAN, 2024, False),
        ("十年来，城乡面貌焕然一新。", PLAN, TimeKind.SPAN, 2024, False),
        ("一年来，我们攻坚克难。", PLAN, TimeKind.RESULT, 2024, False),
    ],
)
def test_a_sentence_refines_its_chapter(sentence, inherited, kind, year, estimate):
    time = sentence_time(sentence, inherited, YEARS)
    assert (time.kind, time.year, time.estimate) == (kind, year, estimate)


def test_years_counted_back_start_that_many_years_before():
    assert sentence_time("60年来，经济总量翻了七番以上。", PLAN, YEARS).start == 1965
    assert sentence_time("二十三年来，累计建成1000公里。", PLAN, YEARS).start == 2002


def test_chapters_take_their_time_from_headings_and_order(reports):
    beijing = reports["北京市"]
    review = next(p for p in beijing.paragraphs if p.text.startswith("过去一年，在以习近平"))
    green = next(p for p in beijing.paragraphs if "外调绿电规模力争达到400亿千瓦时" in p.text)
    assert (review.time.kind, review.time.year) == (TimeKind.RESULT, 2024)
    assert (green.time.kind, green.time.year) == (TimeKind.PLAN, 2025)
    # 福建's chapters carry no year: the first reviews, the later ones plan.
    fujian = reports["福建省"]
    assert next(p for p in fujian.paragraphs if p.section).time.kind is TimeKind.RESULT
    assert fujian.paragraphs[-1].time.kind is TimeKind.PLAN
    # 四川's chapters are unnumbered lines: 「2024年工作回顾」「2025年工作安排建议」.
    sichuan = reports["四川省"]
    assert {p.time.kind for p in sichuan.paragraphs} >= {TimeKind.RESULT, TimeKind.PLAN}


def _figures(reports, region):
    return {(f.name, f.time.kind, f.time.year): f for f in reports[region].tables.figures}


def test_targets_and_results_become_typed_records(reports):
    beijing = _figures(reports, "北京市")
    target = beijing[("地区生产总值", TimeKind.PLAN, 2025)]
    result = beijing[("地区生产总值", TimeKind.RESULT, 2024)]
    assert (target.value, target.qualifier, target.kind) == ("增长5%左右", "左右", "目标")
    assert (result.value, result.kind) == ("增长5.2%左右", "预计")
    unemployment = beijing[("城镇调查失业率", TimeKind.PLAN, 2025)]
    assert unemployment.value == "控制在5%以内"
    income = beijing[("居民收入", TimeKind.PLAN, 2025)]
    assert income.value == "增长与经济增长同步"  # a target without a number, in the target list


def test_figures_keep_ranges_lists_and_their_clause(reports):
    fujian = _figures(reports, "福建省")
    assert fujian[("地区生产总值", TimeKind.PLAN, 2025)].value == "增长5.0%—5.5%"
    incomes = fujian[("城镇居民、农村居民人均可支配收入", TimeKind.RESULT, 2024)]
    assert incomes.value == "分别增长4.6%、6.7%"
    paragraph_texts = "\n".join(p.text for p in reports["福建省"].paragraphs)
    assert all(f.clause in paragraph_texts for f in reports["福建省"].tables.figures)


def stated(text: str, time: PassageTime) -> tuple:
    """The figures read from one paragraph of a chapter of that time."""
    return read_figures([Paragraph(text, ("一、章",), Span(0, len(text)), (), time)], YEARS)


def values_of(text: str, time: PassageTime = PLAN) -> dict[str, str]:
    return {f.name: f.value for f in stated(text, time)}


def test_two_indicators_in_one_clause_and_a_generic_name():
    text = (
        "预计全省研发经费支出约5100亿元、研发投入强度3.6%左右，"
        "地区生产总值增长5.8%，总量达到60013亿元。"
    )
    found = values_of(text, RESULT)
    assert found["研发经费支出"] == "约5100亿元"
    assert found["研发投入强度"] == "3.6%左右"
    assert found["地区生产总值总量"] == "达到60013亿元"
    # A clause counting objects named after the figure is left to the sentence.
    assert stated("建成2个国家级平台。", PLAN) == ()


def test_one_indicator_across_documents_as_csv(tmp_path, capsys):
    """`python -m assistant tables --indicator GDP`: each document's target and result rows."""
    import csv
    import io
    import shutil

    from assistant.cli import main
    from tests.conftest import PLAN

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in extract_reports(tmp_path / "reports", ("北京市", "江苏省")).values():
        shutil.copy(path, corpus / path.name)
    shutil.copy(PLAN, corpus / PLAN.name)
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    assert main(["tables", "--indicator", "GDP", *where]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:6] == ["文件", "地点", "层级", "年份", "类型", "指标"]
    found = {(row[1], row[3], row[4]): row[6] for row in rows[1:]}
    assert found[("北京市", "2025", "目标")] == "增长5%左右"
    assert found[("北京市", "2024", "预计")] == "增长5.2%左右"
    assert found[("江苏省", "2025", "目标")] == "增长5%以上"
    assert found[("宝山区", "2024", "目标")] == "可比增长5%左右，与全市保持同步"
    assert all(row[5].endswith("生产总值") for row in rows[1:])  # not 单位地区生产总值能耗
    assert main(["tables", "--indicator", "人均寿命指数", *where]) == 1


def test_each_item_of_a_respectively_list_is_its_own_figure():
    text = "全年城镇、农村居民人均可支配收入分别增长4.8%、7%左右，进出口、出口分别增长3%、5%以上。"
    found = {(f.name, f.value, f.qualifier) for f in stated(text, PLAN)}
    assert ("城镇居民人均可支配收入", "增长4.8%", "") in found
    assert ("农村居民人均可支配收入", "增长7%左右", "左右") in found
    assert ("出口", "增长5%以上", "以上") in found
    assert ("城镇、农村居民人均可支配收入", "分别增长4.8%、7%左右") in {f[:2] for f in found}


def test_the_items_of_a_respectively_list_may_be_joined_by_he():
    text = "城镇和农村居民人均可支配收入分别增长4.3%和7.1%，城镇调查失业率5.5%。"
    found = {(f.name, f.value) for f in stated(text, RESULT)}
    assert ("城镇居民人均可支配收入", "增长4.3%") in found
    assert ("农村居民人均可支配收入", "增长7.1%") in found


def test_items_closed_by_deng_and_an_adverb_before_the_verb():
    text = "光伏、储能等新兴产业营收分别增长12.5%、30%，粮食、蔬菜产量均增长2%。"
    found = {(f.name, f.value) for f in stated(text, RESULT)}
    # not 「储能等新兴产业营收」
    assert ("光伏", "增长12.5%") in found and ("储能", "增长30%") in found
    assert ("粮食、蔬菜产量", "均增长2%") in found  # 均 goes with the verb, not the name


def test_a_clause_opening_with_fenbie_gives_each_name_before_it_its_figure():
    text = "港口货物吞吐量达到6.1亿吨，集装箱吞吐量超900万标箱，分别增长3.2%和7.5%，居全国前列。"
    found = {(f.name, f.value, f.clause) for f in stated(text, RESULT)}
    whole = "港口货物吞吐量达到6.1亿吨，集装箱吞吐量超900万标箱，分别增长3.2%和7.5%"
    assert ("港口货物吞吐量", "增长3.2%", whole) in found
    assert ("集装箱吞吐量", "增长7.5%", whole[whole.index("集装箱") :]) in found
    assert not any(value.startswith("分别") for _, value, _ in found)  # no record of one figure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 「城乡」 names two groups, each given its figure in order.
        (
            "全省城乡居民人均可支配收入分别增长4.9%、6.2%。",
            {("城镇居民人均可支配收入", "增长4.9%"), ("农村居民人均可支配收入", "增长6.2%")},
        ),
        # 「均」 gives every name before it the same figure.
        (
            "粮食产量达到300亿斤，油料产量超50万吨，均增长2%。",
            {("粮食产量", "增长2%"), ("油料产量", "增长2%")},
        ),
        # The items of one clause before 「分别」 take their figures too.
        (
            "招商引资签约金额1.2万亿元、到位资金7000亿元，分别增长13%、30%。",
            {("招商引资签约金额", "增长13%"), ("到位资金", "增长30%")},
        ),
    ],
)
def test_figures_stated_together_go_to_the_names_they_belong_to(text, expected):
    assert expected <= {(f.name, f.value) for f in stated(text, RESULT)}


def test_a_fenbie_clause_whose_figures_do_not_match_the_names_before_it_reads_none():
    text = "港口货物吞吐量达到6.1亿吨，集装箱吞吐量超900万标箱，分别增长3.2%、7.5%和1%。"
    assert {f.value for f in stated(text, RESULT)} == {"达到6.1亿吨", "超900万标箱"}


def test_a_bare_measure_after_a_verb_takes_the_subject_before_it():
    text = "实施市重点项目800个以上，完成投资2600亿元左右。"
    found = values_of(text)
    assert found["市重点项目"] == "800个以上"
    assert found["市重点项目投资"] == "2600亿元左右"


def test_a_bare_measure_replaces_the_measure_of_the_name_before_it():
    text = "全年油料种植面积500万亩、产量80万吨以上，一般公共预算收入增长3%、支出增长4%。"
    found = values_of(text)
    assert found["油料产量"] == "80万吨以上"
    assert found["一般公共预算支出"] == "增长4%"


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("第三个“两年行动”（2029—2030年），全面建成示范区；", 2030),
        ("用两年时间，建成数据中心5个。", 2026),
    ],
)
def test_a_later_range_or_a_duration_is_a_horizon(sentence, year):
    time = sentence_time(sentence, PLAN, YEARS)
    assert (time.kind, time.year) == (TimeKind.HORIZON, year)


def test_a_rank_after_a_figure_belongs_to_its_value():
    text = "全年新增高新技术企业3200家、居全国第4位，技术合同成交额增长12%。"
    found = values_of(text, RESULT)
    assert found["新增高新技术企业"] == "3200家、居全国第4位"
    assert found["技术合同成交额"] == "增长12%"


def test_a_second_figure_aimed_for_belongs_to_the_same_target():
    text = "主要预期目标是：规上工业增加值增长9%以上、争取达到10%，粮食产量稳定在600亿斤以上。"
    found = values_of(text)
    assert found["规上工业增加值"] == "增长9%以上、争取达到10%"
    assert "争取" not in found and found["粮食产量"] == "稳定在600亿斤以上"


def test_a_clause_of_a_verb_and_a_figure_continues_the_figure_before_it():
    text = "全年开行中欧班列增长9%，达到2300列、创历史新高，港口集装箱吞吐量增长6%。"
    found = [(f.name, f.value) for f in stated(text, RESULT)]
    assert ("开行中欧班列", "达到2300列") in found
    assert ("港口集装箱吞吐量", "增长6%") in found


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("年度各项任务圆满完成。", TimeKind.RESULT),
        ("全面开展验收评估，顺利完成综合试点验收。", TimeKind.PLAN),
    ],
)
def test_completing_with_an_object_is_a_task_and_without_one_a_result(sentence, kind):
    assert sentence_time(sentence, PLAN, YEARS).kind is kind


def test_a_clause_that_opens_with_the_results_year_dates_its_figure_inside_a_span():
    span = PassageTime(TimeKind.SPAN, 2024, start=2021)
    text = "“十四五”以来，全市规上工业产值连跨3个千亿台阶，2024年达到9000亿元、增长7%，居全国前列。"
    found = [(f.name, f.value, f.time.kind) for f in stated(text, span)]
    assert ("规上工业产值", "达到9000亿元、增长7%", TimeKind.RESULT) in found
    assert all(kind is TimeKind.RESULT for _, _, kind in found)  # 3个 is over the span


def test_an_increment_counted_before_its_thing_is_the_same_indicator():
    found = stated("养老服务不断完善，新增860张养老床位，新建9个社区食堂。", RESULT)
    named = {f.name: f for f in found}
    assert named["新增养老床位"].value == "860张"
    assert named["新增养老床位"].clause == "新增860张养老床位"  # the quote names what it counts
    assert named["新建社区食堂"].value == "9个"
    # Another verb than an increment keeps the thing counted to the sentence.
    assert stated("建成3家智慧养老院。", RESULT) == ()
    # Creating or growing a number of things adds them as 新增 does.
    found = {f.name: f.value for f in stated("新创建38个省级绿色工厂。", RESULT)}
    assert found == {"新创建省级绿色工厂": "38个"}
    assert values_of("培育30个省级和国家级绿色工厂。") == {"培育省级和国家级绿色工厂": "30个"}


def test_a_volume_in_cubic_metres_is_a_figure():
    assert values_of("修复退化草原50万亩，压减地下水开采量1.57亿立方米。") == {
        "修复退化草原": "50万亩",
        "压减地下水开采量": "1.57亿立方米",
    }


def test_a_clause_opening_with_an_earlier_year_dates_its_figure():
    found = stated("经过经济普查，全市共增加800亿元，2023年达到2.1万亿元，再上新台阶。", RESULT)
    years = {f.value: f.time.year for f in found}
    assert years["达到2.1万亿元"] == 2023


def test_a_change_without_a_subject_measures_the_topic_of_its_sentence():
    text = "顶住经济下行压力，三季度增长4.2%，全年增长4.9%、总量达4.1万亿元；粮食总产达500亿斤。"
    found = {f.name: (f.value, f.clause) for f in stated(text, RESULT)}
    assert found["经济增长"] == ("增长4.9%", "全年增长4.9%")
    assert found["经济总量"][0] == "达4.1万亿元"
    assert found["三季度"][0] == "增长4.2%"  # a part of the year keeps its own name
    # Without a topic the sentence names, a bare change is nobody's figure.
    assert "经济增长" not in values_of("企业稳步发展，全年增长4.9%。", RESULT)


CENSUS_REVISED = """政府工作报告
——2026年1月15日在临江市第十届人民代表大会第五次会议上
各位代表：
一、2025年工作回顾
过去一年，全市地区生产总值增长5.1%，总量达到9200亿元。城镇新增就业12万人。经过第五次全国经济\
普查，全市地区生产总值都有所增加，共增加310亿元，2024年达到8800亿元，再上新台阶。
农村劳动力转移就业95万人。地下水开采量压减0.3亿立方米。天然气产量超过16亿立方米，增长12.7%。
新改建农村公路10714公里。
全年进出口总额1200亿元，高技术制造业增加值增长8%。城西公园、滨江绿道和15个口袋公园向市民开放。
在滨海成功举办第二届临江国际论坛。新能源汽车产量增长43%、占全省1/4。算力总规模达到2万P。
城乡居民人均可支配收入分别达5.6万元和2.9万元，城乡居民收入比缩小至1.9∶1。
120个市重大项目累计完成投资800亿元，年度计划投资完成率105%。
滨海高铁全线开工，总投资200亿元的临江石化项目开工建设。东湖新机场获批立项，西港码头开工建设。
新承接产业转移项目约70个、总投资约50亿元。
固定资产投资增长4.2%。8类30件民生实事全部办结。完成棚户区改造1.2万户。
开发区工业增加值增速高于全市2.1个百分点，贡献了全市61.5%的工业增加值。
二、2026年工作安排
成绩来之不易。建市30年来，全市经济总量翻了三番以上。
今年经济社会发展主要预期目标是：地区生产总值增长5%左右，城镇新增就业11万人以上，居民消费价格保持\
合理水平。
今年将筹措资金120亿元以上，实施十件民生实事。
农村劳动力转移就业90万人，压减地下水开采量0.25亿立方米，新改建农村公路1万公里。
做好今年工作，要突出抓好三个方面。一是坚持稳中求进。把稳增长摆在更加突出的位置。二是坚持改革开放。持续优化营商环境。三是坚持守牢底线。防范化解重点领域风险。
全年实施亿元以上项目600个，投资增长6%左右。实施棚户区改造2万户。数字经济规模达到1500亿元以上。
开发区工业占比达到63%以上。免税购物销售额80亿元。粮菜种植面积分别稳定在300万亩、120万亩以上。
建成投运临电入沪工程，开工建设临电入浙工程。
力争算力规模突破5万P。开工建设滨江大桥、临港物流园和城北水厂等总投资80亿元以上的重大项目。支持整车企业扩量提质，力争整车产量20万辆、新能源汽车14万辆。加强妇幼健康服务，用3年时间补齐儿科短板。研发经费投入强度进一步提升，技术合同成交额300亿元以上。
"""


@pytest.fixture(scope="module")
def census_service(tmp_path_factory):
    return service_over(tmp_path_factory.mktemp("census"), {"report-2026.txt": CENSUS_REVISED})


def test_a_year_before_the_review_that_the_text_states_may_be_asked(census_service):
    answer = census_service.ask("临江2024年GDP是多少")
    assert not answer.refused and "8800亿元" in answer.answer, answer.answer
    assert [c.time for c in answer.citations] == ["2024年"]
    assert "2025年情况" not in answer.answer  # the review's year is not the sentence's
    # The year is stated for GDP only: another indicator of that year is not there.
    answer = census_service.ask("临江2024年城镇新增就业多少人")
    assert answer.refused and "未给出2024年" in answer.answer, answer.answer
    # A year the text never states is still not covered.
    assert "未找到2023年" in census_service.ask("临江2023年GDP是多少").answer


def test_a_target_without_a_figure_does_not_answer_how_much(census_service):
    answer = census_service.ask("临江今年CPI涨幅目标是多少")
    assert answer.refused and "保持合理水平" in answer.answer, answer.answer
    assert "未给出所问的数值" in answer.answer


def test_an_amount_is_said_with_what_it_is_for(census_service):
    answer = census_service.ask("临江今年办民生实事准备花多少钱")
    assert not answer.refused, answer.answer
    assert "筹措资金120亿元以上，实施十件民生实事" in answer.answer, answer.answer


def test_one_figure_asked_for_two_years_respectively(census_service):
    answer = census_service.ask("临江农村劳动力转移就业，2025年实际完成和2026年目标分别是多少？")
    assert not answer.refused, answer.answer
    assert "95万人" in answer.answer and "90万人" in answer.answer, answer.answer
    assert {c.time for c in answer.citations} == {"2025年", "2026年目标"}


def test_one_figure_of_two_years_compared(census_service):
    answer = census_service.ask("临江压减地下水开采量，今年的目标和去年的实际哪个多？")
    assert not answer.refused, answer.answer
    assert "0.25亿立方米" in answer.answer and "0.3亿立方米" in answer.answer, answer.answer
    assert "0.05亿立方米" in answer.answer  # the difference, computed and shown


def test_an_amount_is_said_with_its_change_right_after_it(census_service):
    answer = census_service.ask("临江2025年天然气产量多少？")
    assert "超过16亿立方米，增长12.7%" in answer.answer, answer.answer
    assert "12.7%" in census_service.ask("临江2025年天然气产量增长多少？").answer


def test_two_years_of_a_figure_in_two_magnitudes_are_compared_in_the_smaller(census_service):
    answer = census_service.ask("临江新改建农村公路，去年完成的和今年计划的相比哪个多？")
    assert "1万公里=10000公里" in answer.answer and "714公里" in answer.answer, answer.answer


def test_doublings_over_years_counted_back(census_service):
    answer = census_service.ask("临江建市30年来经济总量翻了几番？")
    assert not answer.refused and "翻了三番以上" in answer.answer, answer.answer
    assert [c.time for c in answer.citations] == ["1996—2025年"]


def test_things_counted_after_their_figure_are_named_by_what_they_count():
    # the kinds counted are part of the figure as written, and quoted with it
    assert values_of("年初确定的十大类44项民生实事全部完成。", RESULT) == {"民生实事": "十大类44项"}
    found = stated("年初确定的十大类44项民生实事全部完成。", RESULT)
    assert found[0].clause == "十大类44项民生实事全部完成"
    assert values_of("今年继续实施10大类55项民生实事。") == {"民生实事": "10大类55项"}
    assert values_of("今年我们将优化安排9类40件民生实事。") == {"民生实事": "9类40件"}
    found = stated("城西公园、滨江绿道和15个口袋公园向市民开放。", RESULT)
    named = [(f.name, f.value, f.clause) for f in found]
    assert named == [("口袋公园", "15个", "15个口袋公园向市民开放")]
    found = values_of("40万亩增发国债高标准农田项目率先完工。", RESULT)
    assert found == {"增发国债高标准农田项目": "40万亩"}
    # A clause opened by a figure that says nothing became of what it counts names nothing.
    assert values_of("3000吨级航道工程。") == {}


def test_the_items_a_sentence_announces_answer_which_they_are(census_service):
    answer = census_service.ask("临江今年要突出抓好哪三个方面？")
    assert not answer.refused, answer.answer
    for item in ("一是坚持稳中求进", "二是坚持改革开放", "三是坚持守牢底线"):
        assert item in answer.answer, answer.answer


def test_a_part_asked_of_a_target_is_not_the_whole_target(census_service):
    answer = census_service.ask("临江今年城镇新增就业目标中高校毕业生就业人数是多少？")
    assert answer.refused, answer.answer
    assert "11万人" in census_service.ask("临江今年城镇新增就业目标是多少？").answer


def test_a_duration_asked_as_the_text_counts_it_reaches_its_horizon(census_service):
    answer = census_service.ask("临江今年计划用3年时间补齐哪些短板？")
    assert not answer.refused and "儿科" in answer.answer, answer.answer


def test_a_figure_of_another_subject_in_the_indicators_sentence_does_not_answer(census_service):
    answer = census_service.ask("临江今年研发投入强度目标是多少？")
    assert answer.refused and "进一步提升" in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question", ["临江去年出口总额是多少？", "临江去年规模以上工业增加值增长多少？"]
)
def test_an_indicator_named_only_inside_another_is_not_stated(census_service, question):
    """「进出口总额」 holds no export figure; 高技术制造业 is not all 规模以上工业."""
    answer = census_service.ask(question)
    assert answer.refused, answer.answer
    assert "1200亿元" in census_service.ask("临江去年进出口总额是多少？").answer


def test_a_place_before_an_ordinal_is_no_numbered_name(census_service):
    """The masthead's 「临江市第十届」 makes no 「第二届」 asked after 临江市 a look-alike."""
    answer = census_service.ask("临江市第二届国际论坛在哪里举办的？")
    assert not answer.refused and "滨海" in answer.answer, answer.answer


def test_a_share_asked_beside_a_change_is_said_with_it(census_service):
    answer = census_service.ask("临江去年新能源汽车产量增长了多少，占全省多大比重？")
    assert "增长43%、占全省1/4" in answer.answer, answer.answer


def test_two_names_joined_after_a_year_are_each_asked_of_that_year(census_service):
    answer = census_service.ask("临江2026年汽车整车产量和新能源汽车产量力争达到多少？")
    assert "20万辆" in answer.answer and "14万辆" in answer.answer, answer.answer


def test_one_item_of_a_list_with_a_total_is_not_given_that_total(census_service):
    answer = census_service.ask("临江今年开工的滨江大桥投资多少？")
    assert answer.refused and "合计" in answer.answer, answer.answer
    assert "80亿元以上" in answer.answer, answer.answer
    answer = census_service.ask("临江今年开工的重大项目总投资多少？")
    assert not answer.refused and "80亿元以上" in answer.answer, answer.answer


def test_a_name_asked_without_its_zong_and_a_second_part_of_another_year(census_service):
    """「算力规模」 asks 「算力总规模」; the part refused alone (「未给出2026年」, citing the 2026
    figure) leaves that figure to the part that asks 2026."""
    answer = census_service.ask("临江算力规模去年是多少，今年力争达到多少？")
    assert "2万P" in answer.answer and "5万P" in answer.answer, answer.answer


def test_a_figure_after_things_counted_is_theirs_and_a_share_is_quoted_whole():
    found = {
        f.name: (f.value, f.clause) for f in stated("1593个省重点项目完成投资7295亿元。", RESULT)
    }
    assert found["省重点项目"][0] == "1593个"
    assert found["省重点项目投资"] == ("7295亿元", "1593个省重点项目完成投资7295亿元")
    found = stated("实现所有乡镇和90%以上行政村通硬化路。", PLAN)
    assert [f.clause for f in found] == ["所有乡镇和90%以上行政村通硬化路"]
    assert values_of("城乡居民收入比缩小至2.04∶1。", RESULT) == {"城乡居民收入比": "缩小至2.04∶1"}


def test_a_ratio_of_incomes_is_not_the_incomes(census_service):
    answer = census_service.ask("临江去年城乡居民收入比是多少？")
    assert "1.9∶1" in answer.answer, answer.answer


def test_a_figure_of_another_named_thing_does_not_answer_for_the_one_asked(census_service):
    """滨海高铁 is in the sentence, but 200亿元 is the 临江石化项目's; 东湖新机场 has none."""
    for question in ("临江滨海高铁总投资多少亿元？", "临江东湖新机场总投资多少亿元？"):
        answer = census_service.ask(question)
        assert answer.refused, answer.answer
    answer = census_service.ask("临江石化项目总投资多少？")
    assert not answer.refused and "200亿元" in answer.answer, answer.answer


def test_two_years_compared_asked_with_bi_qilai(census_service):
    answer = census_service.ask("临江压减地下水开采量，今年的目标和去年的实际比起来如何？")
    assert "0.25亿立方米" in answer.answer and "0.3亿立方米" in answer.answer, answer.answer


def test_both_sides_of_a_contrast_asked_with_a_ratio(census_service):
    answer = census_service.ask("临江去年城镇和农村居民人均可支配收入各是多少？城乡收入比呢？")
    for figure in ("5.6万元", "2.9万元", "1.9∶1"):
        assert figure in answer.answer, answer.answer
    assert "城镇新增就业" not in answer.answer  # 城镇 alone is no name asked


def test_a_rate_of_the_amounts_own_measure_is_said_with_it(census_service):
    answer = census_service.ask("临江120个市重大项目去年完成投资多少？")
    assert "800亿元，年度计划投资完成率105%" in answer.answer, answer.answer


def test_work_done_on_a_thing_names_the_figure_that_ends_its_clause():
    assert values_of("实施城中村改造6万户。") == {"城中村改造": "6万户"}
    found = values_of("新增家庭养老床位1万张、特殊困难家庭适老化改造1.5万户。")
    assert found == {"新增家庭养老床位": "1万张", "特殊困难家庭适老化改造": "1.5万户"}
    # an action whose objects follow the figure, or pressed on nothing named, names no figure
    assert values_of("累计建成2个。") == {}
    assert values_of("加快改造5000户。") == {}


def test_a_change_after_a_count_of_projects_is_not_theirs(census_service):
    found = values_of("全年实施重点项目300个，投资增长5%。")
    assert found == {"重点项目": "300个", "投资": "增长5%"}
    answer = census_service.ask("临江今年固投增长目标定的多少？")
    assert "6%左右" in answer.answer and "4.2%" not in answer.answer, answer.answer


def test_two_years_of_work_done_and_of_kinds_counted_compared(census_service):
    answer = census_service.ask("临江棚户区改造，今年的计划跟去年完成的比怎么样？")
    assert "2万户" in answer.answer and "1.2万户" in answer.answer, answer.answer
    answer = census_service.ask("临江今年的民生实事比去年少了几件？")
    assert "8类30件" in answer.answer, answer.answer


def test_a_quoted_pattern_with_a_placeholder_asks_the_names_written_there(census_service):
    answer = census_service.ask("临江今年要推进哪几条“临电入X”工程？")
    assert not answer.refused and "临电入沪" in answer.answer and "临电入浙" in answer.answer
    answer = census_service.ask("临江今年要推进“临江入X”工程吗？")
    assert answer.refused, answer.answer


def test_a_second_part_asking_how_the_report_arranges_it_adds_no_subject(census_service):
    answer = census_service.ask("临江跨海大桥今年会开工吗？临江政府工作报告怎么安排的")
    assert answer.refused, answer.answer


def test_a_share_of_the_documents_own_whole_and_a_contracted_list(census_service):
    answer = census_service.ask("临江开发区工业占全市的比重，去年是多少，今年目标是多少？")
    assert "61.5%" in answer.answer and "63%以上" in answer.answer, answer.answer
    answer = census_service.ask("临江今年蔬菜种植面积目标是多少")
    assert "120万亩" in answer.answer and not answer.refused, answer.answer


RESEARCH_AND_OUTPUT = """政府工作报告
——2026年1月12日在临江市第十届人民代表大会第五次会议上
一、2025年工作回顾
全市地区生产总值增长5.4%。全社会研发投入强度超过2.9%。新认定国家级绿色工厂12户。港口集装箱吞吐量增长6%。
二、2026年工作安排
今年主要预期目标是：地区生产总值增长5%左右，全社会研发投入强度达3%左右。
"""


def test_two_years_compared_are_of_the_indicator_asked_not_of_its_wordings(tmp_path):
    service = service_over(tmp_path, {"report-2026.txt": RESEARCH_AND_OUTPUT})
    answer = service.ask("临江今年研发投入强度目标比去年提高多少？")
    assert "3%左右" in answer.answer and "2.9%" in answer.answer, answer.answer
    assert "地区生产总值" not in answer.answer


def test_a_count_named_by_its_unit_is_not_answered_by_an_amount(census_service):
    answer = census_service.ask("临江今年免税购物人次目标是多少？")
    assert answer.refused and "80亿元" not in answer.answer.split("最接近")[0], answer.answer


def test_units_a_text_writes_for_the_one_asked_and_one_it_does_not(tmp_path):
    service = service_over(tmp_path, {"report-2026.txt": RESEARCH_AND_OUTPUT})
    answer = service.ask("临江去年新认定了多少家国家级绿色工厂？")
    assert "12户" in answer.answer and not answer.refused, answer.answer
    answer = service.ask("临江去年港口集装箱吞吐量是多少万标箱？")
    assert answer.refused, answer.answer


POWER_AND_PHASES = """政府工作报告
——2026年1月14日在临江市第十届人民代表大会第五次会议上
一、2025年工作回顾
全市发电超900亿度，外送电量310亿度、占全省12%。新材料产业产值增长21.5％。设立新兴产业专项资金，首期安排20亿元。
开放水平持续提升，滨江货运机场开通货运航线40条，货邮吞吐量达到30万吨。
外贸新动能加快培育。着力稳主体，外贸主体达到2100家、增长7.2％，跨境电商进出口增长60％，机电产品出口增长8.1％，占全部出口比重超过50％。
向市民承诺的十件实事全部完成，西部供水管网改造工程一期建成、惠及80万群众，“煤改气”二期工程圆满收官、3.5万户居民实现清洁取暖。全市普及率提高至80.5%，其中山区普及率71.2%。对东盟进出口额占全市的35.2%。
二、2026年工作安排
主要预期目标是：地区生产总值增长5%左右，发电量超1000亿度。
确保应届高校毕业生就业率93%以上、市外就业率15%以上。
实施西部供水管网改造二期工程、老旧小区改造等民生实事。
坚持尽力而为，安排资金60亿元，实施民生实事15项。
着眼产业升级，加快60个重大项目建设，年度投资300亿元以上。着眼城市更新，加快200个城市更新项目建设，\
年度投资450亿元以上。
实现农村自来水普及率96%、卫生厕所普及率88%左右。新建公共充电桩500个，新增建设和改造提升高标准农田30万亩以上。
申办第十八届全国运动会。加快滨海高铁和临港铁路建设。
"""


@pytest.fixture(scope="module")
def power_service(tmp_path_factory):
    return service_over(tmp_path_factory.mktemp("power"), {"report-2026.txt": POWER_AND_PHASES})


def test_electricity_in_du_and_a_sibling_name_stated_for_another_year(power_service):
    answer = power_service.ask("临江上一年的发电量有多少亿度")
    assert "超900亿度" in answer.answer, answer.answer
    # 外送电量 is stated for 2025 only: the 2026 发电量 is no answer for it
    answer = power_service.ask("临江今年电力外送电量目标定了多少亿度")
    assert answer.refused and "310亿度" in answer.answer, answer.answer
    assert "1000亿度" not in answer.answer


def test_a_full_width_percent_answers_for_a_percentage(power_service):
    answer = power_service.ask("临江上年新材料产业产值增长了百分之几")
    assert "21.5％" in answer.answer and not answer.refused, answer.answer


def test_a_name_the_question_writes_whole_beats_one_covering_more_of_its_words(power_service):
    answer = power_service.ask("临江今年对应届高校毕业生市外就业率有什么要求，是多少")
    assert "目标：市外就业率15%以上" in answer.answer, answer.answer
    assert "目标：应届高校毕业生就业率" not in answer.answer


def test_a_fund_is_a_named_thing_and_money_is_said_with_what_it_is_for(power_service):
    answer = power_service.ask("临江新兴产业专项资金第二期今年安排多少")
    assert answer.refused and "60亿元" not in answer.answer, answer.answer
    answer = power_service.ask("临江今年民生实事花多少钱")
    assert "60亿元" in answer.answer and not answer.refused, answer.answer


def test_a_generic_measure_is_of_what_its_sentence_is_about(power_service):
    answer = power_service.ask("临江今年城市更新项目的年度投资有多少")
    assert "450亿元以上" in answer.answer and "300亿元" not in answer.answer, answer.answer
    assert "着眼城市更新" in answer.citations[0].quote
    answer = power_service.ask("临江今年产业升级类项目和城市更新类项目，哪块年度投资更多？")
    assert "300亿元以上" in answer.answer and "450亿元以上" in answer.answer, answer.answer
    assert "低150亿元" in answer.answer, answer.answer


def test_a_thing_named_in_the_clause_before_a_figure_is_quoted_with_it(power_service):
    answer = power_service.ask("滨江货运机场上年货邮吞吐量达到多少")
    assert "30万吨" in answer.answer, answer.answer
    assert "滨江货运机场" in answer.citations[0].quote
    text = "开放水平持续提升，黄石棋盘洲港开通外贸航线12条，集装箱吞吐量达到40万标箱。"
    clause = "集装箱吞吐量达到40万标箱"
    asked = normalise("黄石棋盘洲港去年集装箱吞吐量多少", 2025)
    assert _with_thing_named_before(text, clause, clause, asked) == (
        "黄石棋盘洲港开通外贸航线12条，集装箱吞吐量达到40万标箱"
    )
    # a kind alone (港) names no thing; nor does a thing the question does not name
    other = normalise("去年港口集装箱吞吐量多少", 2025)
    assert _with_thing_named_before(text, clause, clause, other) == clause


def test_a_change_after_a_count_of_things_is_theirs(power_service):
    answer = power_service.ask("临江上年外贸进出口同比增长了百分之多少")
    assert answer.refused and "未能在文件中确认" in answer.answer, answer.answer


def test_a_part_compared_with_the_documents_whole(power_service):
    answer = power_service.ask("临江普及率，山区比全市低多少")
    assert "71.2%" in answer.answer and "80.5%" in answer.answer, answer.answer
    assert "35.2%" not in answer.answer


def test_a_phase_the_sentence_does_not_state_is_not_answered_by_another(power_service):
    answer = power_service.ask("西部供水管网改造二期工程总投资多少、能惠及多少群众？")
    assert answer.refused and "80万" not in answer.answer, answer.answer


def test_two_names_each_asked_and_a_verb_before_he_names_nothing(power_service):
    answer = power_service.ask("临江今年农村自来水普及率、卫生厕所普及率各要达到多少")
    assert "96%" in answer.answer and "88%左右" in answer.answer, answer.answer
    answer = power_service.ask("临江今年新建和改造提升高标准农田多少亩")
    assert "30万亩以上" in answer.answer and "500个" not in answer.answer, answer.answer


def test_short_names_of_games_and_things_of_two_kinds_joined(power_service):
    answer = power_service.ask("临江今年打算申办哪一届全运会")
    assert "第十八届全国运动会" in answer.answer, answer.answer
    answer = power_service.ask("临江今年要加快哪几条高铁和铁路的建设")
    assert not answer.refused and "临港铁路" in answer.answer, answer.answer
