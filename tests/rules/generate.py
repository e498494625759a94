"""Random queries and texts built from one small vocabulary, so that they meet often.

Used by the differential tests: hypothesis strategies, plus a seeded `random` version for
rule sets too large to shrink usefully.
"""

from __future__ import annotations

import random
import unicodedata

from hypothesis import strategies as st

from rules import Document, to_query
from rules.query import And, Field, Node, Not, Or, Phrase, Term

WORDS = ["jo", "song", "gil", "songgil", "kim", "embassy", "defected", "defector", "rome"]
WORDS += ["north", "korea", "korean", "u.s.", "at&t", "o'brien", "a", "b", "10:30", "Jŏ"]
WORDS += ["Sŏng-gil", "disertò", "straße", "조성길", "대사", "북한", "성길", "ジョ", "趙成吉"]
FILLER = ["the", "said", "x", "defects", "koreans", "embassies", "gilbert", "joseph", "은"]
MARKS = "\u0300\u0301\u0306\u0308\u0327"
SEPARATORS = [" ", " ", " ", "-", "", "\u00a0", "\u00ad", "\u200b", "&nbsp;", "&#8209;"]
SEPARATORS += ["<b></b>", "<br>", ". ", ", ", "'", "\u2019", " & ", "&amp;", " (", ") "]
SEPARATORS += ["\n", "\u2010", "&lt;i&gt;", " - ", ".", "/", ":"]
PARTICLES = ["은", "이", "는", "가", "의"]
QUERY_FIELDS = ["title", "summary", "content", "source"]
TEXT_FIELDS = ["title", "summary", "content", "source", "author"]  # Document order


# --- hypothesis strategies -----------------------------------------------------------

boosts = st.sampled_from([1.0, 1.0, 1.0, 2.0, 0.5])


@st.composite
def terms(draw: st.DrawFn) -> Term:
    word = draw(st.sampled_from(WORDS))
    prefix = draw(st.integers(0, 3)) == 0
    if prefix:
        word = word[: draw(st.integers(1, len(word)))].rstrip(".&:'-") or word
    return Term(word, prefix, draw(boosts))


@st.composite
def phrases(draw: st.DrawFn) -> Phrase:
    parts = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
    parts = [p + "*" if draw(st.integers(0, 4)) == 0 else p for p in parts]
    slop = draw(st.one_of(st.none(), st.none(), st.integers(0, 4)))
    return Phrase(tuple(parts), slop, draw(boosts))


leaves = st.one_of(terms(), terms(), phrases())


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    """Bigger trees from smaller ones; a NOT always sits beside a positive term, so the
    parser accepts every tree (it rejects queries that match by exclusion alone)."""
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda cs: And(tuple(cs))),
        st.tuples(children, children).map(lambda ab: And((ab[0], Not(ab[1])))),
        st.lists(children, min_size=2, max_size=3).map(lambda cs: Or(tuple(cs))),
        st.builds(Field, st.sampled_from(QUERY_FIELDS), children),
    )


trees = st.recursive(leaves, _extend, max_leaves=6)
queries = trees.map(to_query)


@st.composite
def spelled(draw: st.DrawFn, word: str) -> str:
    """`word` with random case, diacritics, particles, and sometimes split in two."""
    upper = draw(st.integers(0, 2 ** len(word) - 1)) if draw(st.booleans()) else 0
    text = "".join(c.upper() if upper >> i & 1 else c for i, c in enumerate(word))
    at = draw(st.integers(0, 3 * len(text)))
    if at < len(text) and text[at].isalpha():
        text = text[: at + 1] + draw(st.sampled_from(MARKS)) + text[at + 1 :]
        if draw(st.booleans()):
            text = unicodedata.normalize("NFC", text)
    cut = draw(st.integers(1, 4 * len(text)))
    if cut < len(text):
        text = text[:cut] + draw(st.sampled_from(SEPARATORS)) + text[cut:]
    return text + draw(st.sampled_from(["", "", "", "", "", "s", "ed", "ern", *PARTICLES]))


@st.composite
def texts(draw: st.DrawFn) -> str:
    pieces = [draw(st.sampled_from(["", "", "", *SEPARATORS]))]
    for _ in range(draw(st.integers(0, 8))):
        pieces.append(draw(spelled(draw(st.sampled_from(WORDS + FILLER)))))
        pieces.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(pieces)


rare_texts = st.one_of(st.just(""), st.just(""), texts())
documents = st.builds(Document, texts(), texts(), rare_texts, rare_texts, author=rare_texts)


# --- the same, seeded, for large rule sets ---------------------------------------------


def random_query(rnd: random.Random, depth: int = 0) -> str:
    """A random query string the parser accepts."""
    kind = rnd.choice(["leaf"] * 4 + ["and", "or", "field"] if depth < 2 else ["leaf"])
    if kind == "leaf":
        return _random_leaf(rnd)
    if kind == "field":
        return f"{rnd.choice(QUERY_FIELDS)}:({random_query(rnd, depth + 1)})"
    children = [f"({random_query(rnd, depth + 1)})" for _ in range(rnd.randint(2, 3))]
    if kind == "or":
        return " OR ".join(children)
    negated = [f"-({random_query(rnd, depth + 1)})" for _ in range(rnd.randint(0, 1))]
    return " ".join(children + negated)


def _random_leaf(rnd: random.Random) -> str:
    boost = rnd.choice(["", "", "", "^2", "^0.5"])
    if rnd.random() < 0.6:
        word = rnd.choice(WORDS)
        if rnd.random() < 0.25:
            return (word[: rnd.randint(1, len(word))].rstrip(".&:'-") or word) + "*" + boost
        return word + boost
    parts = [
        rnd.choice(WORDS) + ("*" if rnd.random() < 0.15 else "") for _ in range(rnd.randint(1, 4))
    ]
    slop = f"~{rnd.randint(0, 4)}" if rnd.random() < 0.25 else ""
    return '"' + " ".join(parts) + '"' + slop + boost


def random_text(rnd: random.Random) -> str:
    pieces = [rnd.choice(["", *SEPARATORS])]
    for _ in range(rnd.randint(0, 12)):
        word = "".join(
            (ch.upper() if rnd.random() < 0.2 else ch)
            + (rnd.choice(MARKS) if ch.isalpha() and rnd.random() < 0.1 else "")
            for ch in rnd.choice(WORDS + FILLER)
        )
        if rnd.random() < 0.2:
            word += rnd.choice([*PARTICLES, "s", "ed"])
        pieces.append(word + rnd.choice(SEPARATORS))
    return "".join(pieces)


def random_document(rnd: random.Random) -> Document:
    return Document(**{name: random_text(rnd) for name in TEXT_FIELDS})
