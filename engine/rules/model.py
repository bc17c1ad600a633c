"""The schema of rule and parameter files: what policy staff may write, checked on load.

A rule reads like the regulation: who it classifies (``entity``), which tag it gives, on what
legal basis, in force when (``versions`` with effective periods), under which conditions, with
interpretation notes. Thresholds and windows are named parameters with their own effective
periods, referred to as ``{param: name}``. Year arithmetic is limited to ``n``, ``y`` (the year of
an ``each_year`` window) and a whole-number offset, e.g. ``n-2``: no expressions, no code.
"""

from __future__ import annotations

import re
from datetime import date
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

YEAR_EXPRESSION = re.compile(r"^\s*(n|y)\s*(?:([+-])\s*(\d+))?\s*$")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
ENTITY_TYPES = ("koperasi", "ukm", "peserta_diklat")
ENTITY_ALIASES = {"kukm": ("koperasi", "ukm")}
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in", "exists", "missing")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _year_expression(value: str) -> str:
    if not YEAR_EXPRESSION.match(value):
        raise ValueError(f"ungkapan tahun '{value}' tidak dikenal; tulis n, n-1, n-2, y, ...")
    return value.replace(" ", "")


def _identifier(value: str) -> str:
    if not IDENTIFIER.match(value):
        raise ValueError(f"'{value}' harus huruf kecil, angka dan garis bawah, diawali huruf")
    return value


class Period(Strict):
    """In force from ``from`` to ``to`` inclusive; ``to`` empty means still in force."""

    start: date = Field(alias="from")
    end: date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise ValueError("tanggal 'to' lebih awal dari 'from'")
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class LegalBasis(Strict):
    regulation: str
    title: str | None = None
    article: str | None = None
    note: str | None = None

    def cite(self) -> str:
        parts = [self.regulation]
        if self.title:
            parts.append(f'"{self.title}"')
        if self.article:
            parts.append(self.article)
        return ", ".join(parts)


class ParamRef(Strict):
    param: str


class YearRef(Strict):
    year: str

    _check = field_validator("year")(lambda cls, value: _year_expression(value))


class EndOfYear(Strict):
    end_of_year: str

    _check = field_validator("end_of_year")(lambda cls, value: _year_expression(value))


class StartOfYear(Strict):
    start_of_year: str

    _check = field_validator("start_of_year")(lambda cls, value: _year_expression(value))


Literal_ = Union[bool, int, float, date, str, list[Union[bool, int, float, str]]]
Value = Union[ParamRef, YearRef, EndOfYear, StartOfYear, Literal_]


class Comparison(Strict):
    field: Union[str, ParamRef]
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in", "not in", "exists", "missing"] = "="
    value: Value | None = None

    @model_validator(mode="after")
    def _value_matches_operator(self) -> Comparison:
        if self.op in ("exists", "missing"):
            if self.value is not None:
                raise ValueError(f"operator '{self.op}' tidak memakai 'value'")
        elif self.value is None:
            raise ValueError(f"operator '{self.op}' memerlukan 'value'")
        return self


class RecordTest(Strict):
    table: str
    where: list[Comparison] = []
    min_count: Union[int, ParamRef] = 1


class Clause(Strict):
    """A leaf of the condition tree: explainable on its own in an audit."""

    id: str
    text: str
    failed_text: str | None = None

    _check_id = field_validator("id")(lambda cls, value: _identifier(value))


class RecordClause(Clause):
    exists: RecordTest


class TagClause(Clause):
    has_tag: str


class YearWindow(Strict):
    """The years n-k+1..n (``last: k``) or ``from``..``to``; ``match: any`` needs one year only."""

    last: Union[int, ParamRef, None] = None
    match: Literal["each", "any"] = "each"
    start: str | None = Field(default=None, alias="from")
    end: str | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _one_form(self) -> YearWindow:
        if (self.last is None) == (self.start is None or self.end is None):
            raise ValueError("tulis 'last' (jumlah tahun terakhir s.d. n) atau 'from' dan 'to'")
        for value in (self.start, self.end):
            if value is not None:
                _year_expression(value)
        return self


class EachYearClause(Clause):
    """One clause per year of the window, each with the year ``y`` filled in."""

    each_year: YearWindow
    exists: RecordTest


