"""The schema of a province profile: its indicators as data (formula kind, tags read, notes).

Three formula kinds cover the IKU documents: the percentage of one set of tagged entities over
another, the count of distinct tagged entities, and the growth of a summed yearly value over a
cohort between n-1 and n. A new province is one more profile file, no Python.
"""

from __future__ import annotations

from typing import Literal, Union

from pydantic import Field, field_validator, model_validator

from engine.rules.model import ENTITY_ALIASES, ENTITY_TYPES, Strict


class EntitySet(Strict):
    """Entities of a type holding all the listed tags (no tags: every registered entity)."""

    entity: str
    tags: list[str] = []

    @field_validator("entity")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in ENTITY_TYPES and value not in ENTITY_ALIASES:
            raise ValueError(f"entitas '{value}' tidak dikenal")
        return value

    def entity_types(self) -> tuple[str, ...]:
        return ENTITY_ALIASES.get(self.entity, (self.entity,))


class Denominator(Strict):
    """A declared statistic for year n when present, otherwise the union of the sets."""

    statistic: str | None = None
    otherwise: list[EntitySet] = Field(min_length=1)


class Measure(Strict):
    """Which yearly figure is summed, per entity type (e.g. a koperasi's omset is volume_usaha)."""

    table: str
    field: str


class Percentage(Strict):
    kind: Literal["percentage"]
    numerator: EntitySet
    denominator: Union[EntitySet, Denominator]


class Count(Strict):
    kind: Literal["count"]
    count: EntitySet


class Growth(Strict):
    kind: Literal["growth"]
    cohort: EntitySet
    measure: dict[str, Measure]

    @model_validator(mode="after")
    def _measure_per_type(self) -> Growth:
        missing = [name for name in self.cohort.entity_types() if name not in self.measure]
        if missing:
            raise ValueError(f"measure belum ditentukan untuk entitas: {', '.join(missing)}")
        return self


Formula = Union[Percentage, Count, Growth]


class Indicator(Strict):
    id: str
    name: str
    goal: str
    unit: Literal["%", "unit"]
    formula: Formula = Field(discriminator="kind")
    data: list[str] = Field(min_length=1, description="tables without which it is not computable")
    data_source: str
    responsible: str
    notes: list[str] = []


class Province(Strict):
    code: str
    name: str


class Profile(Strict):
    id: str
    name: str
    province: Province
    source_document: str
    notes: list[str] = []
    indicators: list[Indicator] = Field(min_length=1)
