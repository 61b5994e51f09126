"""Routing with several documents in one index: aliases, places inside places, two years of one
place, no place at all, and one indicator across documents. Real reports, real embedder."""

from __future__ import annotations

import re

import pytest

from assistant.indexer import build_index
from assistant.scale import extract_reports
from assistant.settings import Settings
from tests.conftest import SYNTHETIC

REGIONS = ("北京市", "内蒙古自治区", "广西")


def _year_before(text: str) -> str:
    """The synthetic 江北区 plan one year earlier, with another GDP target."""
    shifted = text.replace("2025", "2024").replace("2026", "2025")
    return shifted.replace("增长 5.5%左右", "增长 6.5%左右")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from assistant.service import AssistantService

    root = tmp_path_factory.mktemp("routing")
    corpus = root / "corpus"
    extract_reports(corpus, REGIONS)
    text = SYNTHETIC.read_text(encoding="utf-8")
    (corpus / "jiangbei-2026.txt").write_text(text, encoding="utf-8")
    (corpus / "jiangbei-2025.txt").write_text(_year_before(text), encoding="utf-8")
    settings = Settings.from_env(corpus_dir=corpus, index_dir=root / "index")
    build_index(settings)
    return AssistantService(settings)


def _places_cited(service, answer) -> set[str]:
    by_id = {d.meta.doc_id: d for d in service.documents}
    return {by_id[c.doc].meta.place for c in answer.citations}


def _sources_cited(service, answer) -> set[str]:
    by_id = {d.meta.doc_id: d for d in service.documents}
    return {by_id[c.doc].meta.source for c in answer.citations}


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("内蒙古今年GDP增长目标是多少？", "内蒙古自治区"),
        ("内蒙古自治区今年地区生产总值增长目标是多少", "内蒙古自治区"),
        ("广西今年GDP增长目标是多少", "广西壮族自治区"),
        ("广西壮族自治区今年GDP增长目标是多少", "广西壮族自治区"),
        # The full name goes whole: 「维吾尔/壮族自治区」 left over is no topic word.
        ("广西壮族自治区今年GDP目标", "广西壮族自治区"),
        ("广西壮族自治区今年固投增长目标是多少", "广西壮族自治区"),
        ("北京市今年GDP增长目标是多少", "北京市"),
        ("京2025年GDP增长目标是多少", "北京市"),
        # A city's nickname names it where no other place is named.
        ("首都今年城镇调查失业率要控制在多少以内", "北京市"),
    ],
)
def test_a_named_place_is_answered_from_its_own_document(service, question, place):
    answer = service.ask(question)
    assert not answer.refused, answer.answer
    assert _places_cited(service, answer) == {place}


@pytest.mark.parametrize(
    "question",
    ["杭州今年GDP增长目标是多少", "呼和浩特今年GDP增长目标是多少", "四平市今年GDP增长目标是多少"],
)
def test_a_place_with_no_document_of_its_own_is_refused(service, question):
    """杭州 lies in no indexed place; 呼和浩特 lies in 内蒙古, whose report is about the region."""
    answer = service.ask(question)
    assert answer.refused, answer.answer
    assert "本助手收录的文件为" in answer.answer


def test_this_year_is_the_newest_plan_of_a_place(service):
    answer = service.ask("江北区今年GDP目标是多少？")
    assert not answer.refused, answer.answer
    assert _sources_cited(service, answer) == {"jiangbei-2026.txt"}
    assert "5.5%左右" in answer.answer


def test_a_named_year_picks_that_years_plan(service):
    answer = service.ask("江北区2025年GDP目标是多少？")
    assert not answer.refused, answer.answer
    assert "jiangbei-2025.txt" in _sources_cited(service, answer)
    assert "6.5%左右" in answer.answer


def test_no_place_is_answered_from_the_best_three_documents(service):
    answer = service.ask("今年GDP增长目标是多少？")
    assert not answer.refused, answer.answer
    assert 2 <= len(_sources_cited(service, answer)) <= 3
    assert answer.answer.count("【") == len(_sources_cited(service, answer))
    assert re.search(r"另有\d+份文件", answer.answer)


def test_two_places_named_get_one_answer_each(service):
    answer = service.ask("北京和广西今年GDP增长目标分别是多少")
    assert _places_cited(service, answer) == {"北京市", "广西壮族自治区"}


def test_every_document_side_by_side(service):
    answer = service.ask("各省今年GDP增长目标是多少")
    assert {"北京市", "内蒙古自治区", "广西壮族自治区"} <= _places_cited(service, answer)
    assert "6%左右" in answer.answer  # 内蒙古


