"""Word lists and patterns, as data in one place.

``words.json`` is curated by hand; ``cues_polnear.json`` is mined from PolNeAR
train by ``python -m claimledger.training.cue_lexicon``.  Components read these constants
and never hold their own copies.
"""

from __future__ import annotations

import json
from importlib import resources


def load_json(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


WORDS = load_json("words.json")
MINED_CUES = load_json("cues_polnear.json")

CUE_VERBS = frozenset(WORDS["cue_verbs"])
CUE_NOUNS = frozenset(WORDS["cue_nouns"])
CUE_PHRASES = tuple(tuple(p) for p in WORDS["cue_phrases"])
FOCUS_ADVERBS = frozenset(WORDS["focus_adverbs"])
KIND_LEMMAS = {kind: frozenset(lemmas) for kind, lemmas in WORDS["statement_kinds"].items() if kind != "_comment"}  # "Even Republicans said": not part of the source
DENY_CUES = frozenset(WORDS["deny_cues"])
DENY_MARKERS = frozenset(WORDS["deny_markers"])
DECLINE_CUES = frozenset(WORDS["decline_cues"])
DECLINE_ASSERT_CUES = frozenset(WORDS["decline_assert_cues"])
DECLINE_MARKERS = tuple(WORDS["decline_markers"])
REPORT_NOUNS = frozenset(WORDS["report_nouns"])  # what a dismissal dismisses: "the reports are false"
HEDGE_CUES = frozenset(WORDS["hedge_cues"])
HEDGE_MARKERS = frozenset(WORDS["hedge_markers"])
ANONYMOUS_HEADS = frozenset(WORDS["anonymous_heads"])
ANONYMOUS_PHRASES = tuple(WORDS["anonymous_phrases"])
MEDIA = WORDS["media"]
PLATFORMS = WORDS["platforms"]
EVIDENCE_NOUNS = WORDS["evidence_nouns"]
APPROXIMATE_MARKERS = tuple(sorted(WORDS["approximate_markers"], key=len, reverse=True))
NUMBER_WORDS = WORDS["number_words"]
SCALE_WORDS = WORDS["scale_words"]
MONTHS = WORDS["months"]
WEEKDAYS = WORDS["weekdays"]
NEGATIONS = frozenset(WORDS["negations"])
COUNTRY_ALIASES = WORDS["country_aliases"]
DEMONYMS = WORDS["demonyms"]
