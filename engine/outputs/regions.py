"""Kode wilayah (Kemendagri, ``NN.NN``) → kabupaten/kota name, for the reports and the run record.

The names come from ``regions.yaml`` in the rules folder, so policy staff keep them with the rules
(a new kabupaten after pemekaran is one line there); a rules folder without that file uses the one
shipped in ``rules/``. A region is identified by its code, never by how a row spells ``kab_kota``
(``Kab. Malang``, ``Kabupaten Batanghari``): a code missing from the file is shown with the name the
data most often writes beside it, else as the bare code.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import total_ordering
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from engine.rules.rulebook import Problem, RulesInvalid
from engine.rules.yamlfile import YamlError, read_yaml

REGIONS_FILE = "regions.yaml"
SHIPPED = Path(__file__).resolve().parents[2] / "rules" / REGIONS_FILE
NO_REGION = "(tanpa wilayah)"


def _code(pattern: str, example: str):
    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise ValueError(f"kode '{value}' tidak berbentuk {example}")
        return value
    return AfterValidator(check)


class RegionFile(BaseModel):
    """The schema of ``regions.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provinsi: dict[Annotated[str, _code(r"\d{2}", "NN (misalnya 35)")], str]
    kabupaten_kota: dict[Annotated[str, _code(r"\d{2}\.\d{2}", "NN.NN (misalnya 35.78)")], str]


@total_ordering
@dataclass(frozen=True)
class Region:
    code: str | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.code and self.name != self.code else self.name

    def __lt__(self, other: Region) -> bool:
        # Kemendagri order (kabupaten 01-69, then kota 71-99); entities without a code last.
        return (self.code is None, self.code or "", self.name) < (other.code is None, other.code or "", other.name)


def _problems(path: Path, document, error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        location = tuple(part for part in detail["loc"] if part != "[key]")
        position = document.position(location)
        message = detail["msg"].removeprefix("Value error, ")  # pydantic's prefix says nothing to policy staff
        problems.append(Problem(str(path), position.line, position.column, message))
    return problems


def read_region_file(path: Path) -> RegionFile:
    """Read and validate one ``regions.yaml``; every problem is reported with its line (``RulesInvalid``)."""
    try:
        document = read_yaml(path)
    except YamlError as error:
        raise RulesInvalid([Problem(str(error.path), error.position.line, error.position.column, error.message)]) from None
    duplicates = [Problem(str(path), p.line, p.column, f"kode {where[-1]} tertulis dua kali")
                  for where, p in document.duplicates]
    try:
        regions = RegionFile.model_validate(document.data)
    except ValidationError as error:
        raise RulesInvalid(duplicates + _problems(path, document, error)) from None
    if duplicates:
        raise RulesInvalid(duplicates)
    return regions


def region_file_for(rules: Path) -> Path | None:
    """The rules folder's own ``regions.yaml``, else the shipped one (None if neither exists)."""
    for candidate in (rules / REGIONS_FILE, SHIPPED):
        if candidate.is_file():
            return candidate
    return None


def region_problems(rules: Path) -> list[Problem]:
    """What is wrong with the rules folder's ``regions.yaml`` (nothing if it is valid or absent)."""
    path = region_file_for(rules)
    try:
        if path is not None:
            read_region_file(path)
    except RulesInvalid as error:
        return error.problems
    return []


class RegionNames:
    """Names by code: the official list first, then what the data writes, then the code itself."""

    def __init__(self, official: Mapping[str, str], written: Mapping[str, str] | None = None):
        self.official = dict(official)
        self.written = dict(written or {})

    def region(self, code: str | None) -> Region:
        if not code:
            return Region(None, NO_REGION)
        return Region(code, self.official.get(code) or self.written.get(code) or code)


def most_written(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """For each code, the ``kab_kota`` spelling written most often beside it (ties: alphabetical)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for code, name in pairs:
        if code and name:
            counts[code][name] += 1
    return {code: min(names, key=lambda name: (-names[name], name)) for code, names in counts.items()}


def load_region_names(rules: Path, written: Iterable[tuple[str | None, str | None]] = ()) -> RegionNames:
    path = region_file_for(rules)
    official = read_region_file(path).kabupaten_kota if path else {}
    return RegionNames(official, most_written(written))
