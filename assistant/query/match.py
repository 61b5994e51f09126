"""How well a question's words are met by a name or a passage, weighted by rarity in the index.

Rare words decide: 「看守所」 says more about which project is meant than 「宝山」 or 「工程」.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING

from assistant.ingest.timing import WRITTEN_YEAR
from assistant.places import find_place, one_character_names, run_counted_as_places, short_name
from assistant.query.analysis import longest_prefix
from assistant.query.cues import cue
from assistant.query.normalise import CLAUSE as QUESTION_CLAUSE
from assistant.query.normalise import (
    Question,
    bare_names,
    document_phrases,
    inside_longer_words,
    lexicon,
    sets_scene,
    written_as,
)
from assistant.query.retrieve import STOPWORDS, HybridSearch, Tokenizer
from assistant.records import Chunk

if TYPE_CHECKING:
    from assistant.knowledge import DocumentKnowledge

CJK_OR_ALNUM = re.compile(r"[\u4e00-\u9fff0-9a-zA-Z]")
CJK_CHARACTER = re.compile(r"[\u4e00-\u9fff]")
PLACE_PREFIX_CHARS = 2  # 「全省」「全市」 before an indicator's wording
QUESTION_WORDS = cue("question_words")
# Words that say how a figure is measured or what was done, rather than what it is about:
# they count for little when deciding whether a passage answers the question.
SOFT_WEIGHT = 0.3
PARTIAL_CREDIT = 0.5
NUMBER = r"[\d一二三四五六七八九十]+"  # a number of a numbered name: 「19」号线, 「三」期
COUNTED_THING_CHARS = 2  # 「企业」 of 「外贸实绩企业达到9570家」: the noun a count ends on
NUMBERED_STEM = 4  # characters before a number that name what is numbered: 「沪通铁路」一期
MIN_NUMBERED_STEM = 2
ATTESTED_APART = 4  # the same, when the changed character makes a word the document has
GAPPED_MIN = 4  # a term this long still matches with characters inserted…
GAP_CHARS = 2  # …this many at most
REORDERED_MIN = 4  # a name this long asked with its words in another order (城镇新增就业)
MIN_QUOTED = 2  # a quoted name this long must be in the document for it to answer
QUOTED_WRITTEN_SHARE = 0.8  # …or this much of it in one stretch
GLOSS = re.compile(r"\([^()]*\)")  # a gloss in brackets, after NFKC
PLACEHOLDER_FILL = r"[\u4e00-\u9fff]{1,4}"  # what a placeholder of a quoted pattern stands for
SHORT_QUOTED = 6  # a quoted name this short must be there whole (「鲁企通」 is not 鲁惠通)
MIN_APART = 6  # characters of a name a one-character change in makes another thing
MIN_ATTESTED = 4  # characters of a question's phrase the text must have to name a thing
PLACE_BEFORE = (
    2  # characters before a thing that name the place it is in: 「怀柔」综合性国家科学中心
)
NAME_TAGS = ("n", "j")  # jieba's tags of nouns, names of places and people, abbreviations
QUESTIONS_REMEMBERED = 4096  # per-question readings kept, bounded for a long-running server
NAME_CARRIED = 0.6  # weighted share of a named thing's bigrams an answer's text must carry
UNKNOWN_WEIGHT = 0.5


def bigrams(text: str) -> list[str]:
    chars = "".join(CJK_OR_ALNUM.findall(text.lower()))
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


@dataclass(frozen=True)
class NameMatch:
    score: float  # rarity-weighted shared bigrams
    coverage: float  # share of the name's weight the question covers
    question_share: float = 0.0  # share of the question's own wording the name contains


class Rarity:
    """Inverse document frequencies of bigrams and words over the index's chunks."""

    def __init__(
        self, chunks: Sequence[Chunk], tokenizer: Tokenizer, tokens: Sequence[Sequence[str]]
    ) -> None:
        """``tokens``: each chunk's search tokens, as the search segmented them."""
        self.tokenizer = tokenizer
        self.total = max(1, len(chunks))
        self._bigram_df = Counter(b for c in chunks for b in set(bigrams(c.text)))
        self._word_df = Counter(w for each in tokens for w in set(each) if _counted(w))
        self._text = "\n".join(c.text for c in chunks)
        self._titles = {c.table for c in chunks if c.table}
        self._attested: tuple[str, str] = ("", "")  # the last question's text and its name
        self._names: dict[str, tuple[frozenset[str], float]] = {}
        self._weights: dict[str, float] = {}  # the index's bigram weights, as first asked

    def mentions(self, phrase: str) -> bool:
        """Whether the document's text has the phrase."""
        return phrase in self._text

    def words(self, text: str) -> list[str]:
        return [w for w in self.tokenizer.tokens(text) if _counted(w)]

    def names_another(self, question: Question, text: str) -> bool:
        """The question names a thing the document has (「美兰湖中央公园」), and ``text`` carries
        little of it: it is about a look-alike (南大中央公园), however close. Or the question
        spells ``text``'s name with one character changed inside it (「长逸路上匝道」 for
        长逸路下匝道, or 「罗泾新镇」 for 罗店新镇 where the document has 罗泾 too): another thing
        of the same kind."""
        if one_character_apart(question.text, text):
            return True
        if one_attested_character_apart(question.text, text, self._text):
            return True
        named = self.attested_name(question)
        if not named:
            return False
        # 「气象站搬迁工程」 names 气象站迁建工程: the name in the document's own wording counts.
        return all(self.name_likeness(form, text) < NAME_CARRIED for form in _worded(named))

    def unwritten_quoted(self, question: Question) -> str:
        """A name the question puts in quotes that the document never writes, in any wording:
        「“鲁企通”平台要干些啥」 where the report names other platforms. Returns it, or ""."""
        from assistant.query.analysis import quoted_names

        for name in quoted_names(question.original):
            if cue("counted_name").match(name):
                continue  # 「“四个城区”是哪四个」: a count the text may spell out by its items
            if cue("placeholder").search(name):
                if not self._written_with_placeholder(name):
                    return name
                continue
            forms = [re.sub(r"\s", "", form) for form in _worded(name)]
            if len(name) >= MIN_QUOTED and not any(map(self._mostly_written, forms)):
                return name
        return ""

    def _written_with_placeholder(self, name: str) -> bool:
        """「陇电入X」: the document writes the pattern with a name in the placeholder's place."""
        parts = [re.escape(part) for part in cue("placeholder").split(name)]
        pattern = PLACEHOLDER_FILL.join(parts)
        return re.search(pattern, self._written) is not None

    def renamed(self, question: Question) -> str:
        """A thing named by a word the document never writes, right before the part it has:
        「区妇幼保健院迁建工程」 where only 气象站迁建工程 is, 「五台山机场改扩建」 where other
        airports are; or by a place the document never puts before it (「昌平综合性国家科学
        中心」 where it has 怀柔's). Another thing of that kind; returns the name as asked, or
        ""."""
        kind = re.compile(f"(?:{cue('thing_kinds').pattern})$")
        for span in (p for s in _name_spans(question.text) for p in _things_joined(s, kind)):
            thing = self._written_ending(span)
            if not thing or not kind.search(thing):
                # 「琼州海峡跨海通道」 where the text writes 通道 and 琼州海峡, never 跨海
                if self._new_word_before_kind(span, kind) or self._line_not_written(span, kind):
                    return span
                continue
            cut = len(span) - len(thing)
            before = [w for w in self.tokenizer.segment(span[:cut]) if w]
            if not before:
                continue
            # The word just before, or the last two together (「中心」「医院」 are each written,
            # 「中心医院」 is not), or the word the written ending cuts in two (金甬 of 「金甬铁路」
            # where 嘉甬铁路 is written); a place (「四川报告里」) is not a name of the thing.
            modifiers = [before[-1], "".join(before[-2:]), _word_across(self.tokenizer, span, cut)]
            if any(
                _unwritten_noun(word, self._written) and not _holds_a_place(word)
                for word in modifiers
            ):
                return span
            if self._placed_elsewhere(before[-1], thing):
                return span
        return ""

    def _line_not_written(self, span: str, kind: re.Pattern[str]) -> bool:
        """「福厦高铁」 where the document writes 福厦 (福厦泉) and other 高铁 (温福高铁), never
        this one: a line named by its two ends that the document does not have."""
        from assistant.places import initials_of_two_places

        found = kind.search(span)
        if not found or found.group() not in self._written:
            return False
        ends = span[max(0, found.start() - 2) : found.start()]
        if not initials_of_two_places(ends):
            return False
        return not any(form in self._written_unquoted for form in _worded(ends + found.group()))

    def names_a_sibling_indicator(self, question: Question, text: str) -> bool:
        """The question's name is an indicator's wording with a noun of its own before it, and
        the document writes that name as such (「海洋生产总值」 beside its 地区生产总值). ``text``
        with the wording but not that name states another indicator of the kind. So does a
        per-head or per-unit form asked (「人均GDP」) where the text has only the total."""
        named = self.attested_name(question)
        lowered = text.lower()
        for name, wording in ((named, _narrowed_wording(named)), _per_unit_name(question.text)):
            if not wording:
                continue
            # 「园区规模工业占…」: the noun before the wording names the sibling, not what follows
            name = name[: name.find(wording) + len(wording)] if wording in name else name
            stated = any(w.lower() in lowered for w in (wording, *_canonical(wording)))
            if stated and not any(form.lower() in lowered for form in _worded(name)):
                return True
        return False

    def coined(self, question: Question) -> str:
        """「新藏铁路」 where the document never writes 新藏: a thing of a known kind named by a
        word that neither the document nor the segmenter's dictionary has (a name it guessed).
        That thing is not the kind's other things in the text. Returns it, or ""."""
        from assistant.query.analysis import vocabulary

        pointing = vocabulary()["pointing_characters"]
        kinds = cue("thing_kinds")
        pieces = self.tokenizer.segment(question.text)
        for at, piece in enumerate(pieces[1:], start=1):
            if not kinds.fullmatch(piece):
                continue  # a kind inside a longer word (「中小学」) names nothing new
            word = pieces[at - 1]
            if (
                _unwritten_word(word, self._written)
                and not any(c in pointing for c in word)
                and self.tokenizer.guessed(word)
                and not _holds_a_place(word)
                and not _ends_with_a_classifier(word)
            ):
                return word + piece
        return ""

    def _written_ending(self, span: str) -> str:
        """The longest end of a name the document writes, shorter than the name (which, written
        whole, is the document's own)."""
        if span in self._written:
            return ""
        return next(
            (
                span[cut:]
                for cut in range(1, len(span) - MIN_ATTESTED + 1)
                if span[cut:] in self._written
            ),
            "",
        )

    def _new_word_before_kind(self, span: str, kind: re.Pattern[str]) -> bool:
        """The name ends with a kind the document writes (通道), and the word just before it is
        wholly new to the document, none of its two characters written together (跨海, not
        高速公路 where 高速 is written): a thing of that kind the document does not have. So is
        a place the document never names (吴川 in 「湛江吴川机场」)."""
        found = kind.search(span)
        if not found or len(found.group()) < 2 or found.group() not in self._written:
            return False
        before = [w for w in self.tokenizer.segment(span[: found.start()]) if w]
        if not before:
            return False
        word = before[-1]
        return _unwritten_noun(word, self._written) and not any(
            pair in self._written for pair in bigrams(word)
        )

    def _placed_elsewhere(self, place: str, thing: str) -> bool:
        """「昌平综合性国家科学中心」 where the document has the thing only after another place
        (怀柔综合性国家科学中心): that place's, not the one asked."""
        if not _holds_a_place(place) or place + thing in self._written:
            return False
        before_each = [
            self._written[max(0, found.start() - PLACE_BEFORE) : found.start()]
            for found in re.finditer(re.escape(thing), self._written)
        ]
        return bool(before_each) and all(_holds_a_place(words) for words in before_each)

    def _mostly_written(self, name: str) -> bool:
        """The document has the name, or a stretch of it long enough that the rest is a slip
        (「吴淞创新城建设重点」 for 吴淞创新城市建设重点); a short name must be there whole."""
        whole = len(name) <= SHORT_QUOTED
        least = len(name) if whole else math.ceil(len(name) * QUOTED_WRITTEN_SHARE)
        return any(
            name[start : start + size] in self._written
            for size in range(len(name), least - 1, -1)
            for start in range(len(name) - size + 1)
        )

    @cached_property
    def _written(self) -> str:
        """All the document's words, table titles included, without spaces."""
        return re.sub(r"\s", "", self._text + "\n".join(self._titles))

    @cached_property
    def _written_unquoted(self) -> str:
        """The document's words without quotation marks: 「“三北”工程」 writes 三北工程."""
        return re.sub(r"[“”\"'‘’「」『』]", "", self._written)

    def misnumbered(self, question: Question) -> str:
        """A numbered name the question asks for that the document has only with other numbers:
        「沪通铁路一期」 where it names 沪通铁路二期 alone. Returns the name as asked, or ""."""
        return misnumbered_in(question, self._text)

    def attested_name(self, question: Question) -> str:
        """The longest run of the question's own words (no question, time or measure word) that
        the text has verbatim, 4 characters or more: 「美兰湖中央公园」 in
        「美兰湖中央公园一期总投资是多少」. A row named otherwise (南大中央公园) is another
        thing. Asked by rows, facts and parts of one question: found once per question."""
        asked, name = self._attested  # one read: another thread may be asking another question
        if asked != question.text:
            name = self._longest_attested(question.text)
            self._attested = (question.text, name)
        return name

    def _longest_attested(self, text: str) -> str:
        from assistant.query.analysis import quoted_names

        # A name the question puts in quotes is the one it asks about (「表里“城市公园”」).
        quoted = [q for q in quoted_names(text) if len(q) >= MIN_ATTESTED and q in self._text]
        if quoted:
            return max(quoted, key=len)
        best = ""
        for span in _name_spans(text):
            for size in range(len(span), max(len(best), MIN_ATTESTED - 1), -1):
                found = next(
                    (
                        span[i : i + size]
                        for i in range(len(span) - size + 1)
                        if span[i : i + size] in self._text
                    ),
                    "",
                )
                if found:
                    best = found
                    break
        return best

    def bigram_weight(self, bigram: str) -> float:
        """Kept for the index's own bigrams only, so that questions never grow the table."""
        weight = self._weights.get(bigram)
        if weight is None:
            df = self._bigram_df.get(bigram, 0)
            weight = math.log((self.total + 1) / (df + 1)) + 1
            if df:
                self._weights[bigram] = weight
        return weight

    def _weight_of(self, bigrams_: frozenset[str]) -> float:
        return sum(map(self.bigram_weight, bigrams_))

    def word_weight(self, word: str) -> float:
        return math.log((self.total + 1) / (self._word_df.get(word, 0) + 1)) + 1

    def known(self, word: str) -> bool:
        return word in self._word_df

    def as_written(self, word: str) -> str:
        """「酒泉市」 where the text writes only 「酒泉」: a division named with its level, as the
        text names it."""
        if self.known(word) or find_place(word) is None:
            return word
        short = short_name(word)
        return short if self.known(short) else word

    def match_name(self, name: str, question: Question) -> NameMatch:
        asked, wanted, naming = _question_bigrams(question.text, question.expansions)
        name = as_asked(name, question.text)
        own, total = self._name_weight(name)
        if not own or not asked:
            return NameMatch(0.0, 0.0)
        score = self._weight_of(own & wanted)
        share = self._weight_of(own & naming) / self._weight_of(naming)
        return NameMatch(score, score / total, share)

    def _name_weight(self, name: str) -> tuple[frozenset[str], float]:
        """A name's bigrams and their total weight, kept: a question weighs every row's and
        figure's name, and they are the index's own, a bounded set."""
        found = self._names.get(name)
        if found is None:
            own = frozenset(bigrams(name))
            found = self._names[name] = (own, self._weight_of(own))
        return found

    def asked_coverage(self, name: str, question: Question) -> float:
        """Share of a name's weight the question's own words cover (no alias expansions)."""
        return self.name_likeness(as_asked(name, question.text), _content(question.text))

    def name_likeness(self, name: str, text: str) -> float:
        """Share of a name's rarity-weighted bigrams that ``text`` carries."""
        own = set(bigrams(name))
        if not own:
            return 0.0
        total = sum(self.bigram_weight(b) for b in own)
        return sum(self.bigram_weight(b) for b in own & set(bigrams(text))) / total


