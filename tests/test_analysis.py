"""The places a question names, read with the administrative-division data against the index."""

from __future__ import annotations

import pytest

from assistant.knowledge import DocumentKnowledge
from assistant.places import all_places, find_place, short_name
from assistant.query.analysis import analyse
from assistant.query.match import as_asked, coverage
from assistant.query.normalise import normalise
from assistant.query.scope import locates_a_thing, speaks_for
from assistant.records import DocumentKind, DocumentMeta, TableSet


def document(place: str, code: str, level: str, title: str = "") -> DocumentKnowledge:
    meta = DocumentMeta(
        doc_id=place,
        source=f"{place}.txt",
        content_hash=code,
        title=title,
        place=place,
        place_code=code,
        place_level=level,
        kind=DocumentKind.WORK_REPORT,
        results_year=2024,
        plan_year=2025,
    )
    return DocumentKnowledge(meta, TableSet())


BAOSHAN = document("宝山区", "310113", "区")
BEIJING = document("北京市", "110000", "直辖市")
INNER_MONGOLIA = document("内蒙古自治区", "150000", "自治区")
GUANGXI = document("广西壮族自治区", "450000", "自治区")


def never(phrase: str) -> bool:
    return False


def places(question: str, documents, mentioned=never):
    return analyse(question, documents, mentioned).places


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("北京今年GDP目标", BEIJING),
        ("北京市今年GDP目标", BEIJING),
        ("京今年GDP目标", BEIJING),
        ("内蒙古去年城镇新增就业", INNER_MONGOLIA),
        ("内蒙古自治区去年城镇新增就业", INNER_MONGOLIA),
        ("广西今年粮食产量目标", GUANGXI),
        ("广西壮族自治区今年粮食产量目标", GUANGXI),
        # A one-character name before 籍 or an indicator's short name, or after a written year.
        ("京籍运动员去年拿了几块金牌", BEIJING),
        ("2025年桂GDP增长目标", GUANGXI),
        ("桂社零今年增长多少", GUANGXI),
        # A common short form, and a province's classical name in a question.
        ("内蒙今年城镇新增就业目标", INNER_MONGOLIA),
        ("八桂大地今年粮食产量目标", GUANGXI),
        # A one-character name opening a question as a word of its own.
        ("蒙入选国家级先进制造业集群的有哪些", INNER_MONGOLIA),
    ],
)
def test_full_names_short_forms_and_abbreviations_name_a_document(question, expected):
    found = places(question, [BEIJING, INNER_MONGOLIA, GUANGXI])
    assert found.documents == (expected,) and not found.elsewhere and not found.inside


def test_a_place_inside_an_indexed_place_must_be_in_the_evidence():
    found = places("北京市朝阳区今年GDP目标", [BEIJING])
    assert found.inside == ("朝阳区",) and not found.elsewhere
    assert found.containing == (BEIJING,)
    assert places("杭州今年GDP目标", [BEIJING]).elsewhere == ("杭州",)


SHANGHAI_DISTRICTS = [p for p in all_places() if p.code.startswith("31") and p.rank == 2]


@pytest.mark.parametrize("district", SHANGHAI_DISTRICTS, ids=lambda p: p.name)
def test_every_shanghai_district_is_told_apart_from_the_indexed_one(district):
    for written in (district.name, short_name(district.name)):
        found = places(f"{written}今年GDP目标是多少", [BAOSHAN])
        if district.code == BAOSHAN.meta.place_code:
            assert found.documents == (BAOSHAN,), written
        else:
            assert found.elsewhere == (written,) and not found.documents, written


@pytest.mark.parametrize(
    "name", ["浦东新区", "昆山市", "义乌市", "顺德区", "江宁区", "余杭区", "长沙县"]
)
def test_districts_and_counties_of_other_provinces_are_elsewhere(name):
    assert find_place(name) is not None
    assert places(f"{name}今年GDP目标是多少", [BAOSHAN]).elsewhere == (name,)


