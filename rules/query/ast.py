"""The query tree. Nodes compare equal when they mean the same query: `col` (the 1-based
column where the node starts, for error messages) is left out of equality and hashing."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Term:
    """A word: `text` as written (without the trailing `*` or the boost)."""

    text: str
    prefix: bool = False
    boost: float = 1.0
    col: int = field(default=0, compare=False, repr=False)

    @property
    def label(self) -> str:
        """The term as a hit reports it: `defect*`, `Song-gil`."""
        return self.text + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class Phrase:
    """`"a b"` (parts adjacent) or, with `slop`, `"a b"~N` (parts within N words)."""

    parts: tuple[str, ...]
    slop: int | None = None
    boost: float = 1.0
    col: int = field(default=0, compare=False, repr=False)

    @property
    def label(self) -> str:
        """The term as a hit reports it: the parts joined by one space, no quotes."""
        return " ".join(self.parts)


@dataclass(frozen=True, slots=True)
class Not:
    child: Node
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]
    col: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Field:
    """Restrict `child` to one document field (the innermost field wins)."""

    name: str
    child: Node
    col: int = field(default=0, compare=False, repr=False)


Leaf = Term | Phrase
Node = Term | Phrase | Not | And | Or | Field
