"""A briefing draft on one topic: results, targets, projects and measures, every sentence cited.

Built from the same pieces as chat answers: typed table rows, verbatim sentences, rarity-weighted
coverage of the topic's words, and the same verifier (``verify.problems``) run on every sentence and
on every section, so a briefing never shows a number a chat answer could not show.

Relevance is decided by the topic's own words: the words (weighted by rarity in the index), the
lexicon's wording for them, a few generic related words (``prompts/brief.toml``), found in a
sentence or in the headings above it. Table rows are also taken when a relevant passage states
their figure or names them. Facts are claimed once: table rows first, then sentences best first;
a figure already shown is trimmed from a later sentence, and no quote is cited by two sections.

Modules, each importing only those above it: ``briefing`` (the records, their wording, the check
a finished briefing must pass), ``library`` (what is read from the index once per service),
``claims`` (figures, and the facts already shown), ``topic`` (the topic's words and how much of
them a text covers), ``drafting`` (choosing and verifying the lines), ``build``
(``build_briefing``: which document, or why none); ``export`` writes Markdown and Word.
"""

from assistant.brief.briefing import Briefing, BriefSection, markers, problems, templates
from assistant.brief.build import build_briefing
from assistant.brief.claims import amounts

__all__ = [
    "BriefSection",
    "Briefing",
    "amounts",
    "build_briefing",
    "markers",
    "problems",
    "templates",
]
