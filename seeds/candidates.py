"""Runs of capitalised words → candidate people, organisations and places.

A run is first checked whole (an organisation head word such as Department or Times makes
it an organisation), then cut where the gazetteer recognises a place or a known
organisation (longest first); what is left is a person when it reads as a Korean name,
starts with a common given name, or sits next to a person cue (a title such as
"ambassador", an apposition such as ", 48," or ", who", a reporting verb such as "said").
A title opening the run ("Chairman Piet Vos" mid-sentence) is a person cue, not part of the
name. Single words are kept only as short mentions to resolve later (a surname, an
acronym); longer runs without a cue are kept as names for `seeds.bodies` to settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from seeds.korean import KoreanName, parse_name
from seeds.resources import OrgEntry, PlaceEntry, given_names, is_ordinary_word, orgs, places
from seeds.text import CONNECTORS, Sentence, Token, at_sentence_start, capitalised_runs
from seeds.vocab import (
    NOT_NAMES,
    ORG_HEADS,
    ORG_PREFIXES,
    PERSON_TITLES,
    REPORTING,
    TITLE_MODIFIERS,
)

_APPOSITION = re.compile(r"^\s*,\s*(?:(\d{1,3}\s*,|who|whose)|(?:a|an|the|now|former)\b)")
STRONG_PERSON_CUES = frozenset({"korean", "given", "title", "apposition"})
"""Person cues that no organisation shares; "reporting" (X said) and "description"
(X, the …) are weaker: a body speaks and is described too."""


@dataclass(slots=True)
class Candidate:
    kind: str  # person | org | place | short (one word) | name (words without a cue)
    text: str
    tokens: list[Token]
    sentence: int
    place: PlaceEntry | None = None
    org: OrgEntry | None = None
    korean: KoreanName | None = None
    acronyms: list[str] = field(default_factory=list)
    cue: str = ""  # why a person: korean|given|title|apposition|reporting|description|echo


@cache
def gazetteer() -> dict[str, PlaceEntry | OrgEntry]:
    """Lower-case English form → place or known organisation (places win)."""
    index: dict[str, PlaceEntry | OrgEntry] = {}
    for org in orgs():
        for form in (org.name, *org.others):
            index.setdefault(form.lower(), org)
    for place in places():
        for form in place.english_forms:
            if place.kind == "country" or form.lower() not in index:
                index[form.lower()] = place
    return index


def find_candidates(
    sentences: list[Sentence], tokens: list[list[Token]], text: str
) -> list[Candidate]:
    """Every candidate entity mention in the document, in order."""
    out: list[Candidate] = []
    for sentence, sentence_tokens in zip(sentences, tokens, strict=True):
        for run in capitalised_runs(sentence_tokens, text):
            run = _strip_leading(run, sentence)
            if run:
                out.extend(_classify(run, sentence_tokens, sentence, text))
    return out


def _strip_leading(run: list[Token], sentence: Sentence) -> list[Token]:
    """Drop sentence-initial ordinary words (Because, The, Defectors) and month names."""
    while run and (
        run[0].text in NOT_NAMES
        or (
            at_sentence_start(run[0], sentence)
            and is_ordinary_word(run[0].text)
            and not _gazetteer_at(run, 0)
            and run[0].text.lower() not in given_names()
        )
    ):
        run = run[1:]
        while run and not run[0].capitalised:
            run = run[1:]
    cut = next((i for i, t in enumerate(run) if t.text in NOT_NAMES), len(run))
    run = run[:cut]  # "Riverside Rovers on Saturday" ends before "on Saturday"
    while run and not run[-1].capitalised:
        run = run[:-1]
    return run


def _gazetteer_at(run: list[Token], i: int) -> int:
    """Number of tokens of the longest gazetteer form starting at run[i], or 0."""
    index = gazetteer()
    for n in range(min(7, len(run) - i), 0, -1):
        piece = run[i : i + n]
        entry = index.get(_join(piece).lower()) if piece[-1].capitalised else None
        if entry is not None and _same_case(_join(piece), entry):
            if n < len(run) - i and piece[-1].possessive is False and _head(run[i + n :]):
                continue  # "Korea Workers Party": the org head wins over the place
            return n
    return 0


def _same_case(text: str, entry: PlaceEntry | OrgEntry) -> bool:
    """Acronyms (UN, US) match only in capitals: "Un" in Kim Jong Un is no UN."""
    forms = entry.english_forms if isinstance(entry, PlaceEntry) else (entry.name, *entry.others)
    return any(f == text if f.isupper() else f.lower() == text.lower() for f in forms)


def _head(rest: list[Token]) -> bool:
    return any(t.text in ORG_HEADS for t in rest) and not any(t.possessive for t in rest[:-1])


def _join(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _classify(
    run: list[Token], sentence_tokens: list[Token], sentence: Sentence, text: str
) -> list[Candidate]:
    out: list[Candidate] = []
    i = 0
    pending: list[Token] = []
    while i < len(run):
        n = _gazetteer_at(run, i)
        if n == 0 and _is_org_run(run[i:]):
            n = len(run) - i
        if n:
            out.extend(_other(pending, sentence_tokens, sentence, text))
            pending = []
            out.append(_known(run[i : i + n], sentence, sentence_tokens, text))
            i += n
        else:
            pending.append(run[i])
            i += 1
    out.extend(_other(pending, sentence_tokens, sentence, text))
    return out


def _is_org_run(run: list[Token]) -> bool:
    if sum(1 for t in run if t.capitalised) < 2:
        return False
    return (
        run[-1].text in ORG_HEADS
        or run[0].text in ORG_PREFIXES
        or (run[0].text in ORG_HEADS and run[1].text == "of")
    )


def _known(
    piece: list[Token], sentence: Sentence, sentence_tokens: list[Token], text: str
) -> Candidate:
    entry = gazetteer().get(_join(piece).lower())
    cand = Candidate("org", _join(piece), piece, sentence.index)
    if isinstance(entry, PlaceEntry):
        cand.kind, cand.place = "place", entry
    elif isinstance(entry, OrgEntry):
        cand.org = entry
    cand.acronyms = _acronym_after(piece, text) if cand.kind == "org" else []
    return cand


def _acronym_after(piece: list[Token], text: str) -> list[str]:
    """`Organization and Guidance Department, or OGD` / `(OGD)` → [OGD]."""
    m = re.match(r"\s*(?:,\s*or\s+(?:the\s+)?|\(\s*)([A-Z][A-Za-z]{1,7})\b", text[piece[-1].end :])
    if m is None:
        return []
    initials = [t.text[0] for t in piece if t.text not in CONNECTORS]
    acronym = m.group(1)
    return [acronym] if acronym[0] == initials[0] and acronym.isupper() else []


def _other(
    pending: list[Token], sentence_tokens: list[Token], sentence: Sentence, text: str
) -> list[Candidate]:
    """Words the gazetteer does not know: a person, an acronym, a short mention or a name."""
    pending, titled = _without_title(pending)
    words = [t for t in pending if t.capitalised]
    if not words:
        return []
    name = _join(pending)
    if len(words) == 1:
        return [_single(words[0], sentence_tokens, sentence, text)]
    korean = parse_name([t.text for t in words]) if len(words) == len(pending) else None
    cue = "korean" if korean else "title" if titled else ""
    if not cue and 2 <= len(words) <= 4:
        cue = person_cue(pending, sentence_tokens, text)
    if cue not in STRONG_PERSON_CUES and words[0].text.lower() in given_names() and len(words) <= 3:
        cue = "given"
    if cue and len(words) <= 4:
        return [Candidate("person", name, pending, sentence.index, korean=korean, cue=cue)]
    if len(words) <= 5 and not any(t.text.isupper() for t in words):
        return [Candidate("name", name, pending, sentence.index)]
    return [_single(t, sentence_tokens, sentence, text) for t in words]


def _without_title(pending: list[Token]) -> tuple[list[Token], bool]:
    """`Chairman Piet Vos` → `Piet Vos`, titled; a title alone (Prime Minister) stays."""
    i = 0
    while i < len(pending) and pending[i].text.lower() in PERSON_TITLES | TITLE_MODIFIERS:
        i += 1
    rest = pending[i:]
    titled = any(t.text.lower() in PERSON_TITLES for t in pending[:i])
    if not titled or sum(1 for t in rest if t.capitalised) < 2 or not rest[0].capitalised:
        return pending, False
    return rest, True


def _single(tok: Token, sentence_tokens: list[Token], sentence: Sentence, text: str) -> Candidate:
    cand = Candidate("short", tok.text, [tok], sentence.index)
    following = text[tok.end : tok.end + 20].lower()
    preceding = " ".join(t.text.lower() for t in sentence_tokens[max(0, tok.position - 2) :][:2])
    if (
        re.match(r"\s+(?:news\s+)?(?:agency|newspaper|daily)\b", following)
        or re.search(r"\b(?:newspaper|agency|broadcaster)\b", preceding)
        or (tok.text.isupper() and 2 <= len(tok.text) <= 6 and tok.text not in NOT_NAMES)
    ):
        cand.kind = "org"
    return cand


def person_cue(pending: list[Token], sentence_tokens: list[Token], text: str) -> str:
    """Why the words in `pending` read as a person's name ("" when nothing says so)."""
    first, last = pending[0], pending[-1]
    before = [t.text.lower() for t in sentence_tokens[max(0, first.position - 3) : first.position]]
    after = [t.text.lower() for t in sentence_tokens[last.position + 1 : last.position + 2]]
    if before and before[-1] in PERSON_TITLES:
        return "title"
    if (before and before[-1] in REPORTING) or (after and after[0] in REPORTING):
        return "reporting"
    m = _APPOSITION.match(text[last.end : last.end + 12])
    if m:
        return "apposition" if m.group(1) else "description"
    return ""
