"""A read-only sequence whose items are built (or read from disk) when they are read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar, overload

__all__ = ["LazySequence"]

T = TypeVar("T")


class LazySequence(Sequence[T], Generic[T]):
    """A read-only sequence whose items are built when read: subclasses give ``__len__`` and
    ``_item``. It compares equal to any sequence with equal items, and pickles as a tuple
    (what it reads from may be a temporary file)."""

    def _item(self, index: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self._item(k) for k in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._item(index)

    def __iter__(self) -> Iterator[T]:
        for k in range(len(self)):
            yield self._item(k)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[tuple[T, ...]]]:
        return (tuple, (tuple(self),))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self):,} items)"
