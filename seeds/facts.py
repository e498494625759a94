"""What the article says about its subject: role, affiliation, post, event, destinations.

All of it is read from the words around the subject's mentions, with the lexicon's
trigger words (seeds/data/lexicon.yaml):

- role: the role triggers nearest the subject's mentions ("interim ambassador" → diplomat);
- affiliation: the place or body just before a role word ("North Korea's interim
  ambassador", "Veltra chief executive") or after "of/at/for";
- post: the place after a role word and "to/in" ("ambassador to Italy");
- event: the event whose triggers the article uses most (opening sentences count 3×);
- destinations: places right after an event word and "to/in" ("defected to South Korea");
- others: other people named in sentences that hold both an event and a role trigger.
"""

from __future__ import annotations

import re
from collections import Counter

from seeds.profile import Entity, Facts, Profile
from seeds.resources import lexicon
from seeds.text import Sentence, Token, sentence_of

WINDOW = 10
"""Tokens either side of a subject mention searched for role words."""
OPENING_WEIGHT = 3
"""Event triggers in the title and opening sentence count this many times."""


def read_facts(
    profile: Profile, text: str, sentences: list[Sentence], tokens: list[list[Token]]
) -> Facts:
    """Facts about `profile.subject` read from the document `text`."""
    facts = Facts()
    subject = profile.entity(profile.subject)
    opening = 1 if profile.title else 0
    facts.event, facts.event_words = _event(text, sentences, opening)
    if subject is None:
        return facts
    role_hits = _role_hits(subject, text, sentences, tokens)
    if role_hits:
        facts.role = Counter(role for role, _, _ in role_hits).most_common(1)[0][0]
        hits = [(start, end) for role, start, end in role_hits if role == facts.role]
        facts.role_words = list(dict.fromkeys(text[s:e].lower() for s, e in hits))
        prefer = lexicon()["roles"][facts.role].get("affiliation", "place")
        facts.affiliation, facts.post = _affiliation_and_post(profile, text, hits, prefer)
    if facts.event:
        facts.destinations = _destinations(profile, text, facts)
        if facts.role:
            facts.others = _others(profile, subject, sentences, facts.role, facts.event)
    return facts


def _pattern(words: list[str]) -> re.Pattern[str]:
    alternation = "|".join(
        re.escape(w).replace("\\'", "['’]") for w in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def _event(text: str, sentences: list[Sentence], opening: int) -> tuple[str | None, dict[str, int]]:
    best: tuple[int, str | None, dict[str, int]] = (0, None, {})
    for event, spec in lexicon()["events"].items():
        counts: Counter[str] = Counter()
        score = 0
        for m in _pattern(spec["triggers"]).finditer(text):
            counts[m.group().lower()] += 1
            score += OPENING_WEIGHT if sentence_of(sentences, m.start()) <= opening else 1
        if score > best[0]:
            best = (score, event, dict(counts.most_common()))
    return (best[1], best[2]) if best[0] >= 2 else (None, {})


def _role_hits(
    subject: Entity, text: str, sentences: list[Sentence], tokens: list[list[Token]]
) -> list[tuple[str, int, int]]:
    """(role, start, end) of role triggers within WINDOW tokens of a subject mention."""
    windows = []
    for start, end in subject.spans:
        sentence_tokens = tokens[sentence_of(sentences, start)]
        inside = [t for t in sentence_tokens if t.start >= start and t.end <= end + 2]
        if not inside:
            continue
        lo = sentence_tokens[max(0, inside[0].position - WINDOW)].start
        hi = sentence_tokens[min(len(sentence_tokens) - 1, inside[-1].position + WINDOW)].end
        windows.append((lo, hi))
    hits = []
    for role, spec in lexicon()["roles"].items():
        for m in _pattern(spec["triggers"]).finditer(text):
            if any(lo <= m.start() < hi for lo, hi in windows):
                hits.append((role, m.start(), m.end()))
    return hits


_BEFORE = re.compile(r"^(?:'s)?(?:\s+[a-z][\w\-]*){0,3}\s+$")
_AFTER_AFFILIATION = re.compile(r"^\s+(?:of|at|for|from)\s+(?:the\s+)?$")
_AFTER_POST = re.compile(r"^\s+(?:to|in|at)\s+(?:the\s+)?$")


def _affiliation_and_post(
    profile: Profile, text: str, hits: list[tuple[int, int]], prefer: str
) -> tuple[str | None, str | None]:
    """The entity most often next to a role word (the preferred type first), and the
    place most often after "role word to/in"."""
    affiliation: Counter[str] = Counter()
    post: Counter[str] = Counter()
    for entity in profile.entities:
        if entity.type == "person":
            continue
        for s, e in entity.spans:
            for hs, he in hits:
                if (0 <= hs - e <= 40 and _BEFORE.match(text[e:hs])) or (
                    0 <= s - he <= 12 and _AFTER_AFFILIATION.match(text[he:s])
                ):
                    affiliation[entity.name] += 1
                elif 0 <= s - he <= 12 and _AFTER_POST.match(text[he:s]) and entity.type == "place":
                    post[entity.name] += 1
    kinds = {e.name: e.type for e in profile.entities}
    ranked = sorted(affiliation.items(), key=lambda kv: (kinds[kv[0]] != prefer, -kv[1]))
    best_affiliation = ranked[0][0] if ranked else None
    posts = [p for p, _ in post.most_common() if p != best_affiliation]
    return best_affiliation, posts[0] if posts else None


def _destinations(profile: Profile, text: str, facts: Facts) -> list[str]:
    spec = lexicon()["events"][facts.event]
    triggers = [m.end() for m in _pattern(spec["triggers"]).finditer(text)]
    found: Counter[str] = Counter()
    for entity in profile.of_type("place"):
        if entity.name in (facts.affiliation, facts.post):
            continue
        for s, _ in entity.spans:
            if any(0 <= s - t <= 25 and _AFTER_POST.match(text[t:s]) for t in triggers):
                found[entity.name] += 1
    return [name for name, _ in found.most_common()]


def _others(
    profile: Profile, subject: Entity, sentences: list[Sentence], role: str, event: str
) -> list[str]:
    role_words = _pattern(lexicon()["roles"][role]["triggers"])
    event_words = _pattern(lexicon()["events"][event]["triggers"])
    out = []
    for person in profile.of_type("person"):
        if person is subject:
            continue
        for s, _ in person.spans:
            sentence = sentences[sentence_of(sentences, s)].text
            if role_words.search(sentence) and event_words.search(sentence):
                out.append(person.name)
                break
    return out