class Rarities:
    """Word weights within each document, as if it were indexed alone.

    A question routed to one report must weigh 「粮食」 as that report does, whatever thirty
    others say: the same question gets the same answer alone and among many. Built from the
    search's own chunks and tokens, so nothing is segmented twice.
    """

    def __init__(self, search: HybridSearch) -> None:
        self._search = search
        self._each: dict[str, Rarity] = {}

    @cached_property
    def whole(self) -> Rarity:
        """Over every chunk of the index (briefings read across documents)."""
        search = self._search
        return Rarity(search.chunks, search.tokenizer, search.tokens)

    def of(self, document: DocumentKnowledge) -> Rarity:
        key = document.meta.doc_id
        if key not in self._each:
            search = self._search
            rows = search.rows_of(key)
            chunks = [search.chunks[i] for i in rows]
            tokens = [search.tokens[i] for i in rows]
            self._each[key] = Rarity(chunks, search.tokenizer, tokens)
        return self._each[key]


def _counted(word: str) -> bool:
    """A word worth weighing: two characters or more, or a number."""
    return len(word) > 1 or word.isdigit()


def _quoted_with_own_name(question: Question, ignored: set[str]) -> list[str]:
    from assistant.query.analysis import quoted_names

    return [
        name
        for name in quoted_names(question.text)
        if name in question.text and any(word in name and word != name for word in ignored)
    ]


