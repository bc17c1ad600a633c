"""Tags (and yearly figures) → indicator values, as a profile defines them.

For every kind, ``nilai = pembilang ÷ penyebut × 100`` for a percentage or growth and
``nilai = pembilang`` for a count. Growth: pembilang is Σ(n) − Σ(n-1) and penyebut Σ(n-1) over the
cohort members that have a value in both years. A value that cannot be computed is ``None`` with
the reason in ``catatan``, never 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from engine.decisions import DecisionTable
from engine.facts import ENTITY_TABLES
from engine.indicators.in_force import rules_not_in_force
from engine.indicators.model import Count, Denominator, EntitySet, Growth, Indicator, Percentage, Profile
from engine.ingest.tables import Record
from engine.ingest.values import parse_label
from engine.numbers import format_number
from engine.rules.rulebook import RuleBook

if TYPE_CHECKING:  # the run store's readers use the results without the readers (polars, openpyxl)
    from engine.ingest.dataset import Dataset


@dataclass(frozen=True, slots=True)
class Member:
    """An entity in an indicator's list, with its two yearly values for a growth.

    A slotted dataclass, not a pydantic model: a national run lists millions of members, and
    pydantic keeps a dict and a set of given fields per model (≈ 500 bytes; this is 64).
    """

    entity_type: str
    entity_id: str
    nilai_sebelum: float | None = None
    nilai: float | None = None


class IndicatorResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    nama: str
    nilai: int | float | None
    satuan: str
    pembilang: int | float | None
    penyebut: int | float | None
    catatan: str
    numerator: tuple[Member, ...] = ()
    denominator: tuple[Member, ...] = ()
    excluded: tuple[Member, ...] = ()
    not_in_force: tuple[str, ...] = ()  # why a rule it needs does not apply in year n (then nilai is None)
    denominator_source: str | None = None  # where a declared figure came from; it then has no member list

    def public(self) -> dict[str, object]:
        """The fields of indicators.json, as the data contract names them."""
        return self.model_dump(include={"id", "nama", "nilai", "satuan", "pembilang", "penyebut", "catatan"})


NO_TAGS: frozenset[str] = frozenset()


class TagIndex:
    """Which registered entities hold which tags in year n.

    Per entity type the registered ids are kept sorted, each beside its tag combination, and an entity
    set's members are picked from them with C-level iteration (``itertools.compress``): a national run
    asks a dozen sets of hundreds of thousands of entities each. Every entity is one ``Member``, shared
    by all the lists it is in.
    """

    def __init__(self, decisions: DecisionTable, registered: dict[str, list[str]]):
        self.registered = registered
        self._held = decisions.given_tags()
        self._ordered: dict[str, tuple[list[Member], list[frozenset[str]]]] = {}  # made per type when asked

    def members(self, entity_set: EntitySet) -> list[Member]:
        """The registered entities holding all the set's tags, by entity type (the set's order) and id."""
        return [member for entity_type in entity_set.entity_types()
                for member in self._holding(entity_type, [frozenset(entity_set.tags)])]

    def members_of_any(self, entity_sets: Sequence[EntitySet]) -> list[Member]:
        """The registered entities in any of the sets, each once, by entity type and id."""
        types = sorted({entity_type for entity_set in entity_sets for entity_type in entity_set.entity_types()})
        return [member for entity_type in types for member in self._holding(
            entity_type, [frozenset(entity_set.tags) for entity_set in entity_sets
                          if entity_type in entity_set.entity_types()])]

    def _holding(self, entity_type: str, wanted: list[frozenset[str]]) -> list[Member]:
        """The entities of a type whose tags include any of ``wanted``, in id order."""
        members, combinations = self._of_type(entity_type)
        matching = {held for held in set(combinations) if any(tags <= held for tags in wanted)}
        return list(compress(members, map(matching.__contains__, combinations)))

    def _of_type(self, entity_type: str) -> tuple[list[Member], list[frozenset[str]]]:
        if entity_type not in self._ordered:
            ids = sorted(self.registered.get(entity_type, []))
            held = self._held.get(entity_type, {})
            self._ordered[entity_type] = ([Member(entity_type, entity_id) for entity_id in ids],
                                          list(map(held.get, ids, repeat(NO_TAGS))))
        return self._ordered[entity_type]


def growth_columns(profile: Profile) -> dict[str, list[str]]:
    """The yearly figures the profile's growth indicators sum: per table, its columns (each once)."""
    columns: dict[str, dict[str, None]] = defaultdict(dict)
    for indicator in profile.indicators:
        if isinstance(indicator.formula, Growth):
            for measure in indicator.formula.measure.values():
                columns[measure.table][measure.field] = None
    return {table: list(named) for table, named in columns.items()}


