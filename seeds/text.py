"""Sentences, word tokens and runs of capitalised words: the raw material of extraction."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "rep",
        "sen",
        "gov",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
CONNECTORS = frozenset(
    [
        "of",
        "and",
        "for",
        "the",
        "de",
        "del",
        "della",
        "di",
        "da",
        "von",
        "van",
        "al",
        "bin",
        "on",
        "y",
        "du",
    ]
)
"""Lower-case words that may sit inside a name: Organization and Guidance Department."""

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., D.P.R.K.
    r"|[A-Z]\.(?=\s+[A-Z])"  # an initial: N. Korea, J. Smith
    r"|[^\W\d_]+(?:[-‐‑'’][^\W\d_]+)*"  # words, hyphenated words, d'affaires, Korea's
    r"|\d+"
)
_BOUNDARY = re.compile(r"[.!?…]+[\"”’)\]]*\s+(?=[\"“‘(\[]?[^\W\d_a-z]|\d)")
_POSSESSIVE = re.compile(r"[’']s$")


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    paragraph: int
    start: int  # offset in the document text
    text: str


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # without a possessive 's
    start: int  # offset in the document text
    end: int
    possessive: bool
    sentence: int
    position: int  # index of the token in its sentence

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text`; every line is a paragraph, a title or a subheading is one."""
    out: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(text.split("\n")):
        start = 0
        for m in _BOUNDARY.finditer(line):
            if _is_abbreviation(line[: m.start() + 1]):
                continue
            _add(out, paragraph, offset + start, line[start : m.end()])
            start = m.end()
        _add(out, paragraph, offset + start, line[start:])
        offset += len(line) + 1
    return out


def _add(out: list[Sentence], paragraph: int, start: int, text: str) -> None:
    stripped = text.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    if stripped.strip():
        out.append(Sentence(len(out), paragraph, start + lead, stripped.strip()))


def _is_abbreviation(head: str) -> bool:
    word = re.search(r"([^\W\d_]+)\.$", head)
    if word is None:
        return False
    w = word.group(1)
    return (len(w) == 1 and w.isupper()) or w.lower() in ABBREVIATIONS


def tokenize(sentences: list[Sentence]) -> list[list[Token]]:
    """Word tokens of each sentence, with document offsets; possessive 's split off."""
    out = []
    for s in sentences:
        tokens = []
        for m in _TOKEN.finditer(s.text):
            word = m.group()
            possessive = bool(_POSSESSIVE.search(word)) and len(word) > 2
            if possessive:
                word = word[:-2]
            start = s.start + m.start()
            tokens.append(Token(word, start, start + len(word), possessive, s.index, len(tokens)))
        out.append(tokens)
    return out


def capitalised_runs(tokens: list[Token], text: str) -> list[list[Token]]:
    """Maximal runs of capitalised words, joined only by spaces or hyphens, connectors inside."""
    runs: list[list[Token]] = []
    run: list[Token] = []
    for i, tok in enumerate(tokens):
        joined = bool(run) and _plain_gap(text, run[-1], tok) and not run[-1].possessive
        if tok.capitalised:
            if not joined and run:
                runs.append(_trim(run))
                run = []
            run.append(tok)
        elif joined and tok.text in CONNECTORS and _continues(tokens, i, text):
            run.append(tok)
        elif run:
            runs.append(_trim(run))
            run = []
    if run:
        runs.append(_trim(run))
    return [r for r in runs if r]


def _plain_gap(text: str, a: Token, b: Token) -> bool:
    return re.fullmatch(r"[ \t\u00a0\-‐‑]+", text[a.end : b.start]) is not None


def _continues(tokens: list[Token], i: int, text: str) -> bool:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt is not None and nxt.capitalised and _plain_gap(text, tokens[i], nxt)


def _trim(run: list[Token]) -> list[Token]:
    while run and not run[-1].capitalised:
        run = run[:-1]
    return run


def sentence_of(sentences: list[Sentence], offset: int) -> int:
    """Index of the sentence holding document offset `offset`."""
    starts = [s.start for s in sentences]
    return max(0, bisect.bisect_right(starts, offset) - 1)


def at_sentence_start(tok: Token, sentence: Sentence) -> bool:
    """True when only quotes or punctuation precede `tok` in its sentence."""
    head = sentence.text[: tok.start - sentence.start]
    return not re.search(r"\w", head)