@lru_cache(maxsize=QUESTIONS_REMEMBERED)
def _per_unit_name(text: str) -> tuple[str, str]:
    """「人均GDP」「单位地区生产总值」: an indicator's wording right after a word that makes it a
    rate per person, per mu or per unit of something (data: analysis.toml per_unit). Returns the
    name and the wording, or ("", "")."""
    from assistant.query.analysis import vocabulary

    lowered = text.lower()
    wordings = sorted(_indicator_wordings(), key=len, reverse=True)
    for prefix in vocabulary()["intent"]["per_unit"]:
        for wording in wordings:
            if f"{prefix}{wording.lower()}" in lowered:
                return prefix + wording, wording
    return "", ""


@cache
def _lowered_wordings() -> frozenset[str]:
    return frozenset(w.lower() for w in _indicator_wordings())


@cache
def _indicator_wordings() -> frozenset[str]:
    """The required indicators' names and their canonical wordings."""
    from assistant.query.normalise import required_names

    return frozenset(w for n in required_names() for w in (n, *_canonical(n)))


def counts_another_thing(question: Question, text: str) -> bool:
    """「新增了多少学位」 counts 学位: a figure whose words never name it (「幼儿园8427所」)
    counts something else."""
    thing = _counted_thing(question.text)
    return bool(thing) and thing not in text


