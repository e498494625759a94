"""Characters that fold on their own: the common case the fast passes shortcut."""

from __future__ import annotations

from functools import lru_cache

from rules.normalize import _continues_cluster, _fold_cluster


@lru_cache(maxsize=65536)
def simple_char(ch: str) -> str | None:
    """The fold of `ch` (`rules.normalize`) when it is one character and `ch` does not
    join the cluster before it (a combining mark, Hangul vowel or final jamo), else None.
    Such a character, with an ASCII or another such character after it, folds one to one
    whatever surrounds it."""
    if ch >= "\u0300" and _continues_cluster(ch):
        return None
    folded = _fold_cluster(ch)
    return folded if len(folded) == 1 else None


def simple_run(run: str) -> str | None:
    """The fold of a run of non-ASCII characters followed by an ASCII one (or the end)
    when each of them folds on its own (`simple_char`), else None."""
    if len(run) == 1:
        return simple_char(run)
    chars = [simple_char(ch) for ch in run]
    return None if None in chars else "".join(chars)  # type: ignore[arg-type]
