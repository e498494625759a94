"""Profile → watch rules in the DESIGN.md query language, each with where it came from.

- The subject rule (`jo-song-gil`): every spelling of the name, boosted, AND context (the
  affiliation, role words, the event's strongest words), since other people share names;
  OR, without the name, affiliation + post + the role's title (or a role word with an
  event word): "North Korea's acting ambassador in Rome".
- The topic rule (`embassy-defection`): the affiliation NEAR a role word ("North Korean
  diplomat", "ambasciata nordcoreana", "북한 외교관") with an event word or an arrival at
  a destination; OR the subject's name with the event or its aftermath; OR the other
  people the article names in the same situation; OR the no-name description.
- Rules for other principal people (3 mentions or more): name AND the article's context.
Topic and subject rules leave out fiction (novels, films, plays).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rules import parse_query
from seeds.extract import position_phrase
from seeds.profile import Entity, Profile, Rule
from seeds.resources import PlaceEntry, is_ordinary_word, lexicon

LANGS = ("en", "it", "ko")
PRINCIPAL_MENTIONS = 3
"""Other people with at least this many mentions get a rule of their own."""
_CONNECTORS = frozenset(["of", "the", "del", "della", "di", "de"])


def propose_rules(profile: Profile) -> list[Rule]:
    """The rules for `profile`: subject, topic, other principal people. All parse."""
    out: list[Rule] = []
    subject = profile.entity(profile.subject)
    if subject is not None:
        out.append(subject_rule(profile, subject))
        topic = topic_rule(profile, subject)
        if topic is not None:
            out.append(topic)
        for person in profile.of_type("person"):
            if person is not subject and person.mentions >= PRINCIPAL_MENTIONS:
                out.append(person_rule(profile, person))
    for rule in out:
        parse_query(rule.query)
    return out


def slug(name: str) -> str:
    """`Jo Song Gil` → `jo-song-gil` (ASCII letters, digits and hyphens)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "subject"


def term(text: str) -> str:
    """One query term: a word as it is, several words as a phrase."""
    if text.startswith(('"', "(")) or re.fullmatch(r"[\w*]+", text):
        return text
    return '"' + text.replace('"', "") + '"'


def any_of(terms: Iterable[str], boost: str = "") -> str:
    """`(a OR b OR c)`, each term boosted by `boost` (e.g. "^3"); duplicates dropped."""
    unique = list(dict.fromkeys(term(t) + boost for t in terms if t))
    return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"


def _words(spec: dict[str, list[str]], langs: Iterable[str] = LANGS) -> list[str]:
    return [w for lang in langs for w in spec.get(lang, [])]


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode() or text
    return re.sub(r"[\s\-‐‑]+", "", plain.lower())


def name_terms(entity: Entity) -> list[str]:
    """One term per spelling the matcher tells apart (spaces, hyphens, case are alike)."""
    out: dict[str, str] = {}
    for form in [entity.name, *entity.aliases]:
        if entity.type == "person" and len(re.split(r"[\s\-]+", form)) < 2 and form.isascii():
            continue
        spaced = " ".join(w.capitalize() if w.islower() else w for w in re.split(r"[\s\-]+", form))
        out.setdefault(_key(form), spaced if entity.type == "person" else form)
    return list(out.values())


def place_forms(entity: Entity, lang: str) -> list[str]:
    """Names of a place or body in one language, exactly as written."""
    if entity.place is None:
        forms = [entity.name, *entity.aliases] if lang == "en" else []
        return [f for f in forms if not is_ordinary_word(f) and f.isascii()]
    entry: PlaceEntry = entity.place
    forms = {"en": list(entry.english_forms), "it": list(entry.italian), "ko": list(entry.korean)}[
        lang
    ]
    return [f for f in forms if not is_ordinary_word(f) and len(f.split()) <= 4]