def test_which_places_state_a_figure(service):
    answer = service.ask("哪些省份今年GDP增长目标是5%左右？")
    assert _places_cited(service, answer) == {"北京市", "广西壮族自治区"}
    assert "内蒙古" not in answer.answer


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # Both targets are 「…左右」: the difference is about 1 point.
        ("北京和内蒙古今年GDP增长目标哪个高", "北京比内蒙古约低1个百分点（5 − 6 = -1）"),
        ("内蒙古今年GDP目标比广西高多少", "内蒙古比广西约高1个百分点（6 − 5 = 1）"),
        # 「哪个省」 between two places named picks one of them, not every report
        ("北京和内蒙古今年GDP增长目标，哪个省更高？", "北京比内蒙古约低1个百分点（5 − 6 = -1）"),
    ],
)
def test_two_places_compared_get_each_figure_and_the_difference(service, question, said):
    answer = service.ask(question)
    assert said in answer.answer, answer.answer
    assert len(_places_cited(service, answer)) == 2


def test_a_comparison_one_place_cannot_give_is_refused_with_what_each_says(service):
    """内蒙古 sets a 2025 unemployment target but gives no 2024 rate: nothing to compare."""
    answer = service.ask("内蒙古和北京去年城镇调查失业率谁更低？")
    assert answer.refused, answer.answer
    assert "未给出2024年" in answer.answer and "4.1%左右" in answer.answer, answer.answer


def test_a_comparison_one_place_says_nothing_of_is_refused_with_what_the_other_says(service):
    answer = service.ask("广西和北京今年粮食产量目标哪个高？")
    assert answer.refused, answer.answer
    assert "282亿斤左右" in answer.answer and "无法比较" in answer.answer, answer.answer


def test_a_city_asked_with_its_level_is_found_as_the_text_writes_it(service):
    answer = service.ask("广西南宁市机场国际货邮吞吐量去年增长了多少？")
    assert not answer.refused and "23.2%" in answer.answer, answer.answer


def test_each_of_two_places_answers_only_for_itself(service):
    answer = service.ask("北京与广西去年城镇新增就业分别多少")
    assert "29.9万人" in answer.answer and "40.5万人" in answer.answer, answer.answer
    assert len(answer.answer.splitlines()) == 2  # one line each, nothing of the other place


@pytest.mark.parametrize("question", ["桂2025年GDP增长目标是多少", "桂省今年GDP增长目标是多少"])
def test_a_one_character_province_name(service, question):
    answer = service.ask(question)
    assert _places_cited(service, answer) == {"广西壮族自治区"}


def test_a_nickname_beside_a_place_named_is_no_place_asked(service):
    answer = service.ask("内蒙古今年服务首都有什么举措")
    assert _places_cited(service, answer) <= {"内蒙古自治区"}, answer.answer
    if answer.refused:  # the report asked about is the one named first
        assert answer.answer.index("内蒙古") < answer.answer.index("北京"), answer.answer


def test_a_partner_place_is_not_a_place_asked(service):
    answer = service.ask("广西今年和北京合作的项目有哪些")
    assert _places_cited(service, answer) <= {"广西壮族自治区"}, answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("广西污染防治攻坚战考核连续几年拿到优秀", "连续两年"),  # a count in words answers 几年
        ("龙江今年GDP增长目标是多少", None),  # 龙江: not a place of these three reports
    ],
)
def test_counts_in_words_and_common_names_of_a_province(service, question, expected):
    answer = service.ask(question)
    if expected:
        assert expected in answer.answer, answer.answer
    else:
        assert answer.refused, answer.answer


def test_the_report_says_when_and_where_it_was_delivered(service):
    answer = service.ask("北京的政府工作报告是哪天、在哪次会议上作的？")
    assert "2025年1月14日" in answer.answer and "第三次会议" in answer.answer, answer.answer
    assert _places_cited(service, answer) == {"北京市"}


def test_a_short_opening_line_that_names_the_speaker_is_quoted(service):
    # 「——2025年1月14日自治区人民政府主席王莉霞在…会议上的讲话」: shorter than body text, so
    # kept as a dated line of the document's own, not dropped as masthead furniture.
    for question in ("内蒙古政府工作报告是哪天作的？", "内蒙古的报告是哪天在人代会上作的？"):
        answer = service.ask(question)
        assert not answer.refused and "2025年1月14日" in answer.answer, answer.answer
        assert _places_cited(service, answer) == {"内蒙古自治区"}