def test_the_city_around_the_district_is_context_or_elsewhere():
    assert places("上海宝山今年GDP目标", [BAOSHAN]).documents == (BAOSHAN,)
    assert places("上海市今年社零增长目标是多少", [BAOSHAN]).elsewhere == ("上海市",)


@pytest.mark.parametrize(
    "question",
    [
        "重点转型区域类项目有几个",
        "去年固投规模在全市第几",
        "绿水青山就是金山银山怎么落实",
        "城区有几个公园",
        "京津冀协同发展有哪些举措",
    ],
)
def test_ordinary_words_are_no_places(question):
    assert not places(question, [BAOSHAN]).named


def test_one_character_names_run_together_name_a_thing_between_the_places():
    xinjiang = document("新疆维吾尔自治区", "650000", "自治区")
    tibet = document("西藏自治区", "540000", "自治区")
    asked = places("新藏铁路西藏段什么时候开工？今年西藏的报告有安排吗？", [xinjiang, tibet])
    assert asked.documents == (tibet,) and not asked.elsewhere
    assert places("新疆今年GDP目标", [xinjiang, tibet]).documents == (xinjiang,)
    gansu = document("甘肃省", "620000", "省")
    asked = places("截至去年底，陇新能源装机总量有多少万千瓦？", [gansu, tibet])
    assert asked.documents == (gansu,)  # 陇 before 新能源, a word of its own


def test_one_character_names_counted_as_places_are_those_places():
    hubei = document("湖北省", "420000", "省")
    hunan = document("湖南省", "430000", "省")
    hebei = document("河北省", "130000", "省")
    asked = places("想问下鄂湘两省去年的粮食产量", [hubei, hunan, hebei])
    assert set(asked.documents) == {hubei, hunan}
    asked = places("湘冀两省今年城镇新增就业目标谁高", [hubei, hunan, hebei])
    assert set(asked.documents) == {hunan, hebei}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("2024年规上工业增加值增速，陇和皖谁更快？", {"甘肃省", "安徽省"}),
        # joined to no place standing before it, a one-character word stays a word
        ("今年城乡和冀中南的发展", set()),
        # an everyday one-character name (宁) joined after a place, then compared
        ("今年CPI涨幅目标，陇和宁哪个定得低？", {"甘肃省", "宁夏回族自治区"}),
        ("陇和宁愿意合作的领域", {"甘肃省"}),
    ],
)
def test_a_one_character_name_joined_to_one_that_stands_names_its_place(question, expected):
    provinces = [document(*p) for p in (("甘肃省", "620000", "省"), ("安徽省", "340000", "省"))]
    ningxia = document("宁夏回族自治区", "640000", "自治区")
    asked = places(question, [*provinces, ningxia, document("河北省", "130000", "省")])
    assert {d.meta.place for d in asked.documents} == expected


def test_a_one_character_name_after_hearsay_names_the_place():
    jiangxi = document("江西省", "360000", "省")
    hunan = document("湖南省", "430000", "省")
    assert places("听说赣今年要保粮食，目标多少斤", [jiangxi, hunan]).documents == (jiangxi,)


def test_a_one_character_name_after_a_verb_of_coming_names_the_place():
    yunnan = document("云南省", "530000", "省")
    hainan = document("海南省", "460000", "省")
    assert places("今年赴滇的外国游客能到多少", [yunnan, hainan]).documents == (yunnan,)
    # 「在建」 is a word: 建 is no place; 「来京」 of an everyday name is not read
    assert places("在建的水利工程有几个", [yunnan, hainan]).documents == ()


def test_the_colloquial_one_character_name_of_xinjiang():
    xinjiang = document("新疆维吾尔自治区", "650000", "自治区")
    tibet = document("西藏自治区", "540000", "自治区")
    assert places("疆2024年棉花产量多少", [xinjiang, tibet]).documents == (xinjiang,)
    assert places("边疆今年有什么新政策", [xinjiang, tibet]).documents == ()


