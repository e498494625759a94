"""Synthetic rule sets: the mix a newsroom watches, drawn from a `bench.news.World`.

About 40% people (a quoted name, often with aliases: family name last, a hyphenated given
name, a Hangul spelling), 20% places (some only in titles), 20% phrases of two to four
topic words, 20% boolean topic rules with prefixes, NOT, groups, fields and proximity.
"""

from __future__ import annotations

import random

from bench.news import HANGUL, World, popular

PRIORITIES = ["low", "normal", "normal", "normal", "high"]


def rule_set(world: World, count: int, seed: int = 3) -> list[dict[str, str]]:
    """`count` rules as config dicts (`id`, `query`, `priority`)."""
    rnd = random.Random(seed)
    people = rnd.sample(world.people, min(len(world.people), count))
    places = rnd.sample(world.places, min(len(world.places), count))
    rules = []
    for number in range(count):
        roll = rnd.random()
        if roll < 0.4:
            query = _person(rnd, people[number % len(people)])
        elif roll < 0.6:
            query = _place(rnd, places[number % len(places)])
        elif roll < 0.8:
            query = '"' + " ".join(_topics(rnd, world, rnd.randint(2, 4))) + '"'
        else:
            query = _boolean(rnd, world)
        rules.append({"id": f"rule-{number}", "query": query, "priority": rnd.choice(PRIORITIES)})
    return rules


def _person(rnd: random.Random, name: str) -> str:
    family, _, given = name.partition(" ")
    forms = [f'"{name}"']
    if rnd.random() < 0.3:
        forms.append(f'"{given} {family}"')
    if rnd.random() < 0.2 and " " in given:
        forms.append(f'"{family} {given.replace(" ", "-")}"')
    if rnd.random() < 0.1:
        forms.append("".join(rnd.choice(HANGUL) for _ in range(3)))
    return " OR ".join(forms)


def _place(rnd: random.Random, place: str) -> str:
    term = f'"{place}"' if " " in place else place
    return f"title:{term}" if rnd.random() < 0.3 else term


def _topics(rnd: random.Random, world: World, count: int) -> list[str]:
    """Distinct topic words, popular ones more often (as in `bench.news.popular`)."""
    found: dict[str, None] = {}
    while len(found) < count:
        found[popular(rnd, world.topics)] = None
    return list(found)


def _boolean(rnd: random.Random, world: World) -> str:
    a, b, c, d, e = _topics(rnd, world, 5)
    place = rnd.choice(world.places[:500])
    shapes = [
        f"({a[:5]}* OR {b}) AND ({c} OR {d[:4]}*) -{e}",
        f'"{a} {b}"~5 -{c}*',
        f"title:({a} OR {b}) {c} NOT {d}",
        f'("{place}" OR {a}) {b}* -({c} OR {d})',
        f"{a} {b} {c}^2 -source:spam",
    ]
    return rnd.choice(shapes)
