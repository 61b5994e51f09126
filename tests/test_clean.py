"""The cleaner repairs PDF-extraction damage and keeps offsets back to the original text."""

from assistant.ingest.blocks import BlockKind
from assistant.ingest.clean import clean_text


def texts(raw: str, kind: BlockKind = BlockKind.TEXT) -> list[str]:
    return [block.text for block in clean_text(raw) if block.kind is kind]


def test_every_cleaned_character_maps_back_to_the_original(plan_raw):
    for block in clean_text(plan_raw):
        for char, offset in zip(block.text, block.origin, strict=True):
            original = plan_raw[offset]
            assert char == original or (char, original) in {
                ("（", "("),
                ("）", ")"),
                ("，", ","),
                (" ", "\n"),
            }, (char, original, block.text[:30])


def test_spaces_between_chinese_and_numbers_are_removed(plan_blocks):
    row = next(b.text for b in plan_blocks if b.text.startswith("1\t"))
    assert "1806.05亿元\t可比增长1.7%\t可比增长5%左右，与全市保持同步" in row
    assert any(
        b.text.startswith("宝山区2023年国民经济和社会发展规划计划执行情况与2024年")
        for b in plan_blocks
    )


def test_latin_words_keep_their_spaces():
    assert texts("举办 Tech Week 活动，参加 CIIF 大奖评选。") == [
        "举办Tech Week活动，参加CIIF大奖评选。"
    ]


def test_brackets_around_chinese_become_full_width_and_html_and_latex_go():
    assert texts("G1503B 段 (江杨北路-富长路) 改建，AQI (%) 与 PM_{2.5} 浓度<p>。") == [
        "G1503B段（江杨北路-富长路）改建，AQI (%)与PM2.5浓度。"
    ]


def test_sentence_split_by_a_page_break_is_joined(plan_blocks):
    joined = [
        b.text
        for b in plan_blocks
        if "全面推进“15分钟就业服务圈”建设，线下布局建设基层服务站点" in b.text
    ]
    assert len(joined) == 1
    assert not any(b.text.startswith("局建设基层服务站点") for b in plan_blocks)


def test_footnote_in_the_middle_of_a_paragraph_is_lifted_out(plan_blocks):
    paragraph = next(b.text for b in plan_blocks if b.text.startswith("消费活力强劲恢复。"))
    assert "促进线上引流线下消费，服务体验和实物消费进一步融合。" in paragraph
    footnotes = {b.marker: b.text for b in plan_blocks if b.kind is BlockKind.FOOTNOTE}
    assert footnotes["1"].startswith("以大宗商品互联网交易服务平台为主")
    assert sorted(footnotes) == ["1", "2", "3", "4", "5"]


def test_footnote_split_across_two_pages_is_rejoined(plan_blocks):
    footnotes = {b.marker: b.text for b in plan_blocks if b.kind is BlockKind.FOOTNOTE}
    assert footnotes["4"] == (
        "我区外资研发中心累计认定15家，其中光驰、东芝两家为全球研发中心，"
        "占全市全球研发中心总数的1/6。跨国公司地区总部累计认定8家。"
    )
    paragraph = next(b.text for b in plan_blocks if b.text.startswith("2024年是新中国成立75周年"))
    assert "中央经济工作会议精神，深入贯彻落实习近平总书记考察上海重要讲话精神" in paragraph
    assert "心总数" not in paragraph
    opening = next(b.text for b in plan_blocks if b.text.startswith("对外开放步伐加速。"))
    assert "举办“外资金融机构看“北转型””" in opening


def test_footnote_markers_are_removed_from_running_text(plan_blocks):
    paragraph = next(b.text for b in plan_blocks if b.text.startswith("服务经济提质增能。"))
    assert "明确“1+2”生产性互联网服务平台" in paragraph
    assert not any(ch in b.text for b in plan_blocks for ch in "¹²³⁴⁵")


def test_synthetic_document_page_breaks(synthetic_raw):
    blocks = clean_text(synthetic_raw)
    footnotes = [b.text for b in blocks if b.kind is BlockKind.FOOTNOTE]
    assert footnotes == ["智能工厂指经市经济信息化部门认定的区级工厂和市级工厂。"]
    body = [b.text for b in blocks if b.kind is BlockKind.TEXT]
    assert any(t.endswith("全区数字经济企业达到412家。") for t in body)
    assert any(t.endswith("推动产业链上下游协同发展。") for t in body)


def test_headings_and_titles_are_never_glued_to_the_next_paragraph(plan_blocks):
    assert "附件1" in [b.text for b in plan_blocks]
    title = (
        "关于下达《宝山区2023年国民经济和社会发展计划执行情况与2024年国民经济和社会发展计划》的通知"
    )
    assert title in [b.text for b in plan_blocks]


def test_hostile_and_empty_input_do_not_crash():
    assert clean_text("") == []
    assert clean_text("\n\n\t\t\n   ") == []
    blocks = clean_text("<script>alert(1)</script>\n\n" + "很长的段落，" * 5000)
    assert blocks[0].text == "<script>alert(1)</script>"
    assert len(blocks[1].text) == 30000