def folded_forms(entity: Entity) -> list[str]:
    """Names in every language, endings folded: `"North Korea*"`, `nordcorean*`, `Italia*`."""
    forms = list(dict.fromkeys(f for lang in LANGS for f in place_forms(entity, lang)))
    lower = [f.lower() for f in forms]
    out: list[str] = []
    for form, low in zip(forms, lower, strict=True):
        longer = [o for o in lower if o != low and o.startswith(low) and o[len(low) :].isalpha()]
        shorter = [o for o in lower if o != low and low.startswith(o) and low[len(o) :].isalpha()]
        stem = low[:-1] if re.fullmatch(r"[a-zà-ù]{4,}[oaie]", low) else ""
        siblings = [o for o in lower if o != low and stem and o[:-1] == stem and o[-1] in "oaie"]
        if shorter or (siblings and any(o + "*" in out or o[:-1] + "*" in out for o in siblings)):
            continue  # covered by a shorter form with a *
        if longer:
            out.append(f'"{form}*"' if " " in form else form + "*")
        elif siblings:
            out.append(stem + "*")
        else:
            out.append(form)
    return list(dict.fromkeys(out))


def context_terms(profile: Profile, subject: Entity) -> list[str]:
    """Words that place a name in the article's world: affiliation, role, event."""
    facts = profile.facts
    out: list[str] = []
    affiliation = profile.entity(facts.affiliation)
    if affiliation is not None:
        out += folded_forms(affiliation)
    if facts.role:
        out += _words(lexicon()["roles"][facts.role]["words"])
    if facts.event:
        out += _words(lexicon()["events"][facts.event]["strong"])
    return out or [f for p in profile.of_type("place")[:2] for f in folded_forms(p)]


def description(profile: Profile, titles: bool = True) -> str | None:
    """Affiliation + post + (role title, or role word with an event word), or None.
    With `titles=False` the event word is always needed (a profile is not an event)."""
    facts = profile.facts
    affiliation, post = profile.entity(facts.affiliation), profile.entity(facts.post)
    if affiliation is None or post is None or not facts.role:
        return None
    role = lexicon()["roles"][facts.role]
    signs = [any_of(_words(role["titles"]))] if titles and _words(role["titles"]) else []
    if facts.event:
        lexicon()["events"][facts.event]
        words = _words(role["words"]) + _words(role["titles"]) + _words(role.get("posts", {}))
        names = [] if post.place is None else [post.place.name, *post.place.others]
        capital = [post.place.capital] if post.place and post.place.capital else []
        left = [f'"left {f}"~3' for f in [*names, *capital] if f.isascii()]
        signs.append(f"({any_of(words)} {any_of(event_signs(profile) + left)})")
    if not signs:
        return None
    where = [any_of(folded_forms(e)) for e in (affiliation, post)]
    return f"{where[0]} {where[1]} {any_of(signs)}"


def event_signs(profile: Profile) -> list[str]:
    """The event's words, and an arrival word with a destination from the article."""
    event = lexicon()["events"][profile.facts.event]
    signs = _words(event["terms"])
    destinations = [d for d in map(profile.entity, profile.facts.destinations) if d]
    if _words(event["arrival"]) and destinations:
        places = [f for d in destinations for f in folded_forms(d)]
        signs.append(f"({any_of(places)} {any_of(_words(event['arrival']))})")
    return signs


def fiction() -> str:
    return "-" + any_of(lexicon()["fiction"])


def subject_rule(profile: Profile, subject: Entity) -> Rule:
    """The rule for the article's subject (high priority)."""
    names = name_terms(subject)
    named = any_of(names, "^3")
    if subject.type == "person":
        named = f"({named} {any_of(context_terms(profile, subject))})"
    branches = [named]
    described = description(profile) if subject.type == "person" else None
    if described:
        branches.append(f"({described})")
    query = f"({' OR '.join(branches)}) {fiction()}" if len(branches) > 1 else named
    hangul = f" ({subject.hangul[0]})" if subject.hangul else ""
    comment = _subject_comment(profile, subject, len(names), bool(described))
    return Rule(slug(subject.name), subject.name + hangul, query, "high", comment)


def _subject_comment(profile: Profile, subject: Entity, spellings: int, described: bool) -> str:
    facts = profile.facts
    opening = 1 if profile.title else 0
    lines = [
        f"The subject: {subject.mentions} mentions, first {position_phrase(subject, opening)}.",
        f"{spellings} spelling{'s' if spellings != 1 else ''} of the name"
        + (f", Hangul {', '.join(subject.hangul)}" if subject.hangul else "")
        + "; with context, since others share the name: "
        + ", ".join(
            x
            for x in (
                facts.affiliation,
                facts.role and facts.role + " words",
                facts.event and facts.event + " words",
            )
            if x
        )
        + ".",
    ]
    if described:
        lines.append(
            f"Without the name: {facts.affiliation} + {facts.post} + the {facts.role}'s title,"
            f" or {_a(facts.role)} word with {_a(facts.event)} word."
        )
    return "\n".join(lines)


