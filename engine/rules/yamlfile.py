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


def _walk(node: yaml.Node, here: Path_, positions: dict[Path_, Position], duplicates: list) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append(((*here, key), _mark(key_node)))
            seen.add(key)
            positions[(*here, key)] = _mark(key_node)
            _walk(value_node, (*here, key), positions, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            positions[(*here, index)] = _mark(item)
            _walk(item, (*here, index), positions, duplicates)


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def read_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise YamlError(path, Position(1, 1), f"berkas tidak dapat dibaca ({error})") from None
    try:
        node, data = _parse(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        problem = error.problem or str(error)
        if "constructor" in problem:
            problem = f"tag YAML tidak diizinkan di berkas aturan (hanya data biasa): {problem}"
        raise YamlError(path, position, f"YAML tidak sah: {problem}") from None
    except yaml.YAMLError as error:
        raise YamlError(path, Position(1, 1), f"YAML tidak sah: {error}") from None
    positions: dict[Path_, Position] = {(): Position(1, 1)}
    duplicates: list[tuple[Path_, Position]] = []
    if node is not None:
        _walk(node, (), positions, duplicates)
    return YamlDocument(path, data, positions, duplicates)