def test_a_provinces_nickname_names_it():
    anhui = document("安徽省", "340000", "省")
    jiangsu = document("江苏省", "320000", "省")
    assert places("江淮大地今年GDP增长目标", [anhui, jiangsu]).documents == (anhui,)
    jilin = document("吉林省", "220000", "省")
    assert places("白山黑水去年玉米产量多少", [jilin, anhui]).documents == (jilin,)


def test_a_place_name_running_on_into_a_name_the_documents_use():
    def mentioned(phrase: str) -> bool:
        return phrase == "中山公园"

    assert not places("中山公园今年改造吗", [BAOSHAN], mentioned).named
    assert places("中山今年GDP目标", [BAOSHAN], mentioned).elsewhere == ("中山",)


@pytest.mark.parametrize(
    ("question", "personal"),
    [
        ("北京市长的籍贯和简历", ("籍贯", "简历")),
        ("内蒙古主席住在哪、电话号码多少", ("住在哪", "电话号码")),
    ],
)
def test_personal_details_are_asked_of_no_document(question, personal):
    assert analyse(question, [BEIJING, INNER_MONGOLIA], never).personal == personal


def test_a_personal_word_the_documents_use_is_their_content():
    assert analyse("北京今年最低工资标准和籍贯", [BEIJING], lambda p: p == "籍贯").personal == ()


def test_a_place_inside_a_longer_name_yields_to_the_place_named_on_its_own():
    hebei = document("河北省", "130000", "省")
    used = lambda phrase: phrase.startswith("北京大兴")  # noqa: E731 - the indexed texts say so
    asked = places("北京大兴机场临空经济区（河北）去年建得怎样", [BEIJING, hebei], used)
    assert asked.documents == (hebei,)
    alone = places("北京大兴机场今年旅客吞吐量", [BEIJING, hebei], used)
    assert alone.documents == (BEIJING,)


@pytest.mark.parametrize(
    "question",
    [
        "内蒙古的高铁开通后呼和浩特到北京要多久",
        "内蒙古开往北京的班列今年开几趟",
        "内蒙古的班列从包头经北京到天津要几天",  # a stop on the way
    ],
)
def test_the_far_end_of_a_route_is_no_place_asked_about(question):
    asked = places(question, [BEIJING, INNER_MONGOLIA])
    assert INNER_MONGOLIA in (*asked.documents, *asked.containing)
    assert BEIJING not in (*asked.documents, *asked.containing) and not asked.elsewhere


def test_two_places_joined_are_both_asked_about():
    asked = places("北京和内蒙古今年GDP目标分别是多少", [BEIJING, INNER_MONGOLIA])
    assert set(asked.documents) == {BEIJING, INNER_MONGOLIA}


def test_a_term_matches_its_words_with_one_or_two_characters_between():
    question = normalise("去年粮食产量多少", 2025)
    assert coverage({"粮食产量": 1.0}, "粮食总产量1344亿斤", question) == 1.0
    assert coverage({"粮食产量": 1.0}, "粮食播种面积的产量", question) < 1.0  # too far apart


@pytest.mark.parametrize(
    ("question", "place", "quoted", "located"),
    [
        (
            "福建漳州那个古雷炼化一体化工程二期，总投资是多少",
            "漳州",
            "总投资711亿元的古雷炼化一体化工程二期项目开工建设",
            True,
        ),
        ("武汉今年GDP目标是多少", "武汉", "襄阳、宜昌经济总量突破6000亿元", False),
        # An indicator after the city is no thing it locates: the evidence must name the city.
        ("武汉居民人均可支配收入是多少", "武汉", "全省居民人均可支配收入增长5%", False),
    ],
)
def test_a_city_before_a_named_thing_only_says_where_it_is(question, place, quoted, located):
    assert locates_a_thing(question, place, quoted) is located