def _a(word: str | None) -> str:
    return f"{'an' if (word or 'x')[0] in 'aeiou' else 'a'} {word}"


def near_terms(profile: Profile) -> list[str]:
    """`"North Korean diplomat*"~5`: the affiliation near a role word, per language."""
    facts = profile.facts
    affiliation = profile.entity(facts.affiliation)
    if affiliation is None or not facts.role:
        return []
    words = lexicon()["roles"][facts.role]["words"]
    out = []
    for lang in LANGS:
        forms = place_forms(affiliation, lang)
        if lang == "it":
            forms = [
                f
                for f in folded_forms(affiliation)
                if f.strip('"*').lower() in {x.lower() for x in forms}
                or (f.endswith("*") and not f.startswith('"'))
            ]
        for form in forms:
            parts = [w for w in form.replace("'", " ").split() if w.lower() not in _CONNECTORS]
            slop = 2 if lang == "ko" else max(4, len(parts) + 3)
            for word in words.get(lang, []):
                out.append(f'"{" ".join(parts)} {word.strip(chr(34))}"~{slop}')
    return out


def topic_rule(profile: Profile, subject: Entity) -> Rule | None:
    """The rule for the event the article reports, or None when no event or role is found."""
    facts = profile.facts
    if not facts.event or not facts.role or profile.entity(facts.affiliation) is None:
        return None
    event = lexicon()["events"][facts.event]
    role = lexicon()["roles"][facts.role]
    branches = [f"({any_of(near_terms(profile))} {any_of(event_signs(profile))})"]
    if subject.type == "person":
        after = any_of(_words(event["terms"]) + _words(event["after"]))
        context = any_of(context_terms(profile, subject))
        branches.append(f"({any_of(name_terms(subject))} {context} {after})")
    others = [profile.entity(o) for o in facts.others]
    other_names = [n for o in others if o for n in name_terms(o)]
    if other_names:
        strong = _words(event["strong"]) + _words(role["words"])
        branches.append(f"({any_of(other_names)} {any_of(strong)})")
    described = description(profile, titles=False)
    if described:
        branches.append(f"({described})")
    query = "(" + " OR ".join(branches) + ") " + fiction()
    affiliation = profile.entity(facts.affiliation)
    assert affiliation is not None
    adjective = (
        affiliation.place.demonyms[0]
        if affiliation.place and affiliation.place.demonyms
        else affiliation.name
    )
    title = f"{adjective} {role['noun']} {event['noun']}"
    return Rule(
        f"{role['topic']}-{facts.event}", title, query, "normal", _topic_comment(profile, others)
    )


def _topic_comment(profile: Profile, others: list[Entity | None]) -> str:
    facts = profile.facts
    triggers = ", ".join(f"{w} ×{n}" for w, n in list(facts.event_words.items())[:5])
    lines = [
        f"The event: {facts.event} (in the article: {triggers}); the role: {facts.role}"
        f" ({', '.join(facts.role_words[:4])}); the affiliation: {facts.affiliation}.",
        f"Matches {facts.affiliation} near {_a(facts.role)} word with {_a(facts.event)} word"
        + (f" or an arrival in {', '.join(facts.destinations)}" if facts.destinations else "")
        + f"; {profile.subject} with the event or its aftermath",
    ]
    named = [o.name for o in others if o]
    if named:
        lines[-1] += f"; others in the same situation: {', '.join(named)}"
    lines[-1] += ". Fiction is left out."
    return "\n".join(lines)


def person_rule(profile: Profile, person: Entity) -> Rule:
    """A low-priority rule for another principal person: name AND the article's context."""
    subject = profile.entity(profile.subject) or person
    query = f"{any_of(name_terms(person))} {any_of(context_terms(profile, subject))}"
    opening = 1 if profile.title else 0
    first = position_phrase(person, opening)
    comment = f"Also in the article: {person.mentions} mentions, first {first}; with its context."
    return Rule(slug(person.name), person.name, query, "low", comment)
