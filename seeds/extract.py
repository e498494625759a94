"""Article → entities (people, organisations, places) with mentions, and its subject.

candidates (seeds.candidates), names settled as people or bodies (seeds.bodies)
→ entities, merged by name, Korean spelling, acronym
→ mentions: every spelling of every entity counted once, longest first, so "Jo" and
  "OGD" count for Jo Song Gil and the Organization and Guidance Department, and
  "North Korea" is not also a "Korea"
→ subject: the person (else the organisation) with the most mentions, weighted by
  how early the first one comes (title, opening sentence, first paragraph)
→ facts about the subject (seeds.facts)
"""

from __future__ import annotations

import re

from seeds.aliases import org_aliases, person_aliases, place_aliases
from seeds.article import Article
from seeds.bodies import settle_names
from seeds.candidates import Candidate, find_candidates
from seeds.facts import read_facts
from seeds.korean import KoreanName, hangul_forms, korean_variants
from seeds.profile import Entity, Profile
from seeds.resources import is_ordinary_word
from seeds.text import Sentence, sentence_of, split_sentences, tokenize
from seeds.vocab import ORG_HEADS, ORG_PREFIXES

_TYPE_ORDER = {"person": 0, "org": 1, "place": 2}


def extract(article: Article) -> Profile:
    """Entities, subject and facts of `article` (rules are added by `seeds.propose`)."""
    text = article.document
    sentences = split_sentences(text)
    tokens = tokenize(sentences)
    entities = build_entities(settle_names(find_candidates(sentences, tokens, text), text))
    count_mentions(entities, text, sentences)
    entities = [e for e in entities if e.mentions]
    opening = 1 if article.title else 0
    subject = choose_subject(entities, sentences, opening)
    entities.sort(key=lambda e: (e is not subject, _TYPE_ORDER[e.type], -e.mentions, e.name))
    profile = Profile(
        subject=subject.name if subject else None,
        entities=entities,
        source=article.url,
        title=article.title,
        sentences=len(sentences),
    )
    profile.facts = read_facts(profile, text, sentences, tokens)
    return profile


def build_entities(candidates: list[Candidate]) -> list[Entity]:
    """Merge candidates that name the same person, organisation or place."""
    entities: list[Entity] = []
    by_key: dict[str, Entity] = {}
    for cand in candidates:
        if cand.kind == "person":
            _add_person(cand, entities, by_key)
        elif cand.kind == "place" and cand.place is not None:
            _add(entities, by_key, "place:" + cand.place.name, cand.place.name, "place", cand)
        elif cand.kind == "org":
            name = cand.org.name if cand.org else cand.text
            entity = _add(entities, by_key, "org:" + name.lower(), name, "org", cand)
            entity.forms.update(cand.acronyms)
            by_key.update({"org:" + a.lower(): entity for a in cand.acronyms})
    _drop_acronym_duplicates(entities)
    for entity in entities:
        _finish(entity, entities)
    return entities


def _add(
    entities: list[Entity],
    by_key: dict[str, Entity],
    key: str,
    name: str,
    kind: str,
    cand: Candidate,
) -> Entity:
    entity = by_key.get(key)
    if entity is None:
        entity = Entity(name=name, type=kind, place=cand.place, org=cand.org)  # type: ignore[arg-type]
        entities.append(entity)
        by_key[key] = entity
    entity.forms.add(cand.text)
    return entity


def _add_person(cand: Candidate, entities: list[Entity], by_key: dict[str, Entity]) -> None:
    keys = _person_keys(cand.text, cand.korean)
    entity = next((by_key[k] for k in keys if k in by_key), None)
    if entity is None:
        entity = Entity(name=cand.text, type="person", korean=cand.korean)
        entities.append(entity)
    entity.forms.add(cand.text)
    by_key.update(dict.fromkeys(keys, entity))


def _person_keys(name: str, korean: KoreanName | None) -> list[str]:
    if korean is None:
        return ["person:" + re.sub(r"[\s\-]+", " ", name.lower())]
    return ["person:" + (f + "".join(g)).lower() for f, g in korean_variants(korean)]