@lru_cache(maxsize=QUESTIONS_REMEMBERED)
def _counted_thing(text: str) -> str:
    """The noun right after 「多少」「几」 (and a counter), when it is no unit: 「学位」 of
    「多少学位」, 「企业」 of 「多少家企业」; or ""."""
    import jieba.posseg

    from assistant.ingest.figures import vocabulary as figure_vocabulary

    found = cue("counted_thing").search(text)
    if found is None:
        return ""
    words = jieba.posseg.lcut(found.group(1), HMM=False)
    if words and words[0].flag == "q":
        words = words[1:]
    if not words:
        return ""
    first = words[0]
    units = figure_vocabulary()["units"]
    if len(first.word) < 2 or not first.flag.startswith("n") or first.word in units:
        return ""
    return first.word


@lru_cache(maxsize=QUESTIONS_REMEMBERED)
def _things_joined(span: str, kind: re.Pattern[str]) -> list[str]:
    """「高铁和铁路」: things of known kinds joined by 和 (or 与, 、…) are each a name, not one
    name the text never writes; any other span is one name."""
    pieces = cue("name_joiners").split(span)
    if len(pieces) > 1 and all(len(p) >= 2 and kind.search(p) for p in pieces):
        return pieces
    return [span]


def _narrowed_wording(name: str) -> str:
    """The indicator wording inside ``name`` after a noun that narrows it (「人均」「海洋」 before
    地区生产总值, 生产总值), or "". Words that say where or when (「全省」) narrow nothing."""
    import jieba.posseg

    from assistant.ingest.figures import vocabulary as figure_vocabulary
    from assistant.query.analysis import vocabulary

    if name.lower() in _lowered_wordings():
        return ""  # 「地区生产总值」 is a wording itself
    inside = [(name.lower().find(w.lower()), w) for w in _indicator_wordings()]
    found = sorted(((at, -len(w), w) for at, w in inside if at > 0), key=lambda f: f[1])
    if not found:
        return ""
    at, _, wording = found[0]
    scoping = (*figure_vocabulary()["leading"], *vocabulary()["intent"]["not_narrowing"])
    if name[:at].endswith(tuple(scoping)):
        return ""  # 「全社会」「全省」 before it
    if name[:at].lower() in lexicon() or name[:at].lower() in _lowered_wordings():
        return ""  # 「外贸进出口总额」: 外贸 is the 进出口 itself, said twice
    before = jieba.posseg.lcut(name[:at], HMM=False)
    last = before[-1] if before else None
    if (
        last is None
        or len(last.word) < 2
        or not last.flag.startswith(NAME_TAGS)
        or _holds_a_place(last.word)
    ):
        return ""
    return wording


def _worded(name: str) -> list[str]:
    """The name, and the name with each colloquial word in it put in the documents' wording."""
    forms = [name]
    for alias, canonical in lexicon().items():
        if alias in name:
            forms.extend(name.replace(alias, word) for word in canonical if word != alias)
    return forms


