"""Which characters are Hangul, kana or Han: terms in these scripts match as substrings."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

# Inclusive code point ranges, sorted. Hangul (jamo, compatibility jamo, syllables), kana
# (hiragana, katakana, halfwidth katakana, kana supplements) and Han (radicals, ideographs,
# compatibility ideographs, iteration and numeral marks).
_RANGES = (
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3038, 0x303B),
    (0x3040, 0x30FF),  # hiragana, katakana (incl. ー and the voicing marks)
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul jamo extended-A
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended-B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth katakana
    (0xFFA0, 0xFFDC),  # halfwidth Hangul
    (0x1B000, 0x1B16F),  # kana supplement and extensions
    (0x20000, 0x323AF),  # CJK extensions B–H, compatibility supplement
)
_STARTS = tuple(start for start, _ in _RANGES)


@lru_cache(maxsize=8192)
def is_cjk(ch: str) -> bool:
    """True for a Hangul, kana or Han character."""
    cp = ord(ch)
    if cp < 0x1100:
        return False
    i = bisect_right(_STARTS, cp) - 1
    return i >= 0 and cp <= _RANGES[i][1]


def has_cjk(text: str) -> bool:
    """True when any character of `text` is Hangul, kana or Han."""
    return any(is_cjk(ch) for ch in text)