def test_an_amount_for_a_city_stands_in_a_clause_naming_it():
    question = "青岛港去年集装箱吞吐量多少万标箱"
    whole = "全省港口集装箱吞吐量突破4000万标箱，青岛港自动化码头效率居全球第1位"
    assert not speaks_for(question, "青岛市", whole, whole)
    own = "全省港口集装箱吞吐量突破4000万标箱，青岛港达到3087万标箱"
    assert speaks_for(question, "青岛市", own, own)
    # no unit asked: naming the city in the line is enough, as before
    assert speaks_for("青岛港自动化码头全球排第几", "青岛市", whole, whole)


def test_a_one_character_name_after_whole_names_the_place():
    shaanxi = document("陕西省", "610000", "省")
    sichuan = document("四川省", "510000", "省")
    assert places("全陕去年规上工业增加值增长多少", [shaanxi, sichuan]).documents == (shaanxi,)
    # 「全新的」 is a word: 新 in it names no place
    xinjiang = document("新疆维吾尔自治区", "650000", "自治区")
    assert places("全新的产业园今年开工吗", [xinjiang, sichuan]).documents == ()


def test_a_nickname_is_read_whole_before_a_place_inside_it():
    xinjiang = document("新疆维吾尔自治区", "650000", "自治区")
    tibet = document("西藏自治区", "540000", "自治区")
    guangdong = document("广东省", "440000", "省")
    # 山南 inside 「天山南北」 is not 西藏's 山南市
    assert places("天山南北去年粮食总产是多少", [xinjiang, tibet]).documents == (xinjiang,)
    assert places("岭南今年重点项目投资多少", [guangdong, tibet]).documents == (guangdong,)
    assert places("南粤今年粮食产量目标是多少", [guangdong, tibet]).documents == (guangdong,)


def test_a_nickname_joined_to_another_place_names_its_own():
    ningxia = document("宁夏回族自治区", "640000", "自治区")
    guizhou = document("贵州省", "520000", "省")
    tibet = document("西藏自治区", "540000", "自治区")
    asked = places("黔与塞上去年粮食产量各多少", [ningxia, guizhou, tibet])
    assert set(asked.documents) == {ningxia, guizhou}
    # elsewhere a place named outright outweighs a nickname beside it
    asked = places("贵州今年学塞上江南的做法，粮食产量目标多少", [ningxia, guizhou, tibet])
    assert asked.documents == (guizhou,)


def test_a_personal_word_in_the_askers_own_scene_asks_nothing_personal():
    assert analyse("我老家在北京郊区，今年北京农民收入增长多少", [BEIJING], never).personal == ()
    assert analyse("我就想知道北京市长的老家", [BEIJING], never).personal == ("老家",)


def test_a_day_word_the_text_uses_otherwise_still_asks_by_the_day():
    # The text has 「明天去一趟」 only: 「明天天气」 asks what no yearly document states.
    used = lambda phrase: phrase in "不能今天去一趟、明天去一趟"  # noqa: E731 - the indexed text
    assert analyse("北京明天天气怎样", [BEIJING], used).days == ("明天",)
    assert analyse("北京明天去一趟是什么意思", [BEIJING], used).days == ()


def test_a_districts_short_form_right_after_its_city_names_it():
    # 「通州」 alone is too ordinary to read anywhere; after 北京 it is 北京's 通州区.
    found = places("北京通州今年GDP增长多少", [BEIJING])
    assert found.inside == ("通州",) and found.containing == (BEIJING,)
    assert places("通州今年GDP增长多少", [BEIJING]).inside == ()


