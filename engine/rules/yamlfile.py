"""Safe YAML with positions: data plus the line and column of every key and item.

Only YAML's plain types are built (PyYAML's SafeLoader): a tag such as ``!!python/object`` is an
error, never code. Positions let every problem be reported as ``file:line:column``.

The text is parsed once: the node tree gives the positions and the same tree is constructed into
data. libyaml's parser (CSafeLoader) is used where PyYAML was built with it — about ten times
faster, which the feature suite feels, since every scenario loads the rules folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Limits far above any rules file (the largest shipped one is under 10 KB with a few dozen nodes
# and two aliases), far below harm: aliases nested ten deep turn 300 bytes into billions of
# nodes once expanded (an "alias bomb"), and every consumer of the data expands them.
MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_NODES = 100_000


@dataclass(frozen=True)
class Position:
    line: int
    column: int


@dataclass
class YamlDocument:
    path: Path
    data: Any
    positions: dict[Path_, Position]
    duplicates: list[tuple[Path_, Position]]

    def position(self, location: Path_) -> Position:
        """The closest known position of ``location`` (a path of keys and indexes)."""
        location = tuple(location)
        while location and location not in self.positions:
            location = location[:-1]
        return self.positions.get(location, Position(1, 1))


class YamlError(Exception):
    def __init__(self, path: Path, position: Position, message: str):
        super().__init__(f"{path}:{position.line}:{position.column}: {message}")
        self.path = path
        self.position = position
        self.message = message


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _Limits:
    """Counts nodes as the data will be expanded, and aliases (a node met a second time)."""

    def __init__(self, path: Path):
        self.path = path
        self.nodes = 0
        self.seen: set[int] = set()
        self.aliases = 0

    def visit(self, node: yaml.Node) -> None:
        self.nodes += 1
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.seen:
                self.aliases += 1
            self.seen.add(id(node))
        if self.aliases > MAX_ALIASES:
            raise YamlError(self.path, _mark(node), f"terlalu banyak alias YAML (*nama): lebih dari {MAX_ALIASES}")
        if self.nodes > MAX_NODES:
            raise YamlError(self.path, _mark(node), f"berkas terlalu besar setelah alias YAML diuraikan: lebih dari "
                                                    f"{MAX_NODES:,} nilai".replace(",", "."))


def _walk(node: yaml.Node, here: Path_, positions: dict[Path_, Position], duplicates: list, limits: _Limits) -> None:
    limits.visit(node)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append(((*here, key), _mark(key_node)))
            seen.add(key)
            positions[(*here, key)] = _mark(key_node)
            _walk(value_node, (*here, key), positions, duplicates, limits)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            positions[(*here, index)] = _mark(item)
            _walk(item, (*here, index), positions, duplicates, limits)


def _compose(text: str) -> yaml.Node | None:
    loader = SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _construct(node: yaml.Node) -> Any:
    """The data of a node tree whose expanded size is known to be within the limits."""
    loader = SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def read_yaml(path: Path) -> YamlDocument:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise YamlError(path, Position(1, 1), f"berkas aturan lebih dari {MAX_BYTES:,} byte".replace(",", "."))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise YamlError(path, Position(1, 1), f"berkas tidak dapat dibaca ({error})") from None
    try:
        node = _compose(text)
        positions: dict[Path_, Position] = {(): Position(1, 1)}
        duplicates: list[tuple[Path_, Position]] = []
        if node is not None:  # walked before the data are built: the walk stops an alias bomb
            _walk(node, (), positions, duplicates, _Limits(path))
        data = _construct(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        problem = error.problem or str(error)
        if "constructor" in problem:
            problem = f"tag YAML tidak diizinkan di berkas aturan (hanya data biasa): {problem}"
        raise YamlError(path, position, f"YAML tidak sah: {problem}") from None
    except yaml.YAMLError as error:
        raise YamlError(path, Position(1, 1), f"YAML tidak sah: {error}") from None
    except RecursionError:
        raise YamlError(path, Position(1, 1), "YAML bersarang terlalu dalam") from None
    return YamlDocument(path, data, positions, duplicates)