def tables_read(profile: Profile) -> set[str]:
    """The input tables the indicators read themselves; everything else they read through tags."""
    return set(growth_columns(profile)) | {"statistik"}


def statistic_row(dataset: Dataset, name: str, year: int) -> Record | None:
    """The ``statistik`` row ``name`` of ``year`` (the first, if written twice), or None."""
    wanted = parse_label(name)
    return next((record for record in dataset.table("statistik") if record.nama == wanted and record.tahun == year),
                None)


def declared_statistic(dataset: Dataset, name: str, year: int) -> float | None:
    row = statistic_row(dataset, name, year)
    return None if row is None else row.nilai


def statistic_source(dataset: Dataset, row: Record, name: str) -> str:
    """Where a declared figure came from, as an auditor finds it: the table, its row and its ``sumber``."""
    source = next((count.source for count in dataset.counts if count.table == "statistik"), "statistik")
    said = f"sumber: {row.sumber}" if row.sumber else "sumber tidak diisi"
    return f"statistik {name} tahun {row.tahun} = {format_number(row.nilai)} ({source} baris {row.row}; {said})"


def percent_of(part: float, whole: float) -> float | None:
    """part ÷ whole × 100 to two decimals, as indicators.json gives it; None when whole is 0."""
    return round(part / whole * 100, 2) if whole else None


def growth_percent(before: float | None, now: float | None) -> float | None:
    """(now − before) ÷ before × 100 to two decimals; None without both values or when before is 0."""
    if before is None or now is None or before == 0:
        return None
    return round((now - before) / before * 100, 2)


def _describe(entity_set: EntitySet) -> str:
    tags = ", ".join(entity_set.tags)
    return f"{entity_set.entity} dengan tag {tags}" if tags else f"{entity_set.entity} terdaftar"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def _not_computable(indicator: Indicator, reason: str, **parts: object) -> IndicatorResult:
    return IndicatorResult(
        id=indicator.id, nama=indicator.name, nilai=None, satuan=indicator.unit,
        pembilang=None, penyebut=None, catatan=f"tidak dapat dihitung: {reason}", **parts,
    )


