"""Synthetic news: seeded, HTML-ish items full of people, places, organisations and topics.

A `World` holds the pools both the items and the rule sets (`bench.rulesets`) draw from,
so rules meet items about as often as watch terms meet real news: a few popular names and
places come up again and again, most appear rarely.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from rules import Document

KOREAN = ["jo", "song", "gil", "kim", "min", "ji", "park", "lee", "choi", "hyun", "seong"]
KOREAN += ["woo", "jin", "ri", "chol", "yong", "hui", "sun", "nam", "ho", "dae", "kwang"]
LATIN = ["mar", "co", "bel", "li", "ros", "si", "an", "dre", "gio", "van", "ni", "lu"]
LATIN += ["ca", "fer", "ra", "ta", "ber", "to", "sa", "ma", "ria", "el", "ena", "pa"]
ACCENTED = {"o": "ò", "e": "è", "a": "á", "u": "ŭ"}
HANGUL = "조성길김민지박이최현우진리철용희선남호대광"

TOPICS = ["embassy", "diplomat", "defected", "defector", "asylum", "sanctions", "missile"]
TOPICS += ["launch", "election", "parliament", "court", "ruling", "strike", "union", "trade"]
TOPICS += ["tariff", "nuclear", "test", "site", "summit", "talks", "ceasefire", "border"]
TOPICS += ["refugees", "inflation", "bank", "rates", "flood", "earthquake", "protest"]
TOPICS += ["minister", "resigned", "investigation", "corruption", "spy", "ambassador"]
TOPICS += ["intelligence", "lawmakers", "pipeline", "energy", "prices", "vaccine", "outbreak"]
FILLER = ["the", "a", "of", "in", "on", "and", "to", "said", "after", "before", "with", "was"]
FILLER += ["officials", "reported", "according", "week", "people", "late", "early", "new"]
FILLER += ["two", "three", "local", "government", "statement", "told", "reporters", "year"]
SECTIONS = ["World", "Asia", "Europe", "Politics", "Business", "Security", "Health", "Wire"]
ENTITIES = ["&nbsp;", "&#8217;", "&mdash;", "&ldquo;", "&rdquo;", "&amp;", "&#8209;"]


@dataclass(frozen=True)
class World:
    """The pools of names and words the items and the rules share (popular ones first)."""

    people: list[str]
    places: list[str]
    orgs: list[str]
    topics: list[str]


def make_world(seed: int = 1, people: int = 60_000, places: int = 8_000) -> World:
    """Distinct person names (Korean-style and Italian-style), places, organisations and
    topic words (the real ones above, then made-up ones, as a large vocabulary)."""
    rnd = random.Random(seed)
    names = _distinct(lambda: _person(rnd), people)
    spots = _distinct(lambda: _place(rnd), places)
    orgs = [f"{rnd.choice(['Bank', 'Ministry', 'Institute', 'Union'])} of {p}" for p in spots]
    words = _distinct(lambda: _word(rnd, LATIN + KOREAN, 2, 4).lower(), 3_000)
    topics = list(dict.fromkeys(TOPICS + [w for w in words if w not in FILLER]))
    return World(names, spots, orgs[: places // 4], topics)


def _distinct(make: Callable[[], str], count: int) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < count:
        found[make()] = None
    return list(found)


def _word(rnd: random.Random, syllables: list[str], low: int, high: int) -> str:
    return "".join(rnd.choice(syllables) for _ in range(rnd.randint(low, high))).capitalize()


def _person(rnd: random.Random) -> str:
    if rnd.random() < 0.5:  # family name first, two-syllable given name
        given = f"{_word(rnd, KOREAN, 1, 1)} {_word(rnd, KOREAN, 1, 1)}"
        return f"{_word(rnd, KOREAN, 1, 1)} {given}"
    return f"{_word(rnd, LATIN, 2, 3)} {_word(rnd, LATIN, 2, 4)}"


def _place(rnd: random.Random) -> str:
    name = _word(rnd, LATIN + KOREAN, 2, 3)
    return f"{name} {rnd.choice(['City', 'Bay', 'Province'])}" if rnd.random() < 0.2 else name


def news_items(world: World, count: int, seed: int = 2) -> list[Document]:
    """`count` items: a title and a ~600-character HTML summary each."""
    rnd = random.Random(seed)
    return [_item(world, rnd, i) for i in range(count)]


def popular(rnd: random.Random, pool: list[str]) -> str:
    """A pool entry, skewed: the top 1% of the pool gets a fifth of the mentions."""
    return pool[int(len(pool) * rnd.random() ** 3)]


def _item(world: World, rnd: random.Random, number: int) -> Document:
    person, place = popular(rnd, world.people), popular(rnd, world.places)
    topics = [popular(rnd, world.topics) for _ in range(6)]
    title = f"{person} {topics[0]} {rnd.choice(FILLER)} {place}: {topics[1]}"
    paragraphs: list[str] = []
    size = 0
    while size < 560:
        paragraph = _sentence(world, rnd, (person, place, topics))
        paragraphs.append(paragraph)
        size += len(paragraph)
    summary = "".join(f"<p>{p}</p>" for p in paragraphs)
    return Document(
        title=title,
        summary=summary,
        source=f"Wire {number % 40}",
        url=f"https://news.example/{number}/{place.lower().replace(' ', '-')}",
        category=", ".join(rnd.sample(SECTIONS, 2)),
    )


def _sentence(world: World, rnd: random.Random, about: tuple[str, str, list[str]]) -> str:
    person, place, topics = about
    words: list[str] = []
    for _ in range(rnd.randint(14, 22)):
        roll = rnd.random()
        if roll < 0.06:
            words.append(
                _written(rnd, person if rnd.random() < 0.5 else popular(rnd, world.people))
            )
        elif roll < 0.10:
            words.append(place if rnd.random() < 0.5 else popular(rnd, world.places))
        elif roll < 0.12:
            words.append(rnd.choice(world.orgs).replace(" of ", " &amp; ", 1))
        elif roll < 0.15:
            words.append(rnd.choice(ENTITIES))
        elif roll < 0.33:
            words.append(rnd.choice(topics))
        else:
            words.append(rnd.choice(FILLER))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rnd.choice([".", ".", ",&rdquo; officials said."])


def _written(rnd: random.Random, name: str) -> str:
    """A name as news writes it: in bold or a link, hyphenated, accented, or in Hangul."""
    roll = rnd.random()
    if roll < 0.15:
        first, _, rest = name.partition(" ")
        name = f"{first} {rest.replace(' ', '-').capitalize()}"  # Jo Song-gil
    elif roll < 0.2:
        name = "".join(ACCENTED.get(c, c) if rnd.random() < 0.3 else c for c in name)
    elif roll < 0.23:
        return "".join(rnd.choice(HANGUL) for _ in range(3)) + rnd.choice(["은", "이", "의"])
    if rnd.random() < 0.2:
        return f"<b>{name}</b>"
    if rnd.random() < 0.1:
        return f'<a href="https://news.example/p/{rnd.randrange(1000)}">{name}</a>'
    return name.replace(" ", "&nbsp;", 1) if rnd.random() < 0.1 else name