def _drop_acronym_duplicates(entities: list[Entity]) -> None:
    """An acronym found on its own before its definition is the defined organisation."""
    defined = {f: e for e in entities if e.type == "org" for f in e.forms if f.isupper()}
    for e in list(entities):
        owner = defined.get(e.name)
        if e.type == "org" and e.name.isupper() and owner is not None and owner is not e:
            owner.forms.update(e.forms)
            entities.remove(e)


def _finish(entity: Entity, entities: list[Entity]) -> None:
    """Aliases, Hangul and the spellings to count."""
    if entity.type == "person":
        entity.aliases = person_aliases(entity.name, entity.korean)
        entity.hangul = hangul_forms(entity.korean) if entity.korean else ()
        entity.forms.update(a for a in entity.aliases if not a.isascii() or " " in a)
        surname = _surname(entity)
        if surname and sum(1 for e in entities if _surname(e) == surname) == 1:
            entity.forms.add(surname)
    elif entity.type == "place" and entity.place is not None:
        entity.aliases = place_aliases(entity.place)
        entity.forms.update(entity.place.english_forms)
    else:
        acronyms = sorted(f for f in entity.forms if f.isupper() and f != entity.name)
        short = short_name(entity.name)
        if short and not any(e.place and short in e.place.english_forms for e in entities):
            acronyms.append(short)
        entity.aliases = org_aliases(entity.name, acronyms, entity.org)
        entity.forms.update(entity.aliases)


def short_name(name: str) -> str | None:
    """`Veltra Technologies` → Veltra, `Lakeside FC` → Lakeside, `Atletico Porto Azul` →
    Porto Azul: the name without its head or prefix word, unless that is an ordinary word."""
    words = name.split()
    if len(words) < 2:
        return None
    if words[0] in ORG_PREFIXES:
        rest = words[1:]
    elif words[-1] in ORG_HEADS and len(words) == 2:
        rest = words[:-1]
    else:
        return None
    short = " ".join(rest)
    return None if len(short) < 4 or is_ordinary_word(short) else short


def _surname(entity: Entity) -> str | None:
    if entity.type != "person":
        return None
    if entity.korean is not None:
        return entity.korean.family
    words = entity.name.split()
    return words[-1] if len(words) > 1 else None


def count_mentions(entities: list[Entity], text: str, sentences: list[Sentence]) -> None:
    """Count every spelling of every entity once, longest spelling first."""
    owner: dict[str, Entity] = {}
    for entity in entities:
        for form in sorted(entity.forms, key=len, reverse=True):
            owner.setdefault(form, entity)
    if not owner:
        return
    alternation = "|".join(re.escape(f) for f in sorted(owner, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")
    firsts: dict[int, int] = {}
    for m in pattern.finditer(text):
        entity = owner[m.group()]
        entity.mentions += 1
        entity.spans.append((m.start(), m.end()))
        firsts.setdefault(id(entity), sentence_of(sentences, m.start()))
    for entity in entities:
        entity.first_sentence = firsts.get(id(entity), 0)


def choose_subject(
    entities: list[Entity], sentences: list[Sentence], opening: int
) -> Entity | None:
    """The person the article is about, else the organisation: mentions, weighted by position."""
    first_paragraph = sentences[opening].paragraph if len(sentences) > opening else 0

    def score(e: Entity) -> float:
        where = e.first_sentence
        bonus = 6 if where < opening else 5 if where == opening else 0
        if not bonus and sentences and sentences[where].paragraph == first_paragraph:
            bonus = 2
        return e.mentions + bonus

    people = [e for e in entities if e.type == "person"]
    if people and max(score(e) for e in people) >= 4:
        return max(people, key=score)
    bodies = [e for e in entities if e.type == "org"]
    return max(bodies, key=score) if bodies else (max(people, key=score) if people else None)


def position_phrase(entity: Entity, opening: int) -> str:
    """Where the first mention is: "in the title", "in the opening sentence", …"""
    if entity.first_sentence < opening:
        return "in the title"
    if entity.first_sentence == opening:
        return "in the opening sentence"
    return f"in sentence {entity.first_sentence - opening + 1}"
