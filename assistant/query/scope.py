"""Which indexed documents a question is about, or why none of them can answer it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.ingest.timing import vocabulary as time_vocabulary
from assistant.knowledge import DocumentKnowledge
from assistant.places import short_name
from assistant.query.analysis import analyse, longest_prefix
from assistant.query.cues import cue
from assistant.query.intent import asked_unit
from assistant.query.normalise import Question, normalise

LOCATED_MIN = 4  # characters of a located thing's name at least


@dataclass(frozen=True)
class Scope:
    """Documents to answer from (each with the question normalised against its plan year)."""

    targets: tuple[tuple[DocumentKnowledge, Question], ...]
    missing_years: tuple[int, ...] = ()
    foreign_places: tuple[str, ...] = ()
    days: tuple[str, ...] = ()  # 「明天」「下周」: a yearly plan says nothing day by day
    personal: tuple[str, ...] = ()  # 「老家」「履历」: nor anything private about a person
    # Other places in a question that names an indexed district too (「嘉定区…跟宝山比」):
    # an answer must be about them, not only about the indexed district.
    other_places: tuple[str, ...] = ()
    across: bool = False  # 「各省今年GDP目标」: all the targets side by side
    # The documents a refusal is about (the place asked, when it has no such year, or of a
    # question no document answers by its kind): named first.
    considered: tuple[DocumentKnowledge, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.targets) > 1


def select(
    question: str,
    documents: Sequence[DocumentKnowledge],
    mentioned: Callable[[str], bool],
    place: str = "",
    mentioned_in: Callable[[DocumentKnowledge, str], bool] | None = None,
) -> Scope:
    """``mentioned``: does the indexed text contain a phrase (「中山公园」 is no city);
    ``mentioned_in``: does one document's text (a year it covers is its own, not another's).

    ``place``: the place chosen beside the chat box; a place the question names comes first.
    """
    analysis = analyse(question, documents, mentioned, mentioned_in)
    places = analysis.places
    if analysis.days:
        return Scope((), days=analysis.days, considered=tuple(places.documents))
    if analysis.personal:
        return Scope((), personal=analysis.personal, considered=tuple(places.documents))
    by_year = {year: normalise(question, year) for year in {d.meta.plan_year for d in documents}}
    normalised = {d.meta.doc_id: by_year[d.meta.plan_year] for d in documents}
    if places.elsewhere and not (places.documents or places.inside):
        return Scope((), foreign_places=places.elsewhere)
    chosen = [d for d in documents if place and d.meta.place == place]
    candidates = list(places.documents or places.containing or chosen or documents)
    covered = [
        d
        for d in candidates
        if _covers_years(d, normalised[d.meta.doc_id], _of(d, mentioned, mentioned_in))
    ]
    if not covered:
        asked = {y for d in candidates for y in normalised[d.meta.doc_id].years}
        named = tuple(candidates) if len(candidates) < len(documents) else ()
        return Scope((), missing_years=tuple(sorted(asked)), considered=named)
    if not any(
        normalised[d.meta.doc_id].years and not normalised[d.meta.doc_id].relative_years
        for d in covered
    ):
        covered = _newest_per_place(covered)
    # A neighbour named beside the document's place, or a city inside its province: an answer
    # must be about them, so the evidence has to name them.
    others = (*places.elsewhere, *places.inside)
    # 「湖北和江西…哪个省更多」: two places named and compared, not every document side by side
    two_compared = len(places.documents) == 2 and cue("compare").search(analysis.text) is not None
    several = len(covered) > 1 and len(places.documents) != 1
    across = analysis.across and several and not two_compared
    return Scope(
        tuple((d, normalised[d.meta.doc_id]) for d in covered), other_places=others, across=across
    )


def _of(
    document: DocumentKnowledge,
    mentioned: Callable[[str], bool],
    mentioned_in: Callable[[DocumentKnowledge, str], bool] | None,
) -> Callable[[str], bool]:
    if mentioned_in is None:
        return mentioned
    return lambda phrase: mentioned_in(document, phrase)


def _newest_per_place(documents: Sequence[DocumentKnowledge]) -> list[DocumentKnowledge]:
    """「今年」, or no year at all, means the newest plan of each place: this year's and last
    year's plans of one district do not both answer 「今年GDP目标」."""
    newest: dict[str, int] = {}
    for document in documents:
        key = _place_key(document)
        newest[key] = max(newest.get(key, 0), document.meta.plan_year or 0)
    return [d for d in documents if (d.meta.plan_year or 0) == newest[_place_key(d)]]


def _place_key(document: DocumentKnowledge) -> str:
    meta = document.meta
    return meta.place_code or meta.place or meta.doc_id


def locates_a_thing(question: str, place: str, quoted: str) -> bool:
    """「福建漳州那个古雷炼化一体化工程二期，总投资是多少」: the words right after the place (past
    的/那个…) name a thing of a known kind (工程, 机场, 医院…) that the evidence names as the
    question writes it; the place only says where that thing is, and need not be quoted."""
    at = question.find(place)
    if at < 0:
        return False
    rest = cue("locator_pointers").sub("", question[at + len(place) :], count=1)
    named = longest_prefix(rest, LOCATED_MIN, lambda stretch: stretch in quoted)
    return bool(named) and cue("thing_kinds").search(named) is not None


def speaks_for(question: str, place: str, quoted: str, shown: str) -> bool:
    """Whether an answer speaks for a place inside the one documented: it quotes and shows the
    place, and an amount asked in a unit (「唐山港…多少亿吨」) stands in a clause naming it,
    not only the province's (「港口货物吞吐量突破14亿吨，…唐山港…稳居全球第2位」)."""
    if locates_a_thing(question, place, quoted):
        return True
    name = place_name(place)
    if name not in quoted or name not in shown:
        return False
    unit = asked_unit(question)
    return not unit or any(name in c and unit in c for c in re.split(r"[，；。]", shown))


def place_name(place: str) -> str:
    """「嘉定区」 → 「嘉定」: how a text usually names a neighbour."""
    return short_name(place)


def _covers_years(
    document: DocumentKnowledge, question: Question, mentioned: Callable[[str], bool]
) -> bool:
    """A year outside the document's own (`own_years`) is fine only inside a name the text has
    (「2022年…百强」), or as a horizon both the question and the text set (「到2030年」)."""
    for year in set(question.years) - document.own_years:
        if f"到{year}年" in question.text and any(map(mentioned, _horizon_forms(year))):
            continue
        at = question.text.find(f"{year}年")
        phrase = question.text[at : at + 7] if at >= 0 else ""
        if not (len(phrase) == 7 and mentioned(phrase)):
            return False
    return True


def _horizon_forms(year: int) -> list[str]:
    """How a text sets a horizon: 「到2030年」「2030年前」「（2028—2030年）」."""
    words = time_vocabulary()["sentences"]
    before = (*words["horizon_before"], *words["period_end"])
    return [f"{b}{year}年" for b in before] + [f"{year}年{a}" for a in words["horizon_after"]]