class AllOf(Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(Strict):
    any: list[Condition] = Field(min_length=1)


class NotOf(Strict):
    not_: Condition = Field(alias="not")
    id: str | None = None
    text: str | None = None


# Checked in this order: an each_year clause also has "exists".
CONDITION_KEYS = ("all", "any", "not", "each_year", "exists", "has_tag")


def condition_kind(value: Any) -> str | None:
    """The kind of a condition, by the key that names it (tags start with ~ to tell them from keys)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True)
    if isinstance(value, dict):
        return next((f"~{key}" for key in CONDITION_KEYS if key in value), None)
    return None


Condition = Annotated[
    Union[
        Annotated[AllOf, Tag("~all")],
        Annotated[AnyOf, Tag("~any")],
        Annotated[NotOf, Tag("~not")],
        Annotated[EachYearClause, Tag("~each_year")],
        Annotated[RecordClause, Tag("~exists")],
        Annotated[TagClause, Tag("~has_tag")],
    ],
    Discriminator(
        condition_kind,
        custom_error_type="condition_kind",
        custom_error_message="kondisi harus memuat salah satu kunci: all, any, not, exists, each_year, has_tag",
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


class RuleVersion(Strict):
    version: int = Field(ge=1)
    effective: Period
    when: Condition
    notes: list[str] = []
    change: str | None = None


class Neither(Strict):
    """A gap between this rule and its counterpart: said when an entity gets neither tag."""

    tag: str
    text: str


class Rule(Strict):
    id: str
    tag: str
    entity: Union[str, list[str]]
    name: str
    description: str
    legal_basis: list[LegalBasis] = Field(min_length=1)
    notes: list[str] = []
    neither: Neither | None = None
    versions: list[RuleVersion] = Field(min_length=1)

    _check_id = field_validator("id", "tag")(lambda cls, value: _identifier(value))

    @field_validator("entity")
    @classmethod
    def _known_entity(cls, value: str | list[str]) -> str | list[str]:
        for name in [value] if isinstance(value, str) else value:
            if name not in ENTITY_TYPES and name not in ENTITY_ALIASES:
                known = ", ".join((*ENTITY_TYPES, *ENTITY_ALIASES))
                raise ValueError(f"entitas '{name}' tidak dikenal; pilihan: {known}")
        return value

    def entity_types(self) -> tuple[str, ...]:
        names = [self.entity] if isinstance(self.entity, str) else self.entity
        expanded: list[str] = []
        for name in names:
            expanded.extend(ENTITY_ALIASES.get(name, (name,)))
        return tuple(dict.fromkeys(expanded))

    def version_for(self, day: date) -> RuleVersion | None:
        return next((version for version in self.versions if version.effective.contains(day)), None)


class ParameterVersion(Strict):
    value: Any
    effective: Period
    change: str | None = None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# What each parameter type accepts, and how the refusal reads. A value that is only "almost" right
# (``true`` or ``tujuh puluh lima`` for a score, ``[80]`` for a threshold) would run and silently
# give 0 % or 100 %, or make durable_rules refuse the ruleset (error 102), so none is coerced.
PARAMETER_TYPES: dict[str, tuple[Any, str]] = {
    "number": (_is_number, "sebuah angka, misalnya 75 atau 75.5"),
    "integer": (lambda value: isinstance(value, int) and not isinstance(value, bool), "bilangan bulat, misalnya 3"),
    "column": (lambda value: isinstance(value, str) and bool(IDENTIFIER.match(value)), "nama kolom, misalnya tahun_rat"),
    "labels": (lambda value: isinstance(value, list) and bool(value)
               and all(isinstance(item, str) and item.strip() for item in value),
               "daftar label tidak kosong, misalnya [ISO 9001, Halal]"),
    "date": (lambda value: isinstance(value, date), "tanggal ISO, misalnya 2024-12-31"),
    "text": (lambda value: isinstance(value, str), "teks"),
}
ParameterType = Literal["number", "integer", "column", "labels", "date", "text"]


class Parameter(Strict):
    id: str
    type: ParameterType
    name: str
    description: str | None = None
    unit: str | None = None
    legal_basis: list[LegalBasis] = []
    notes: list[str] = []
    versions: list[ParameterVersion] = Field(min_length=1)

    _check_id = field_validator("id")(lambda cls, value: _identifier(value))

    def wrong_values(self) -> Iterator[tuple[int, str]]:
        """Each version whose value is not of the declared type, with the refusal in words."""
        accepts, expected = PARAMETER_TYPES[self.type]
        for index, version in enumerate(self.versions):
            if not accepts(version.value):
                yield index, f"parameter {self.id} bertipe {self.type}: nilai {version.value!r} bukan {expected}"

    def version_for(self, day: date) -> ParameterVersion | None:
        return next((version for version in self.versions if version.effective.contains(day)), None)


class ParameterFile(Strict):
    parameters: list[Parameter]


def _code(pattern: str, example: str) -> AfterValidator:
    def check(value: str) -> str:
        if not re.fullmatch(pattern, value):
            raise ValueError(f"kode '{value}' tidak berbentuk {example}")
        return value
    return AfterValidator(check)


class RegionFile(Strict):
    """``regions.yaml``: Kemendagri codes and the names of provinces and kabupaten/kota."""

    provinsi: dict[Annotated[str, _code(r"\d{2}", "NN (misalnya 35)")], str]
    kabupaten_kota: dict[Annotated[str, _code(r"\d{2}\.\d{2}", "NN.NN (misalnya 35.78)")], str]


def is_leaf(condition: Any) -> bool:
    return isinstance(condition, Clause)
