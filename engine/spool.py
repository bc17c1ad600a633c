"""A run's scratch file: lists written as pickled blocks, read back by block number.

A large run holds each entity's facts and decisions only while it works on them: the facts stage
writes the facts here a chunk of entities at a time, the rules stage the decisions, and what
reads them later (the workers, the audit log, run.sqlite, explanations) reads them back a block
at a time. The file is made with ``tempfile.TemporaryFile``: unlinked at once, it takes no name in
the output folder and is gone when the run ends, however it ends.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")


class _Block(NamedTuple):
    offset: int
    size: int
    items: int


class BlockSpool:
    """Blocks of a temporary file; the few read last are kept (an explanation reads an entity's
    facts and its decisions, from two blocks, entity after entity)."""

    KEPT = 4

    def __init__(self, directory: Path | None = None):
        self._file = tempfile.TemporaryFile(dir=directory, prefix=".iku-spool.")
        self._blocks: list[_Block] = []
        self._kept: OrderedDict[int, list[Any]] = OrderedDict()

    def write(self, items: list[Any]) -> int:
        """Writes ``items`` as a new block; its number."""
        data = pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)
        self._blocks.append(_Block(self._file.seek(0, os.SEEK_END), len(data), len(items)))
        self._file.write(data)
        return len(self._blocks) - 1

    def raw(self, number: int) -> bytes:
        """A block as written: a pickle to hand to another process without reading it here."""
        block = self._blocks[number]
        self._file.seek(block.offset)
        return self._file.read(block.size)

    def read(self, number: int, keep: bool = True) -> list[Any]:
        """A block's items; kept for the next reads unless ``keep`` is False (one pass over every block)."""
        if number in self._kept:
            self._kept.move_to_end(number)
            return self._kept[number]
        items = pickle.loads(self.raw(number))
        if keep:
            self._kept[number] = items
            if len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
        return items

    def items(self, number: int) -> int:
        return self._blocks[number].items

    def size(self) -> int:
        """Bytes written so far."""
        return sum(block.size for block in self._blocks)

    def __getstate__(self) -> None:
        raise TypeError("BlockSpool is a file of this process; it is not sent to another")


class SpooledList(Generic[T]):
    """A list whose items wait in memory (``held``) until ``write`` puts them in the spool as one
    block; read in order, from the spool then from memory. Without a spool it is a plain list."""

    def __init__(self, spool: BlockSpool | None):
        self.spool = spool
        self.blocks: list[int] = []  # the spool's numbers of this list's blocks, in order
        self.held: list[T] = []

    def append(self, item: T) -> None:
        self.held.append(item)

    def write(self) -> int:
        """Writes the held items as a block; its number in the spool."""
        assert self.spool is not None
        number = self.spool.write(self.held)
        self.blocks.append(number)
        self.held = []
        return number

    def __iter__(self) -> Iterator[T]:
        # chained, not yielded one by one: a run's millions of decisions are read through this
        return chain.from_iterable(self._parts())

    def _parts(self) -> Iterator[list[T]]:
        """Each block's items, then the held ones (as they are when the blocks have been read)."""
        for number in self.blocks:
            yield self.spool.read(number, keep=False)  # type: ignore[union-attr]
        yield self.held

    def __len__(self) -> int:
        return sum(self.spool.items(number) for number in self.blocks) + len(self.held)  # type: ignore[union-attr]
