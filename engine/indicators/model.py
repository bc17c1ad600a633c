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


# The fields quoted from the IKU document; one the document leaves empty is listed in ``not_in_document``.
QUOTED_FIELDS = ("name", "goal", "document_formula", "data_source", "responsible")
QuotedField = Literal["name", "goal", "document_formula", "data_source", "responsible"]
NOT_IN_DOCUMENT = "tidak disebutkan dalam dokumen IKU"


class Indicator(Strict):
    """``name``, ``goal`` (sasaran), ``document_formula`` (formulasi), ``data_source`` and ``responsible``
    quote the IKU document word for word; ``formula`` is the machine definition beside it."""

    id: str
    name: str
    goal: str | None = None
    unit: Literal["%", "unit"]
    formula: Formula = Field(discriminator="kind")
    document_formula: str | None = None
    formula_inferred: str | None = None  # why the formula is iku's inference where the document gives none
    data: list[str] = Field(min_length=1, description="tables without which it is not computable")
    data_source: str | None = None
    responsible: str | None = None
    not_in_document: list[QuotedField] = []
    # which way is better, for capaian (LKjIP): higher_is_better or lower_is_better (the inverse formula)
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    notes: list[str] = []

    def quoted(self, field: str) -> str:
        """The document's words for ``field``, or what the report says where the document has none."""
        value = getattr(self, field)
        return value if value else NOT_IN_DOCUMENT


class Province(Strict):
    code: str
    name: str


class SourceDocument(Strict):
    """The IKU document's own identification, as it writes it (what it does not give stays empty)."""

    file: str
    institution: str
    date: str | None = None
    signatory: str | None = None

    def cite(self) -> str:
        parts = [self.institution]
        if self.date:
            parts.append(self.date)
        if self.signatory:
            parts.append(f"ditandatangani {self.signatory}")
        return "; ".join(parts)


class Profile(Strict):
    id: str
    name: str
    province: Province
    source_document: str
    document: SourceDocument | None = None
    notes: list[str] = []
    indicators: list[Indicator] = Field(min_length=1)
