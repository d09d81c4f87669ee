"""Work kept between calls in one process, bounded by size: `Kept`, a mapping from a key to
a value with a size, that forgets its oldest entries first when a new one would pass the
bound. Used for what is costly to compute again and depends on its key alone (the rule
files' parses, the static checks' truth tables)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """At most `limit` in total of `size(key, value)`, except that a value larger than the
    limit is kept alone; a value larger than `largest`, when given, is not kept at all. Safe
    to share between threads (a reload may run beside a request's thread)."""

    def __init__(self, limit: int, size: Callable[[K, V], int],
                 largest: int | None = None):
        self.limit = limit
        self.largest = largest
        self._size = size
        self._items: dict[K, V] = {}
        self.total = 0  # the sum of the sizes of what is kept
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        size = self._size(key, value)
        if self.largest is not None and size > self.largest:
            return
        with self._lock:
            if key in self._items:
                return
            while self._items and self.total + size > self.limit:
                oldest = next(iter(self._items))
                self.total -= self._size(oldest, self._items.pop(oldest))
            self._items[key] = value
            self.total += size

    def items(self) -> list[tuple[K, V]]:
        """What is kept, oldest first."""
        return list(self._items.items())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.total = 0

    def __len__(self) -> int:
        return len(self._items)
