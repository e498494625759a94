"""Names without a head word ("Harbour Freight"): a body, a person or neither, read from the
words around every mention in the article.

A capitalised name of two words or more that is neither a known place nor a known body,
and that nothing marks as a person, is settled here:

- a person when its last word stands alone elsewhere as one (`Okafor, 41,` / `Vos said`),
  or when the sentence after one that opens with it opens with "He" or "She";
- an organisation on one strong cue: a staff or owner word after it ("Harbour Freight chief
  executive", "X spokesperson", "X's board"), a score after it ("beat X 3-1"), a body word
  before it ("the homelessness charity Safe Harbour"), a described apposition ("X, the
  shipping group,"), a verb or phrase before it ("the board of", "shares in", "joined",
  "left", "signed for", "analysts at", "joined … from"), or a "the company said" whose
  nearest preceding name it is;
- or on two weak cues: "at X", a second mention.

A name read as a person only because it speaks or is described ("X said", "X, the …") is
an organisation when a strong cue says so. Places, venues and events (Silicon Valley,
Kingsmead Stadium, the World Cup) are neither, and a title (Prime Minister) is no body.
"""

from __future__ import annotations

import re
from collections import Counter

from seeds.candidates import STRONG_PERSON_CUES, Candidate
from seeds.vocab import (
    BODY_BEFORE,
    BODY_NOUNS,
    BODY_OWNED,
    BODY_STAFF,
    NOT_BODY_FIRSTS,
    NOT_BODY_HEADS,
    PERSON_TITLES,
)

_NOUNS = "|".join(sorted(BODY_NOUNS, key=len, reverse=True))
_STAFF_AFTER = re.compile(rf"^\s+(?:{BODY_STAFF})\b", re.IGNORECASE)
_OWNED_AFTER = re.compile(rf"^'s\s+(?:{BODY_OWNED})\b", re.IGNORECASE)
_SCORE_AFTER = re.compile(r"^\s+\d{1,2}-\d{1,2}\b")
_NOUN_BEFORE = re.compile(rf"\b(?:{_NOUNS})\s+$")
_VERB_BEFORE = re.compile(rf"\b(?:{BODY_BEFORE})\s+(?:the\s+)?$", re.IGNORECASE)
_AT_BEFORE = re.compile(r"\bat\s+(?:the\s+)?$")
_DESCRIBED = re.compile(rf"^,\s+(?:the|a|an)\s+(?:[\w'-]+\s+){{0,3}}?(?:{_NOUNS})\b")
_NOT_AFTER_LEFT = re.compile(r"^(?:'s|\s+(?:in charge|alone|behind|out)\b)")
_ANAPHOR = re.compile(rf"\b[Tt]he\s+(?:[a-z-]+\s+)?(?:{_NOUNS})\b(?!\s+[A-Z])")
ANAPHOR_REACH = 300
"""Characters before "the company said" searched for the body it refers back to."""
_ECHO_AFTER = re.compile(r"^(?:,\s*\d{1,3}\s*,|,\s+who\b|\s+(?:said|says|told|added)\b)")
_ECHO_BEFORE = re.compile(r"\b(?:said|says|added|Mr|Mrs|Ms|Dr)\.?\s+$")
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?\"”]\s+|\n\s*)$")
_NEXT_SENTENCE = re.compile(r"[^.!?\n]*[.!?]\s+(He|She)\b")


def settle_names(candidates: list[Candidate], text: str) -> list[Candidate]:
    """Candidates with their names settled as people or organisations, or left out."""
    known = {c.text for c in candidates if c.kind in ("place", "org")}
    known |= {c.text for c in candidates if c.kind == "person" and c.cue in STRONG_PERSON_CUES}
    open_names = {c.text for c in candidates if _is_open(c) and c.text not in known}
    mentions = {name: _mentions(name, text) for name in open_names | known}
    referred = _referred_to(mentions, open_names, text)
    kinds: dict[str, str] = {}
    for name in open_names:
        if not _can_be_named(name):
            kinds[name] = "name"  # a venue or an event, whatever its cues: left out
        elif _echoes_a_person(name, text) or _followed_by_pronoun(mentions[name], text):
            kinds[name] = "person"
        elif _can_be_body(name) and _is_body(mentions[name], text, referred[name]):
            kinds[name] = "org"
    out = []
    for cand in candidates:
        kind = kinds.get(cand.text) if _is_open(cand) else None
        if kind is not None:
            cand.kind = kind
            cand.cue = "echo" if kind == "person" else ""
        if cand.kind != "name":
            out.append(cand)
    return out


def _is_open(cand: Candidate) -> bool:
    """A name nothing has settled, or a person only because it speaks or is described."""
    if cand.kind == "name":
        return True
    return (
        cand.kind == "person" and cand.korean is None and cand.cue in ("reporting", "description")
    )


def _mentions(name: str, text: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))


def _echoes_a_person(name: str, text: str) -> bool:
    """`Grace Okafor … Okafor, 41, joined` / `said Okafor`: the last word alone, as a person."""
    words = name.split()
    if len(words) > 3 or len(words[-1]) < 3:
        return False
    for m in _mentions(words[-1], text):
        if text[max(0, m.start() - len(name)) : m.end()].endswith(name):
            continue  # the full name, not the surname alone
        if _ECHO_AFTER.match(text[m.end() : m.end() + 12]) or _ECHO_BEFORE.search(
            text[max(0, m.start() - 8) : m.start()]
        ):
            return True
    return False


def _followed_by_pronoun(mentions: list[re.Match[str]], text: str) -> bool:
    """`Piet Vos spent eleven years at … He replaces …`"""
    for m in mentions:
        opens = _SENTENCE_OPENING.search(text[max(0, m.start() - 3) : m.start()])
        if opens and _NEXT_SENTENCE.match(text, m.end()):
            return True
    return False


def _can_be_named(name: str) -> bool:
    """False for places, venues and events: Silicon Valley, Kingsmead Stadium, World Cup."""
    words = name.split()
    return not (words[-1] in NOT_BODY_HEADS or words[0] in NOT_BODY_FIRSTS)


def _can_be_body(name: str) -> bool:
    """False for titles too: Prime Minister, Managing Director."""
    return not {w.lower() for w in name.split()} & PERSON_TITLES


def _is_body(mentions: list[re.Match[str]], text: str, referred: int) -> bool:
    """One strong cue, or two weak ones (see the module docstring)."""
    strong, weak = referred, min(1, len(mentions) - 1)
    for m in mentions:
        before, after = text[max(0, m.start() - 60) : m.start()], text[m.end() : m.end() + 40]
        if (
            _STAFF_AFTER.match(after)
            or _OWNED_AFTER.match(after)
            or _SCORE_AFTER.match(after)
            or _NOUN_BEFORE.search(before)
            or _DESCRIBED.match(after)
            or (_VERB_BEFORE.search(before) and not _NOT_AFTER_LEFT.match(after))
        ):
            strong += 1
        elif _AT_BEFORE.search(before):
            weak += 1
    return strong >= 1 or weak >= 2


def _referred_to(
    mentions: dict[str, list[re.Match[str]]], open_names: set[str], text: str
) -> Counter[str]:
    """How often "the company" (or club, party, charity …) refers back to each open name:
    the nearest place, body or open name before it (people are passed over)."""
    ends = sorted((m.end(), name) for name, ms in mentions.items() for m in ms)
    out: Counter[str] = Counter()
    for m in _ANAPHOR.finditer(text):
        before = [name for end, name in ends if m.start() - ANAPHOR_REACH <= end <= m.start()]
        if before and before[-1] in open_names:
            out[before[-1]] += 1
    return out