class Calculator:
    def __init__(self, book: RuleBook, dataset: Dataset, index: TagIndex, year: int,
                 columns: dict[str, list[str]] | None = None):
        self.book = book
        self.dataset = dataset
        self.index = index
        self.year = year
        self.columns = columns or {}  # per table, the columns read together (growth_columns)
        self._figures: dict[tuple[str, str], dict[str, dict[int, dict[str, float]]]] = {}  # see _values

    def compute(self, indicator: Indicator) -> IndicatorResult:
        not_in_force = rules_not_in_force(self.book, indicator, self.year)
        if not_in_force:
            return _not_computable(indicator, "; ".join(not_in_force), not_in_force=tuple(not_in_force))
        absent = [table for table in indicator.data if not self.dataset.has(table)]
        if absent:
            return _not_computable(indicator, f"data {', '.join(absent)} tidak tersedia")
        formula = indicator.formula
        if isinstance(formula, Percentage):
            return self._percentage(indicator, formula)
        if isinstance(formula, Count):
            return self._count(indicator, formula)
        assert isinstance(formula, Growth)
        return self._growth(indicator, formula)

    def _count(self, indicator: Indicator, formula: Count) -> IndicatorResult:
        members = self.index.members(formula.count)
        return IndicatorResult(
            id=indicator.id, nama=indicator.name, nilai=len(members), satuan=indicator.unit,
            pembilang=len(members), penyebut=None,
            catatan=f"{len(members)} {_describe(formula.count)} pada tahun {self.year}",
            numerator=tuple(members),
        )

    def _denominator(self, denominator: EntitySet | Denominator) -> tuple[float, list[Member], str, str | None]:
        """The denominator's value, its members, how it was formed, and where a declared figure came from.

        A declared statistic has no members: the fallback entities are not what it counted, so they
        are not listed as if they were.
        """
        if isinstance(denominator, EntitySet):
            members = self.index.members(denominator)
            return len(members), members, f"{len(members)} {_describe(denominator)}", None
        if denominator.statistic:
            row = statistic_row(self.dataset, denominator.statistic, self.year)
            if row is not None:
                source = statistic_source(self.dataset, row, denominator.statistic)
                return row.nilai, [], source, source
        members = self.index.members_of_any(denominator.otherwise)
        parts = " + ".join(_describe(entity_set) for entity_set in denominator.otherwise)
        note = f"{len(members)} ({parts})"
        if denominator.statistic:
            note += f"; statistik {denominator.statistic} tahun {self.year} tidak ada"
        return len(members), members, note, None

    def _percentage(self, indicator: Indicator, formula: Percentage) -> IndicatorResult:
        numerator = self.index.members(formula.numerator)
        penyebut, denominator, note, source = self._denominator(formula.denominator)
        parts = {"numerator": tuple(numerator), "denominator": tuple(denominator), "denominator_source": source}
        if not penyebut:
            return _not_computable(indicator, f"penyebut nol ({note})", **parts)
        return IndicatorResult(
            id=indicator.id, nama=indicator.name, nilai=percent_of(len(numerator), penyebut),
            satuan=indicator.unit, pembilang=len(numerator), penyebut=_number(penyebut),
            catatan=f"pembilang: {len(numerator)} {_describe(formula.numerator)}; penyebut: {note}",
            **parts,
        )

    def _values(self, table: str, column: str, id_column: str) -> dict[int, dict[str, float]]:
        """The values of ``column`` in years n-1 and n, by year and entity id (the last row wins).

        A table is read once for every column the profile's growth indicators sum from it (jambi sums
        three of kinerja_ukm): a national run's yearly figures are millions of rows."""
        figures = self._figures.get((table, id_column))
        if figures is None or column not in figures:
            columns = list(dict.fromkeys([*self.columns.get(table, []), column]))
            figures = self._figures[(table, id_column)] = self._read_figures(table, id_column, columns)
        return figures[column]

    def _read_figures(self, table: str, id_column: str, columns: list[str]) -> dict[str, dict[int, dict[str, float]]]:
        figures: dict[str, dict[int, dict[str, float]]] = {
            column: {self.year - 1: {}, self.year: {}} for column in columns}
        wanted = [(index, figures[column]) for index, column in enumerate(columns, start=2)]
        for row in self.dataset.values(table, ["tahun", id_column, *columns], first_in=(self.year - 1, self.year)):
            year, entity_id = row[0], row[1]
            for index, by_year in wanted:
                if row[index] is not None:
                    by_year[year][entity_id] = row[index]
        return figures

    def _growth(self, indicator: Indicator, formula: Growth) -> IndicatorResult:
        cohort = self.index.members(formula.cohort)
        values = {
            kind: self._values(measure.table, measure.field, ENTITY_TABLES[kind][1])
            for kind, measure in formula.measure.items()
        }
        included: list[Member] = []
        excluded: list[Member] = []
        for cohort_member in cohort:
            kind, entity_id = cohort_member.entity_type, cohort_member.entity_id
            before = values[kind][self.year - 1].get(entity_id)
            now = values[kind][self.year].get(entity_id)
            member = Member(entity_type=kind, entity_id=entity_id, nilai_sebelum=before, nilai=now)
            (included if before is not None and now is not None else excluded).append(member)
        total_before = sum(member.nilai_sebelum or 0 for member in included)
        total_now = sum(member.nilai or 0 for member in included)
        sums = (
            f"Σ{self.year - 1} = {format_number(total_before)}, Σ{self.year} = {format_number(total_now)} atas "
            f"{len(included)} {_describe(formula.cohort)} yang punya nilai di kedua tahun; "
            f"{len(excluded)} dikecualikan karena nilai {self.year - 1} atau {self.year} tidak ada"
        )
        parts = {"numerator": tuple(included), "denominator": tuple(included), "excluded": tuple(excluded)}
        if not included:
            return _not_computable(indicator, f"tidak ada anggota kohort dengan nilai di kedua tahun ({sums})", **parts)
        if total_before == 0:
            return _not_computable(indicator, f"Σ{self.year - 1} = 0 ({sums})", **parts)
        return IndicatorResult(
            id=indicator.id, nama=indicator.name,
            nilai=growth_percent(total_before, total_now), satuan=indicator.unit,
            pembilang=_number(total_now - total_before), penyebut=_number(total_before),
            catatan=f"pertumbuhan = (Σ{self.year} − Σ{self.year - 1}) ÷ Σ{self.year - 1} × 100; {sums}",
            **parts,
        )


def compute_indicators(
    book: RuleBook, profile: Profile, dataset: Dataset, index: TagIndex, year: int,
) -> list[IndicatorResult]:
    calculator = Calculator(book, dataset, index, year, growth_columns(profile))
    return [calculator.compute(indicator) for indicator in profile.indicators]