@pytest.mark.parametrize("scene", ["我住北海", "住在北海老城区"])
def test_a_city_where_the_asker_lives_only_sets_the_scene(service, scene):
    answer = service.ask(f"{scene}，想知道广西今年GDP增长目标是多少？")
    assert not answer.refused and "5%左右" in answer.answer, answer.answer
    assert _places_cited(service, answer) == {"广西壮族自治区"}
    # Asked about the city itself, it is still a place the report gives no figure for.
    assert service.ask("我住北海，北海今年GDP增长目标是多少？").refused


@pytest.mark.parametrize("verb", ["提到", "说到", "写到"])
def test_a_city_the_report_is_asked_to_mention_is_the_place_asked(service, verb):
    # 「到」 in 「提到北海市」 ends no route: 北海 is asked, and the report has no figure for it.
    answer = service.ask(f"广西的报告里有没有{verb}北海市去年的GDP是多少？")
    assert answer.refused and "北海" in answer.answer, answer.answer


def test_left_without_the_askers_situation_a_question_must_still_ask_a_figure_or_aim(service):
    # 「要准备哪些材料」 alone would list 北京's 新材料 industries.
    answer = service.ask("我在北京租房想提取公积金，要准备哪些材料？")
    assert answer.refused and "新材料" not in answer.answer, answer.answer


@pytest.mark.parametrize("nickname", ["津门", "津城", "蜀地", "天府之国"])
def test_a_classical_name_of_a_place_not_indexed_is_refused(service, nickname):
    answer = service.ask(f"{nickname}今年CPI涨幅控制在多少左右？")
    assert answer.refused and nickname in answer.answer, answer.answer  # not 北京's CPI target
    assert not answer.citations


def test_the_second_group_compared_borrows_the_first_ones_measure(service):
    answer = service.ask("广西去年城镇居民人均可支配收入增速跟农村居民比，是快还是慢？")
    assert "4.3%" in answer.answer and "7.1%" in answer.answer, answer.answer
    assert "7.6%" not in answer.answer, answer.answer  # 脱贫地区's income is another group


@pytest.mark.parametrize(
    "question", ["2024年桂第二产业和第三产业增加值各增长多少", "去年桂的城镇调查失业率是多少"]
)
def test_a_one_character_name_right_after_a_year(service, question):
    answer = service.ask(question)
    assert _places_cited(service, answer) == {"广西壮族自治区"}, answer.answer


def test_an_everyday_word_after_a_year_is_no_place(service):
    answer = service.ask("内蒙古今年新的举措有哪些")  # 新 is not 新疆 here
    assert _places_cited(service, answer) <= {"内蒙古自治区"}, answer.answer


def test_asking_what_the_report_says_adds_no_question(service):
    answer = service.ask("北京今年城镇新增就业目标是多少？北京的报告里怎么说的？")
    assert "26万人" in answer.answer, answer.answer
    assert all(c.time.startswith("2025") for c in answer.citations), answer.citations


def test_a_retiree_asks_whether_pensions_go_up(service):
    answer = service.ask("我是广西的企业退休职工，今年养老金会不会涨啊？")
    assert "基本养老金" in answer.answer, answer.answer


def test_a_counted_name_is_told_by_the_items_listed_before_it(service):
    answer = service.ask("内蒙古的两大乳企是哪两个？")  # 「支持伊利、蒙牛两大乳企推进…」
    assert "伊利" in answer.answer and "蒙牛" in answer.answer, answer.answer


@pytest.mark.parametrize("name", ["GDP", "地区生产总值"])
def test_an_amount_asked_of_a_target_set_as_growth_says_the_growth_target(service, name):
    """北京 sets its 2025 GDP target as growth only: the refusal gives that target, not 2024's
    estimate as if the year were missing."""
    answer = service.ask(f"北京今年{name}目标多少亿元")
    assert answer.refused and "2025年" in answer.answer and "5%左右" in answer.answer, answer.answer
    assert "5.2%" not in answer.answer


def test_an_amount_compared_is_never_a_growth_rate(service):
    # 「经济总量」 asks an amount; 广西's report gives its GDP growth only.
    answer = service.ask("内蒙古和广西去年经济总量哪个大")
    assert "2.6万亿元" in answer.answer and "个百分点" not in answer.answer, answer.answer


def test_figures_in_two_magnitudes_of_one_unit_are_compared_in_the_smaller():
    from assistant.query.tabular import _in_one_magnitude

    compared, written, (conversion,) = _in_one_magnitude(
        "生产总值6.36万亿元、增长5.1%", "达到64697亿元"
    )
    assert compared == (("63600", "亿元"), ("64697", "亿元"))
    assert written == (("6.36", "万亿元"), ("64697", "亿元"))
    assert (conversion.result, conversion.operands) == ("63600", ("6.36",))
