"""Hangul syllables and how each is romanised.

A Hangul syllable is spelled in Revised Romanization (RR: 성 seong), McCune–Reischauer
(MR: sŏng, written song without the breve, as North Korea does) and common press forms
(sung). Spellings are computed from the syllable's letters (jamo: initial consonant,
vowel, final consonant), so every one of the 11,172 syllables is covered.
"""

from __future__ import annotations

from functools import cache


def _row(spellings: str) -> tuple[str, ...]:
    return tuple(spellings.split())


# Romanisations of the 19 initial consonants, 21 vowels and 28 finals, in Unicode order
# (ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ; ㅏ ㅐ ㅑ …; none ㄱ ㄲ ㄳ …);
# "-" is silent.
_RR_INITIAL = _row("g kk n d tt r m b pp s ss - j jj ch k t p h")
_MR_INITIAL = _row("k kk n t tt r m p pp s ss - ch tch ch' k' t' p' h")
_MR_VOICED = _row("g kk n d tt r m b pp s ss - j tch ch' k' t' p' h")  # between voiced sounds
_NK_INITIAL = _row("k kk n t tt r m p pp s ss - j jj ch kh th ph h")  # North Korean usage
_RR_VOWEL = _row("a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i")
_MR_VOWEL = _row("a ae ya yae ŏ e yŏ ye o wa wae oe yo u wŏ we wi yu ŭ ŭi i")
_PRESS_VOWEL = _row("a ae ya yae u e yu ye o wa wae oe yo oo wo we wi yoo eu ee i")
_FINAL = _row("- k k k n n n t l k m l l l p l m p p t t ng t t k t p t")

_VOICED_FINALS = frozenset({0, 4, 8, 16, 21})  # none, ㄴ ㄹ ㅁ ㅇ: the next initial is voiced


def jamo(syllable: str) -> tuple[int, int, int]:
    """Indexes of the initial, vowel and final of one Hangul syllable."""
    code = ord(syllable) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def is_hangul(text: str) -> bool:
    """True when `text` is one or more Hangul syllables and nothing else."""
    return bool(text) and all(0xAC00 <= ord(c) <= 0xD7A3 for c in text)


@cache
def spellings(syllable: str) -> tuple[str, ...]:
    """Lower-case spellings of one Hangul syllable, RR first, without diacritics."""
    ini, vow, fin = jamo(syllable)
    final = "" if _FINAL[fin] == "-" else _FINAL[fin]
    out: list[str] = []
    initials = [_RR_INITIAL[ini], _MR_INITIAL[ini], _MR_VOICED[ini], _NK_INITIAL[ini]]
    out.append(_join(initials[0], _RR_VOWEL[vow], final))  # RR
    for initial in initials[1:]:  # MR (word-initial, voiced) and North Korean, no breves
        out.append(_join(initial, _MR_VOWEL[vow], final))
    for initial in initials[:2]:
        out.append(_join(initial, _press_vowel(ini, vow, fin), final))
    if _RR_INITIAL[ini] == "s" and _RR_VOWEL[vow] in ("i", "wi"):
        out.append(_join("sh", _RR_VOWEL[vow], final))  # 신 Shin
    return tuple(dict.fromkeys(plain(s) for s in out))


def _press_vowel(ini: int, vow: int, fin: int) -> str:
    if vow == 6 and ini == 11 and fin == 21:  # 영 Young
        return "you"
    if vow in (13, 17) and fin not in (0, 1):  # ㅜ ㅠ: oo only when open (수 Soo, 숙 Sook)
        return _RR_VOWEL[vow]
    if vow == 13 and ini == 11:  # 우 Woo
        return "woo"
    if vow in (4, 6) and fin == 0:  # ㅓ ㅕ become u, yu only before a consonant (성 Sung)
        return _RR_VOWEL[vow]
    return _PRESS_VOWEL[vow]


def _join(initial: str, vowel: str, final: str) -> str:
    return ("" if initial == "-" else initial) + vowel + final


def plain(text: str) -> str:
    """A romanisation without breves and apostrophes: `sŏng` → `song`, `k'i` → `ki`."""
    return text.replace("ŏ", "o").replace("ŭ", "u").replace("'", "")


def mr_syllable(syllable: str, voiced: bool) -> str:
    """The McCune–Reischauer spelling of one syllable, breves and apostrophes kept."""
    ini, vow, fin = jamo(syllable)
    initial = (_MR_VOICED if voiced else _MR_INITIAL)[ini]
    final = "" if _FINAL[fin] == "-" else _FINAL[fin]
    return _join(initial, _MR_VOWEL[vow], final)


def mr_name(hangul: str) -> str:
    """`조성길` → `Cho Sŏng-gil`: family name, then the hyphenated given name."""
    family, given = hangul[0], hangul[1:]
    parts = [mr_syllable(family, voiced=False)]
    syllables = []
    for i, s in enumerate(given):
        prev_fin = jamo(given[i - 1])[2] if i else 1
        syllables.append(mr_syllable(s, voiced=prev_fin in _VOICED_FINALS))
    parts.append("-".join(syllables))
    return " ".join(p.capitalize() for p in parts)