def test_a_name_begun_by_a_city_and_written_only_around_it_is_asked_of_that_place():
    hubei = document("湖北省", "420000", "省")
    shandong = document("山东省", "370000", "省")
    guangdong = document("广东省", "440000", "省")
    writes = {"湖北省": "鄂州花湖机场开通国际国内货线91条", "山东省": "青岛中山公园改造提升"}

    def mentioned(phrase: str) -> bool:
        return any(phrase in text for text in writes.values())

    def mentioned_in(document, phrase: str) -> bool:
        return phrase in writes.get(document.meta.place, "")

    documents = [hubei, shandong, guangdong]
    question = "鄂州花湖机场去年开通了多少条货线"
    asked = analyse(question, documents, mentioned, mentioned_in).places
    assert asked.containing == (hubei,) and asked.inside == ("鄂州",)
    # 中山 is in 广东, but the park of that name is written about 山东: no place is asked
    asked = analyse("中山公园今年改造吗", documents, mentioned, mentioned_in).places
    assert not asked.documents and not asked.containing and not asked.elsewhere


def test_a_nickname_read_whole_leaves_no_city_across_its_end():
    ningxia = document("宁夏回族自治区", "640000", "自治区")
    guangxi = document("广西壮族自治区", "450000", "自治区")
    # 南宁 across 「塞上江南宁夏」 is no place asked
    assert places("塞上江南宁夏今年计划补齐哪些短板", [ningxia, guangxi]).documents == (ningxia,)


def test_a_one_character_name_with_its_level_after_this_year():
    fujian = document("福建省", "350000", "省")
    sichuan = document("四川省", "510000", "省")
    assert places("今年闽省CPI涨幅预期控制在多少", [fujian, sichuan]).documents == (fujian,)
    assert places("今年新的举措有哪些", [fujian, sichuan]).documents == ()


def test_a_name_asked_in_another_order_or_without_zong():
    assert as_asked("新增城镇就业", "新疆2024年城镇新增就业多少") == "城镇新增就业"
    assert as_asked("算力总规模", "算力规模去年是多少") == "算力规模"
    assert as_asked("地区生产总值", "GDP增长多少") == "地区生产总值"


def test_a_one_character_name_before_a_direction_names_its_province():
    anhui = document("安徽省", "340000", "省")
    jiangxi = document("江西省", "360000", "省")
    assert places("皖北引江济淮二期工程总投资是多少亿元？", [anhui, jiangxi]).documents == (anhui,)


def test_a_numeral_before_nian_in_a_quoted_name_is_no_year():
    question = normalise("今年要办联合国“海洋十年”的什么大会", 2025)
    assert question.years == (2025,) and "“海洋十年”" in question.text
    assert normalise("23年粮食产量多少", 2025).years == (2023,)  # a short year typed in digits
    # a count in a quoted name is still a count: 「“四个城区”是哪四个」
    assert "“4个城区”" in normalise("要建好的“四个城区”是哪四个", 2025).text


def test_when_a_projects_work_starts_is_not_when_the_report_was_delivered():
    from assistant.query.cues import cue

    assert cue("delivered").search("机场三期工程计划什么时候开工") is None
    assert cue("delivered").search("报告是什么时候开的会") is not None


def test_a_name_inside_a_gloss_explains_the_name_before_it():
    from assistant.query.match import misses_a_named_indicator

    question = normalise("今年研发经费投入强度（R&D占GDP比重）目标是多少", 2025)
    assert not misses_a_named_indicator(question, "研发经费投入强度达1.6%")
    assert misses_a_named_indicator(normalise("今年GDP目标是多少", 2025), "研发经费投入强度达1.6%")


def test_a_one_character_name_before_an_everyday_one_still_names_its_province():
    hebei = document("河北省", "130000", "省")
    asked = places("冀新改扩建义务教育学校今年计划多少所", [hebei, BEIJING])
    assert asked.documents == (hebei,), asked
    # 「京津冀」 runs three names together: a region, not 北京 asked
    asked = places("京津冀协同发展今年有哪些重点任务", [hebei, BEIJING])
    assert BEIJING not in asked.documents, asked