@lru_cache(maxsize=QUESTIONS_REMEMBERED)
def _question_bigrams(
    text: str, expansions: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The question's own bigrams, those with its terms' document wordings, and those that may
    name a thing. The share of the question a name holds leaves out what is asked of it (投资,
    能竣工不)."""
    content = _content(text)
    asked = frozenset(bigrams(content))
    wanted = asked | {b for term in expansions for b in bigrams(term)}
    naming = frozenset(bigrams(_without_measures(content))) or asked
    return asked, wanted, naming


def _without_measures(text: str) -> str:
    """「顾村新建初中投资多少」 names 「…新建初中项目」: what is asked of a thing (投资, 目标) is
    no part of its name."""
    return cue("asked_of_a_name").sub(" ", text)


def _content(text: str) -> str:
    """The question without its question words and years."""
    text = QUESTION_WORDS.sub(" ", text)
    return re.sub(r"(19|20)\d{2}年?", " ", text)


def key_terms(question: Question, rarity: Rarity, ignore: Iterable[str] = ()) -> dict[str, float]:
    """The words a passage must contain to answer the question, with their weights.

    ``ignore``: words that say nothing about the answer, such as the district's own name.
    """
    ignored = set(ignore) | set(_document_words())
    content = _without_places_counted(_content(question.text))
    terms: dict[str, float] = {}
    # A quoted name is one term, whole, even when it holds the place's own name (「“爱山东”」).
    for name in _quoted_with_own_name(question, ignored):
        terms[name] = rarity.word_weight(name)
        content = content.replace(name, " ")
    for phrase in document_phrases():
        content = content.replace(phrase, " ")  # 「贵州省政府工作报告里说」 leaves no 省政府/工作
    for name in sorted(ignore, key=len, reverse=True):
        # (after the document's own words: 「工作」 ignored in 「政府工作报告」 would leave 政府)
        longer = [o[len(name) :] for o in ignore if o.startswith(name) and o != name]
        ignored.update(longer)  # 「宝山区」 leaves 「区」, but 「宝山区委书记」 keeps 「区委」
        # 「湖南岳阳」 is not 湖/南岳/阳; 「新疆维吾尔自治区」 goes whole, 「宝山区」 as 「宝山」.
        # A one-character short name (浙) does not keep 「浙江」 from going whole.
        shorter = [o for o in ignore if name.startswith(o) and o != name and len(o) >= 2]
        if all(len(name) - len(o) >= 2 for o in shorter):
            content = _without_name(content, name, rarity)
    scene = _scene_only(question.text)
    for word in map(rarity.as_written, _question_words(content, rarity)):
        if word in STOPWORDS or word in ignored or re.fullmatch(r"[\d.]+", word) or len(word) < 2:
            continue
        weight = rarity.word_weight(word)
        if word in _soft_words() or scene(word):
            weight *= SOFT_WEIGHT
        elif not rarity.known(word):
            weight *= UNKNOWN_WEIGHT
        terms[word] = weight
    for run in _joined_characters(content, rarity):
        terms.setdefault(run, rarity.word_weight(run))
    return terms


def _scene_only(text: str) -> Callable[[str], bool]:
    """Whether a word is said only where the asker tells their own situation (外贸 of
    「我是做外贸的，…出口总值增长了多少」): it weighs less than the words that ask."""
    told, asked = _told_and_asked(text)
    return lambda word: word in told and word not in asked


@lru_cache(maxsize=256)
def _told_and_asked(text: str) -> tuple[str, str]:
    """The question's clauses that tell the asker's own situation, and the rest."""
    pieces = QUESTION_CLAUSE.findall(text)
    told = "".join(p for p in pieces if sets_scene(p))
    return told, "".join(p for p in pieces if not sets_scene(p))


def _without_name(content: str, name: str, rarity: Rarity) -> str:
    """The content without the place's own name. A one-character short name stays where it
    begins a word the document writes (陇 in 「陇东地区」, 晋 in 「晋城」): that is another name."""
    if len(name) > 1:
        return content.replace(name, " ")

    return re.sub(
        re.escape(name),
        lambda m: m.group() if rarity.mentions(content[m.start() : m.start() + 2]) else " ",
        content,
    )


def _without_places_counted(content: str) -> str:
    """「鄂湘两省」: one-character names counted as places are the places asked, never a word to
    look for, even where the text writes them together (「鄂湘赣」)."""
    return "".join(
        " "
        if character in one_character_names() and run_counted_as_places(content, at)
        else character
        for at, character in enumerate(content)
    )


def _question_words(content: str, rarity: Rarity) -> Iterator[str]:
    """The segmenter's words, except a guess across a particle that the indexed text never
    writes (「个智算」): its pieces the text writes together stand instead (「智算」)."""
    for word in rarity.tokenizer.words(content):
        pieces = [] if rarity.known(word) else rarity.tokenizer.guessed_across_a_particle(word)
        if pieces:
            runs = "".join(" " if piece in STOPWORDS else piece for piece in pieces).split()
            for run in runs:
                yield from _written_together(run, rarity)
        else:
            yield word


def _joined_characters(content: str, rarity: Rarity) -> Iterator[str]:
    """Characters the segmenter leaves one by one (「坚定走好」 → 坚定/走/好), taken together when
    the indexed text writes them together: 「走好」 is a word of that text, 走 and 好 are not."""
    run: list[str] = []
    for piece in [*rarity.tokenizer.segment(content), ""]:
        if len(piece) == 1 and CJK_CHARACTER.fullmatch(piece) and piece not in STOPWORDS:
            run.append(piece)
            continue
        yield from _written_together("".join(run), rarity)
        run = []


def _written_together(run: str, rarity: Rarity) -> Iterator[str]:
    """The longest stretches of two characters or more the indexed text has, left to right."""
    start = 0
    while start < len(run) - 1:
        found = longest_prefix(run[start:], 2, rarity.mentions)
        if found:
            yield found
        start += len(found) or 1


def coverage(terms: dict[str, float], text: str, question: Question) -> float:
    """Share of the terms' weight found in ``text``; an alias counts through its expansions."""
    if not terms:
        return 0.0
    text = text.lower()
    found = 0.0
    for term, weight in terms.items():
        if _stands_in(term, text) or any(
            e.lower() in text and _alias_of(term, e) for e in question.expansions
        ):
            found += weight
        elif any(canonical.lower() in text for canonical in _canonical(term)):
            # A named indicator's wording is the indicator (研发投入强度 = 研究与试验发展经费投入
            # 强度); another alias's is only close (小巨人 → 专精特新).
            named = _is_indicator_name(term) or term.lower() in _lowered_wordings()
            found += weight * (1.0 if named else PARTIAL_CREDIT)
        elif _coded(term, text):
            found += weight  # 「国道」 met by 「G318、G219」
        elif any(_opens_a_clause(word, text) for word in bare_names().get(term.lower(), ())):
            found += weight  # 「固投」 met by 「，投资增长7%左右」
        elif len(term) >= GAPPED_MIN and _gapped(term, text):
            found += weight  # 「粮食产量」 written 「粮食总产量」: the same words, one more between
        elif len(term) >= 3:
            # 「科技成果转化」 against 「成果转化」: part of a long word is half a match.
            pieces = bigrams(term)
            found += weight * PARTIAL_CREDIT * sum(p in text for p in pieces) / len(pieces)
    return found / sum(terms.values())


def _stands_in(term: str, text: str) -> bool:
    """The term is in the text, somewhere other than inside a longer word that holds a part of
    it as another thing (「出口总值」 inside 「进出口总值」)."""
    if term not in text:
        return False
    holders = [
        (part, longer)
        for part, longers in inside_longer_words().items()
        if part in term
        for longer in longers
        if longer not in term
    ]
    if not holders:
        return True
    return any(
        not any(_held(text, start + term.find(part), part, longer) for part, longer in holders)
        for start in (m.start() for m in re.finditer(re.escape(term), text))
    )


def _held(text: str, at: int, part: str, longer: str) -> bool:
    """The ``part`` at ``at`` is inside an occurrence of ``longer``."""
    offset = longer.find(part)
    return offset >= 0 and text[at - offset : at - offset + len(longer)] == longer


def _coded(term: str, text: str) -> bool:
    code = written_as().get(term)
    return code is not None and code.search(text) is not None


def thing_named(named: str, document: DocumentKnowledge) -> str:
    """The question's named thing, if it is one of the document's projects or a thing of a known
    kind (广州新机场), not named after the document's own place (海南自贸港): a sentence must
    then be about it, not about another thing of the same chapter."""
    if not named or named.startswith(document.own_names):
        return ""
    if cue("thing_kinds").search(named):
        return named
    return named if any(named in p.row.name for p in document.projects) else ""


def as_asked(name: str, asked: str) -> str:
    """The name as the question writes it: its words in another order (「新增城镇就业」 asked
    as 「城镇新增就业」), or without a character questions leave out (「算力总规模」 asked as
    「算力规模」); else the name."""
    from assistant.query.normalise import left_out_of_names

    if name in asked:
        return name
    if len(name) >= REORDERED_MIN:
        reordered = _windows(asked, len(name)).get("".join(sorted(name)))
        if reordered:
            return reordered
    for at in range(1, len(name) - 1):
        if name[at] in left_out_of_names():
            shorter = name[:at] + name[at + 1 :]
            if shorter in asked and name not in asked:
                return shorter
    return name


@lru_cache(maxsize=64)
def _windows(text: str, size: int) -> dict[str, str]:
    """Each stretch of ``size`` characters of the text, keyed by its characters in sorted order."""
    return {
        "".join(sorted(text[i : i + size])): text[i : i + size] for i in range(len(text) - size + 1)
    }


def _gapped(term: str, text: str) -> bool:
    """The term's two parts in order with a character or two between: 「粮食产量」 in
    「粮食总产量」, 「研发投入」 in 「研发经费投入」."""
    return any(
        re.search(f"{re.escape(term[:cut])}.{{1,{GAP_CHARS}}}{re.escape(term[cut:])}", text)
        for cut in range(2, len(term) - 1)
    )


def one_character_apart(question: str, name: str) -> bool:
    """A stretch of the question (6 characters or more) matches one of the name but for one
    character of a contrasting pair (上/下, 南/北…), and the question never has that stretch of
    the name as written. Other one-character differences are left alone: 「到」 for 「-」 or a
    word left out are the same thing written loosely. Only the name's contrasting characters are
    tried, so a long row name costs little."""
    for at, char in enumerate(name):
        for partner in _partners(char):
            variant = name[:at] + partner + name[at + 1 :]
            for begin, end in _stretches_around(at, len(name)):
                if variant[begin:end] in question and name[begin:end] not in question:
                    return True
    return False


def one_attested_character_apart(question: str, name: str, document: str) -> bool:
    """A stretch of the question matches one of the name but for one character, and that
    character with a neighbour is a word the document has elsewhere: 「罗泾新镇新建配套道路」
    against 罗店新镇新建配套道路, in a document that names 罗泾镇. A slip of the pen
    (「南大智慧成」) makes no word the document has, and is still the same thing."""
    size = min(ATTESTED_APART, len(name))
    for at, char in enumerate(name):
        for begin, end in _stretches_around(at, len(name), range(size, size + 1)):
            if name[begin:at] not in question or name[at + 1 : end] not in question:
                continue  # both sides of the changed character must be there to match at all
            pattern = (
                re.escape(name[begin:at]) + "([\u4e00-\u9fff])" + re.escape(name[at + 1 : end])
            )
            for found in re.finditer(pattern, question):
                k = found.start(1)
                if found.group(1) == char:
                    continue
                words = (question[max(0, k - 1) : k + 1], question[k : k + 2])
                if any(len(w) == 2 and w in document and w not in name for w in words):
                    return True
    return False


def _stretches_around(
    at: int, length: int, sizes: range | None = None
) -> Iterator[tuple[int, int]]:
    """Stretches of a name (MIN_APART characters or more, or of ``sizes``) that hold position
    ``at`` inside them, or at an end only where the name ends too (「南泗塘水闸」 for 北泗塘水闸);
    elsewhere a stretch may just run past the name in the question."""
    for size in sizes or range(MIN_APART, length + 1):
        for begin in range(max(0, at - size + 1), min(at, length - size) + 1):
            end = begin + size
            if (begin < at or begin == 0) and (at < end - 1 or end == length):
                yield begin, end


@cache
def _contrasts() -> dict[str, tuple[str, ...]]:
    """Each contrasting character and the ones it is told apart from."""
    from assistant.query.analysis import vocabulary

    partners: dict[str, list[str]] = {}
    for group in vocabulary()["contrasting_characters"]:
        for char in group:
            partners.setdefault(char, []).extend(other for other in group if other != char)
    return {char: tuple(others) for char, others in partners.items()}


def _partners(char: str) -> tuple[str, ...]:
    return _contrasts().get(char, ())


def _word_across(tokenizer, text: str, cut: int) -> str:
    """The segmenter's word of ``text`` that ``cut`` falls inside, or ""."""
    at = 0
    for word in tokenizer.segment(text):
        if at < cut < at + len(word):
            return word
        at += len(word)
    return ""


SECTION = "段"  # 「18号线宝山段」: a line's part inside a place


def _name_spans(text: str) -> list[str]:
    """The question cut at its question, time and measure words: what is left names things."""
    spans = (_without_section_in_a_place(span) for span in _name_stops().split(text))
    return [span for span in spans if len(span) >= MIN_ATTESTED]


def _without_section_in_a_place(span: str) -> str:
    """「巢马城际铁路安徽段」: the part of a thing inside a place is named by the thing."""
    if not span.endswith(SECTION):
        return span
    for start in range(len(span) - 2):  # a place name of two characters or more
        if find_place(span[start:-1]) is not None:
            return span[:start]
    return span


@cache
def _name_stops() -> re.Pattern[str]:
    from assistant.query.analysis import vocabulary

    words = vocabulary()
    stops = (
        *words["joined_name_stops"],
        *words["name_span_stops"],
        *words["intent"]["asked_of_a_name"],  # never part of a name
    )
    words_pattern = "|".join(re.escape(w) for w in sorted(stops, key=len, reverse=True))
    return re.compile(rf"{WRITTEN_YEAR}|{words_pattern}")  # a normalised 今年 is 「2024年」


def misses_a_named_indicator(question: Question, text: str) -> bool:
    """The question names an indicator (「社零」), or a part of one, that ``text`` states in no
    wording."""
    from assistant.query.normalise import abbreviated_names, required_names

    lowered = text.lower()
    short, bare = abbreviated_names(), bare_names()
    return misses_an_asked_part(question, text) or any(
        not _stands_in(name, lowered)
        and not any(
            _stands_in(c.lower(), lowered) for c in (*_canonical(name), *short.get(name, ()))
        )
        and not any(_opens_a_clause(word, lowered) for word in bare.get(name, ()))
        for name in _names_asked(question.text.lower(), required_names())
    )


def _opens_a_clause(word: str, text: str) -> bool:
    """``word`` stands at the start of the text or right after a punctuation mark, with nothing
    before it that would narrow it (「，投资增长7%左右」, not 「工业投资」)."""
    return re.search(rf"(?:^|[，,；;。：:、]){re.escape(word)}", text) is not None


def misses_an_asked_part(question: Question, text: str) -> bool:
    """The question asks a part of a whole (「就业目标中高校毕业生就业人数」) and ``text`` has
    none of the part's own words: it states the whole, not the part asked."""
    from assistant.query.cues import cue

    found = cue("part_of_whole").search(question.text)
    if found is None:
        return False
    whole = set(bigrams(question.text[: found.start("part")]))
    own = [pair for pair in bigrams(found.group("part")) if pair not in whole]
    lowered = text.lower()
    return bool(own) and not any(pair in lowered for pair in own)


def is_an_asked_indicator(question: Question, name: str) -> bool:
    """``name`` is the wording of an indicator the question asks by a common name: 「地区生产总值」
    for 「GDP」 (a place's 「全省」 before it allowed), or the bare head word a report writes for
    it (投资 for 固投)."""
    from assistant.query.normalise import required_names

    lowered = name.lower()
    asked = _names_asked(question.text.lower(), required_names())
    wholes = required_names("whole_prefixes")

    def of_the_whole(wording: str) -> bool:
        prefix = lowered[: len(lowered) - len(wording)]
        return len(prefix) <= PLACE_PREFIX_CHARS or prefix in wholes

    return any(
        lowered.endswith(w.lower()) and of_the_whole(w)
        for indicator in asked
        for w in (indicator, *_canonical(indicator))
    ) or any(lowered in bare_names().get(indicator, ()) for indicator in asked)


def narrows_an_asked_indicator(question: Question, name: str) -> bool:
    """A figure's name puts words the question does not have before the wording of an indicator
    it asks (「跨境电商出口规模」 for 「外贸出口规模」): it names a part, not the whole."""
    from assistant.query.normalise import required_names

    lowered, asked = name.lower(), question.text.lower()
    narrowable = required_names("narrowed_by_words_before")
    for indicator in _names_asked(asked, required_names()):
        if indicator not in narrowable:
            continue
        found = [lowered.find(w.lower()) for w in (indicator, *_canonical(indicator))]
        starts = [at for at in found if at >= 0]
        if not starts or min(starts) <= PLACE_PREFIX_CHARS:
            continue
        head = lowered[: min(starts)]
        rest = asked.replace(indicator, "")  # 「服务贸易」 is no part of 「货物贸易出口」 asked
        if not any(pair in rest for pair in bigrams(head)):
            return True
    return False


def _names_asked(asked: str, names: Iterable[str]) -> list[str]:
    """The indicator names a question uses, each whole: 「外贸出口」 is asked, not its 「外贸」;
    nor 外贸 of the asker's own situation (「我是做外贸的，…出口总值」)."""
    asked = _told_and_asked(asked)[1] or asked
    found = [name for name in names if name in asked]
    found = [name for name in found if not any(name != o and name in o for o in found)]
    # 「研发经费投入强度(R&D占GDP比重)」: a name inside a gloss explains the one before it
    outside = GLOSS.sub("", asked)
    named_outside = [name for name in found if name in outside]
    return named_outside or found


def states_another_indicator(question: Question, text: str) -> bool:
    """``text`` states a named indicator (社会消费品零售总额) that the question does not ask."""
    from assistant.query.normalise import required_names

    lowered, asked = text.lower(), question.text.lower()
    return any(
        name not in asked and any(w.lower() in lowered for w in (name, *_canonical(name)))
        for name in required_names()
    )


def contradicts(question: Question, text: str, own_whole: Sequence[str] = ()) -> bool:
    """The question asks for one side of a pair (支出) and the text only has the other (收入).
    ``own_whole``: the document's own whole (全省), of which its shares are."""
    from assistant.ingest.figures import vocabulary as figure_vocabulary
    from assistant.query.analysis import vocabulary

    joiner = figure_vocabulary()["item_joiners"]
    for one, other in vocabulary()["contrasts"]:
        if re.search(f"{one}{joiner}{other}|{other}{joiner}{one}", question.text):
            continue  # 「城镇和农村居民…各是多少」 asks both sides, not 「全线（不只宝山段）」
        for asked, opposite in ((one, other), (other, one)):
            if asked in question.text and asked not in text and opposite in text:
                return True
    if any(scope not in text for scope in compared_scopes(question.text, own_whole)):
        return True  # 「比全国高多少」, and the text compares with 全省
    return _other_number(question.text, text)


def compared_scopes(question: str, own_whole: Sequence[str] = ()) -> list[str]:
    """What a figure asked is measured against: 全国 of 「比全国高多少」「高于全国几个点」; a
    share of the document's own whole (「占全省的比重」 in a province's report) is its own."""
    scopes = []
    for found in cue("compared_scope").finditer(question):
        share = found.re.groupindex["share"]
        groups = [g for at, g in enumerate(found.groups(), start=1) if g and at != share]
        if found.group("share") and groups and groups[0] in own_whole:
            continue
        scopes.extend(groups)
    return scopes


def _other_number(question: str, text: str) -> bool:
    """The question names 「19号线」 (or 「第2个」); the text has another number with that word
    and not 19."""
    stated = _numbers_named(text)
    for number, word in _numbers_named(question):
        if (number, word) not in stated and any(w == word for _, w in stated):
            return True
    return False


def _numbers_named(text: str) -> set[tuple[str, str]]:
    """(number, counter) of every numbered name and ordinal: 「19号线」, 「第2个」 as 第个."""
    numbered, ordinal = _numbered()
    return {
        *((_number_value(n), w) for n, w in numbered.findall(text)),
        *((_number_value(n), f"第{w}") for n, w in ordinal.findall(text)),
    }


def _number_value(number: str) -> str:
    """「第二批」 in the text is 「第2批」 in a normalised question."""
    from assistant.query.normalise import chinese_number, well_formed

    if number.isdigit():
        return str(int(number))
    return str(chinese_number(number)) if well_formed(number) else number


@cache
def _count_then_change() -> re.Pattern[str]:
    """A count of things right before a change: 「…企业达到9570家、(增长)」."""
    from assistant.ingest.figures import alternation
    from assistant.ingest.figures import vocabulary as figure_vocabulary

    words = figure_vocabulary()
    magnitudes, counters = alternation(words["magnitudes"]), alternation(words["counters"])
    changes = alternation(words["change_verbs"])
    return re.compile(rf"\d[\d.]*(?:{magnitudes})?(?:{counters})、(?:{changes})?$")


@cache
def _trailing_verb() -> re.Pattern[str]:
    """The verb a subject ends on before its figure (「…企业达到」), longest first."""
    from assistant.ingest.figures import alternation
    from assistant.ingest.figures import vocabulary as figure_vocabulary

    return re.compile(rf"(?:{alternation(figure_vocabulary()['verbs'])})$")


def counted_change(before: str, question: Question) -> bool:
    """``before``: the words before a change (「外贸实绩企业达到9570家、增长」). A change right
    after a count of things is the count's, and answers no question that does not name those
    things (「外贸进出口增长了多少」)."""
    count = _count_then_change().search(before)
    if count is None:
        return False
    subject = _trailing_verb().sub("", before[: count.start()], count=1)
    thing = subject[-COUNTED_THING_CHARS:]
    return len(thing) == COUNTED_THING_CHARS and thing not in question.text


def misnumbered_in(question: Question, text: str) -> str:
    """A numbered name the question asks for that ``text`` has only with other numbers: a
    document, or a sentence (「管道扩建工程一期建成」 says nothing of 管道扩建二期工程)."""
    numbered, _ = _numbered()
    for asked in numbered.finditer(question.text):
        number, counter = _number_value(asked.group(1)), asked.group(2)
        before = question.text[max(0, asked.start() - NUMBERED_STEM) : asked.start()]
        stem = re.split(r"[^\u4e00-\u9fff]", before)[-1]
        if len(stem) < MIN_NUMBERED_STEM or find_place(stem.removesuffix("第")) is not None:
            continue  # 「河南第二届…论坛」: a place before an ordinal is no numbered name
        # 「扩建二期工程」 asked where the text writes 「扩建工程一期」: the kind after the
        # number may come before it
        kind = re.match(cue("thing_kinds").pattern, question.text[asked.end() :])
        stems = [stem, stem + kind.group()] if kind else [stem]
        stated = {
            _number_value(found.group(1))
            for each in stems
            for found in re.finditer(rf"{re.escape(each)}({NUMBER})\s*{re.escape(counter)}", text)
        }
        if stated and number not in stated:
            return stem + asked.group()
    return ""


@cache
def _numbered() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A numbered name (「19号线」「三期」「07-08地块」) and an ordinal (「第2个“三年行动”」); the
    counters are data."""
    from assistant.query.analysis import vocabulary

    def alternatives(name: str) -> str:
        return "|".join(map(re.escape, sorted(vocabulary()[name], key=len, reverse=True)))

    pointer = "".join(vocabulary()["numeral_pointers"])  # 「哪一届」「每一期」: no number
    return (
        re.compile(rf"(?<![{pointer}])({NUMBER})\s*({alternatives('name_counters')})"),
        re.compile(rf"第({NUMBER})({alternatives('ordinal_counters')})"),
    )


def _unwritten_noun(word: str, written: str) -> bool:
    """A name word of two Chinese characters or more that the document never writes (「妇幼保健」
    「五台山」), not a verb or a pointer (「列入」「那个」) nor a colloquial alias (「轨交」)."""
    import jieba.posseg

    if not _unwritten_word(word, written):
        return False
    return all(piece.flag[0] in NAME_TAGS for piece in jieba.posseg.lcut(word, HMM=False))


def _ends_with_a_classifier(word: str) -> bool:
    """「换家」「建个」 before 医院: a verb and its classifier (「换一家医院」), no name."""
    import jieba.posseg

    pieces = jieba.posseg.lcut(word, HMM=False)
    return len(pieces) > 1 and pieces[-1].flag == "q"


def _unwritten_word(word: str, written: str) -> bool:
    """Two Chinese characters or more that the document never writes, and no colloquial or
    soft word the lexicon knows."""
    if len(word) < 2 or word in written or is_soft(word) or _aliased(word):
        return False
    return all("\u4e00" <= c <= "\u9fff" for c in word)


def _holds_a_place(word: str) -> bool:
    """「四川报告」 names a place; so does a county's short name alone (「昌平」「敦煌」)."""
    from assistant.places import short_names
    from assistant.query.analysis import names_a_place

    return word in short_names() or names_a_place(word)


def _aliased(word: str) -> bool:
    """Part of a colloquial name the lexicon knows (「轨交」 in 轨交18号线)."""
    return any(word in alias for alias in lexicon())


def is_soft(word: str) -> bool:
    """A word about how a figure is measured or what was done (「要求」「完成」), not its topic."""
    return word in _soft_words()


def _soft_words() -> frozenset[str]:
    from assistant.query.analysis import vocabulary

    return frozenset(vocabulary()["soft_words"])


def _document_words() -> list[str]:
    from assistant.query.analysis import vocabulary

    return vocabulary()["document_words"]


def _is_indicator_name(term: str) -> bool:
    from assistant.query.normalise import required_names

    return term.lower() in required_names()


def _canonical(term: str) -> tuple[str, ...]:
    from assistant.query.normalise import lexicon

    return lexicon().get(term.lower(), ())


def _alias_of(term: str, expansion: str) -> bool:
    from assistant.query.normalise import lexicon

    return any(expansion in canonical for alias, canonical in lexicon().items() if term in alias)
