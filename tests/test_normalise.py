"""Question normalisation: digits, years, the document's own wording."""

import pytest

from assistant.query.normalise import chinese_number, expand_aliases, normalise, normalise_text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("十八号线宝山段投资多少", "18号线宝山段投资多少"),
        ("二〇二三年新增了多少就业岗位", "2023年新增了多少就业岗位"),
        ("２０２４年 固投 增长多少", "2024年固投增长多少"),
        ("新增一百二十张床位", "新增120张床位"),
        ("两个项目", "2个项目"),
        ("23年高企有多少家", "2023年高企有多少家"),
        ("一网通办怎么样", "一网通办怎么样"),
        ("十四五规划", "十四五规划"),
        ("轨交18号线二期", "轨交18号线二期"),
        ("“十百千万”人才行动", "“十百千万”人才行动"),  # units only: a name, not 1110
        ("力争哪一年建成", "力争哪一年建成"),
        ("要建好的是哪四个城区", "要建好的是哪4个城区"),
        ("一千零五十个", "1050个"),
        # A division whose name opens with a numeral before a counter: a place, not a count.
        ("四平市今年GDP目标", "四平市今年GDP目标"),
        ("七台河新建三台锅炉", "七台河新建3台锅炉"),
    ],
)
def test_normalise_text(typed, expected):
    assert normalise_text(typed) == expected


@pytest.mark.parametrize(
    ("numeral", "value"), [("十八", 18), ("一百二十", 120), ("两", 2), ("十", 10)]
)
def test_chinese_numbers(numeral, value):
    assert chinese_number(numeral) == value


def test_relative_years_follow_the_plan_year_of_the_document():
    question = normalise("今年GDP目标？去年呢？明年呢？", plan_year=2024)
    assert question.years == (2024, 2023, 2025)
    assert question.relative_years
    assert normalise("今年GDP目标", plan_year=2026).years == (2026,)


def test_aliases_expand_to_the_documents_wording():
    assert "地区生产总值" in expand_aliases("今年gdp目标")
    assert "社会消费品零售总额" in expand_aliases("社零增长多少")
    assert "全社会固定资产投资" in normalise("固投", plan_year=2024).search_text


def test_retrieval_leaves_out_the_words_about_the_document_itself():
    # 「政府工作报告里提到」 would match the preamble's 「向大会作政府工作报告」, not the topic.
    searched = normalise("湖南政府工作报告里提到要发展哪些未来产业", plan_year=2025).search_text
    assert "未来产业" in searched and "政府工作报告" not in searched and "提到" not in searched


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("18號線寶山段投資多少", "18号线宝山段投资多少"),
        ("今年養老床位新增多少張", "今年养老床位新增多少张"),
    ],
)
def test_traditional_characters_are_folded_to_simplified(traditional, simplified):
    assert normalise_text(traditional) == normalise_text(simplified)


@pytest.mark.parametrize(
    ("question", "years"),
    [
        # The clause that asks says the year; the others only set the scene.
        ("老人明年退休，今年养老床位新增多少", (2025,)),
        ("去年涨得挺快，今年目标定了多少", (2025,)),
        # Every clause that asks keeps its year; a comparison keeps every year it names.
        ("去年完成多少？今年目标呢？", (2024, 2025)),
        ("今年的目标，比去年实际高多少", (2025, 2024)),
        ("2024年，GDP增长多少", (2024,)),
        # A share (占比) compares nothing; a clause the asker declines asks nothing.
        ("孩子明年入学，今年公办园占比要达到多少", (2025,)),
        ("今年GDP目标多少，和去年比怎样我不关心", (2025,)),
        # No asking clause names a year: the years outside the asker's own situation.
        ("孩子明年要读初中，听说今年要新增学位，打算新增几个", (2025,)),
        ("听说去年粮食收成不错，总产量具体多少", (2024,)),
    ],
)
def test_the_years_asked_are_those_of_the_clauses_that_ask(question, years):
    assert normalise(question, 2025).years == years


@pytest.mark.parametrize(
    "piece", ["在当地打流感疫苗要不要钱", "老人乘公交收不收费", "外地人能不能落户"]
)
def test_a_yes_no_piece_asks_something(piece):
    from assistant.query.normalise import asks_something

    assert asks_something(piece)
    assert normalise(piece, plan_year=2025).asks("yes_no")
    assert not asks_something("我奶奶七十多了")


def test_a_question_on_cost_reaches_the_wording_of_free_services():
    assert "免费" in expand_aliases("打疫苗要不要钱")
    assert "加快建设" in expand_aliases("在建的高铁有几条")
    assert "医疗保险" in expand_aliases("医保省级统筹")
