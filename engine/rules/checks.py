"""Checks across files, after each file has passed its schema: references, consistency, and the
compile of every entity type's ruleset for every year a rule version is in force — the same
``compile_ruleset`` a run calls, so that what passes the check runs.

Every problem carries ``file:line:column`` so that policy staff can go straight to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from engine.facts import ENTITY_ORDER, fields_of
from engine.indicators.model import EntitySet, Profile
from engine.ingest.tables import TABLE_BY_NAME
from engine.names import closest
from engine.rules.compiler import CompileError, compile_rule, compile_ruleset, reference_day
from engine.rules.model import (
    AllOf,
    AnyOf,
    EachYearClause,
    NotOf,
    ParamRef,
    RecordClause,
    RecordTest,
    Rule,
    RuleVersion,
    TagClause,
    YearWindow,
)
from engine.rules.rulebook import Located, Problem, RuleBook

Location = tuple[str | int, ...]


def walk_conditions(condition: Any, here: Location) -> Iterator[tuple[Location, Any]]:
    """Every condition of a tree with its location in the file."""
    yield here, condition
    if isinstance(condition, AllOf):
        for index, child in enumerate(condition.all):
            yield from walk_conditions(child, (*here, "all", index))
    elif isinstance(condition, AnyOf):
        for index, child in enumerate(condition.any):
            yield from walk_conditions(child, (*here, "any", index))
    elif isinstance(condition, NotOf):
        yield from walk_conditions(condition.not_, (*here, "not"))


def _param_refs(test: RecordTest, window: YearWindow | None, here: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(test.min_count, ParamRef):
        yield (*here, "exists", "min_count"), test.min_count.param
    if window is not None and isinstance(window.last, ParamRef):
        yield (*here, "each_year", "last"), window.last.param
    for index, comparison in enumerate(test.where):
        spot = (*here, "exists", "where", index)
        if isinstance(comparison.field, ParamRef):
            yield (*spot, "field"), comparison.field.param
        if isinstance(comparison.value, ParamRef):
            yield (*spot, "value"), comparison.value.param


class _RuleChecker:
    def __init__(self, book: RuleBook):
        self.book = book
        self.problems: list[Problem] = []
        self.tags = {rule.tag for rule in book.rules}

    def check(self, rule: Rule) -> None:
        located = self.book.origins[f"rule:{rule.id}"]
        for index, version in enumerate(rule.versions):
            for here, condition in walk_conditions(version.when, ("versions", index, "when")):
                self._condition(located, condition, here)

    def _condition(self, located: Located, condition: Any, here: Location) -> None:
        if isinstance(condition, TagClause) and condition.has_tag not in self.tags:
            message = f"tag '{condition.has_tag}' tidak diberikan oleh aturan mana pun" + closest(
                condition.has_tag, sorted(self.tags))
            self.problems.append(located.problem(message, *here, "has_tag"))
        if isinstance(condition, (RecordClause, EachYearClause)):
            window = condition.each_year if isinstance(condition, EachYearClause) else None
            self._record_test(located, condition.exists, window, here)

    def _record_test(self, located: Located, test: RecordTest, window: YearWindow | None, here: Location) -> None:
        for spot, name in _param_refs(test, window, here):
            if name not in self.book.parameters:
                message = f"parameter '{name}' tidak dikenal" + closest(name, sorted(self.book.parameters))
                self.problems.append(located.problem(message, *spot))
        if test.table not in TABLE_BY_NAME:
            message = f"tabel '{test.table}' tidak dikenal" + closest(test.table, sorted(TABLE_BY_NAME))
            self.problems.append(located.problem(message, *here, "exists", "table"))
            return
        for index, comparison in enumerate(test.where):
            column = comparison.field
            if isinstance(column, ParamRef):
                column = self._parameter_column(column.param)
                if column is None:
                    continue
            if column not in fields_of(test.table):
                message = f"tabel {test.table} tidak punya kolom '{column}'" + closest(column, fields_of(test.table))
                self.problems.append(located.problem(message, *here, "exists", "where", index, "field"))

    def _parameter_column(self, name: str) -> str | None:
        parameter = self.book.parameters.get(name)
        if parameter is None or parameter.type != "column":  # the compile names the wrong type
            return None
        values = {str(version.value) for version in parameter.versions}
        return values.pop() if len(values) == 1 else None


def check_rulebook(book: RuleBook) -> list[Problem]:
    checker = _RuleChecker(book)
    for rule in book.rules:
        checker.check(rule)
    problems = checker.problems + _check_profiles(book, checker.tags) + _check_periods(book)
    if not problems:  # compiling needs sound references; it finds what only a year reveals
        problems += _check_compiles(book)
    return problems


def _check_periods(book: RuleBook) -> list[Problem]:
    """Versions of one rule or parameter follow each other day after day, without overlap or gap."""
    problems: list[Problem] = []
    owners = [(f"rule:{rule.id}", f"aturan {rule.id}", rule.versions) for rule in book.rules]
    owners += [(f"parameter:{p.id}", f"parameter {p.id}", p.versions) for p in book.parameters.values()]
    for origin, name, versions in owners:
        located = book.origins[origin]
        numbers = [getattr(version, "version", None) for version in versions]
        for index, number in enumerate(numbers):
            if number is not None and numbers.index(number) != index:
                problems.append(located.problem(f"{name}: nomor versi {number} dipakai dua kali", "versions", index, "version"))
        ordered = sorted(range(len(versions)), key=lambda index: versions[index].effective.start)
        for before, after in zip(ordered, ordered[1:]):
            problem = _period_problem(versions[before].effective, versions[after].effective)
            if problem:
                problems.append(located.problem(f"{name}: {problem}", "versions", after, "effective"))
    return problems


def _period_problem(before: Any, after: Any) -> str | None:
    if before.end is None or after.start <= before.end:
        return f"masa berlaku tumpang tindih dengan versi yang berlaku sejak {before.start.isoformat()}"
    if (after.start - before.end).days > 1:
        return f"ada celah masa berlaku antara {before.end.isoformat()} dan {after.start.isoformat()}"
    return None


def years_in_force(book: RuleBook, today: date | None = None) -> range:
    """Every year n for which some rule version is in force on 31 December: from the first year a
    rule starts to the last year any rule or parameter version starts or ends, and at least this
    year (an open-ended version is the same in every later year)."""
    rule_starts = [version.effective.start.year for rule in book.rules for version in rule.versions]
    if not rule_starts:
        return range(0)
    versions = [version for owner in [*book.rules, *book.parameters.values()] for version in owner.versions]
    bounds = [version.effective.start.year for version in versions]
    bounds += [version.effective.end.year for version in versions if version.effective.end is not None]
    return range(min(rule_starts), max(*bounds, (today or date.today()).year) + 1)


def _check_compiles(book: RuleBook) -> list[Problem]:
    """Compile each entity type's whole ruleset for every year in force, as a run does, and each
    version that is never in force on a 31 December on its own for its first year. Where a
    ruleset fails, its rules are compiled one by one too, so that every broken rule is named."""
    found: dict[tuple[str, int, int], Problem] = {}  # one problem per spot: the first year that shows it

    def compiled(rule: Rule, version: RuleVersion, year: int) -> None:
        try:
            compile_rule(rule, version, book, year)
        except CompileError as error:
            add(error, version)

    def add(error: CompileError, version: RuleVersion | None) -> None:
        problem = _compile_problem(book, error, version)
        found.setdefault((problem.file, problem.line, problem.column), problem)

    years = years_in_force(book)
    for year in years:
        for entity_type in ENTITY_ORDER:
            try:
                compile_ruleset(book, entity_type, year)
            except CompileError as error:
                rule = book.rule(error.rule_id) if error.rule_id else None
                add(error, rule.version_for(reference_day(year)) if rule else None)
                for other in book.rules:
                    version = other.version_for(reference_day(year))
                    if version is not None and entity_type in other.entity_types():
                        compiled(other, version, year)
    for rule in book.rules:
        for version in rule.versions:
            if not any(rule.version_for(reference_day(year)) is version for year in years):
                compiled(rule, version, version.effective.start.year)
    return list(found.values())


def _compile_problem(book: RuleBook, error: CompileError, version: RuleVersion | None) -> Problem:
    """Where a compile error points: the clause it names, else the rule version that failed."""
    if error.rule_id is None:
        return Problem(str(book.directory), 1, 1, str(error))
    rule = book.rule(error.rule_id)
    version = version or rule.versions[0]
    here: Location = ("versions", rule.versions.index(version), "when")
    if error.clause_id is not None:
        here = _clause_location(version, here, error.clause_id, error.key)
    return book.origins[f"rule:{rule.id}"].problem(str(error), *here)


def _clause_location(version: RuleVersion, here: Location, clause_id: str, key: str) -> Location:
    for spot, condition in walk_conditions(version.when, here):
        if getattr(condition, "id", None) == clause_id:
            return (*spot, key)
    return here


def _check_profiles(book: RuleBook, tags: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    for profile in book.profiles.values():
        located = book.origins[f"profile:{profile.id}"]
        seen: set[str] = set()
        for index, indicator in enumerate(profile.indicators):
            if indicator.id in seen:
                problems.append(located.problem(f"indikator {indicator.id} ditulis dua kali di profil {profile.id}",
                                                "indicators", index, "id"))
            seen.add(indicator.id)
            for spot, entity_set, tag in indicator_tags(indicator.formula, ("indicators", index, "formula")):
                if tag not in tags:
                    message = f"indikator {indicator.id} membaca tag '{tag}' yang tidak diberikan aturan mana pun"
                    problems.append(located.problem(message + closest(tag, sorted(tags)), *spot))
                    continue
                message = _other_entity(book, indicator.id, entity_set, tag)
                if message:
                    problems.append(located.problem(message, *spot))
            for position, table in enumerate(indicator.data):
                if table not in TABLE_BY_NAME:
                    message = f"tabel '{table}' tidak dikenal" + closest(table, sorted(TABLE_BY_NAME))
                    problems.append(located.problem(message, "indicators", index, "data", position))
    return problems


def _other_entity(book: RuleBook, indicator_id: str, entity_set: EntitySet, tag: str) -> str | None:
    """An indicator counting a tag that its entities can never get (the rule assesses another
    entity type) would count zero, silently."""
    givers = [rule for rule in book.rules if rule.tag == tag]
    assessed = {entity_type for rule in givers for entity_type in rule.entity_types()}
    missing = [entity_type for entity_type in entity_set.entity_types() if entity_type not in assessed]
    if not missing:
        return None
    return (f"indikator {indicator_id} menghitung tag '{tag}' untuk {', '.join(missing)}, tetapi aturan "
            f"{', '.join(rule.id for rule in givers)} hanya menilai {', '.join(sorted(assessed))}")


def indicator_tags(formula: Any, here: Location) -> Iterator[tuple[Location, EntitySet, str]]:
    for name in ("numerator", "count", "cohort", "denominator"):
        part = getattr(formula, name, None)
        if part is None:
            continue
        sets = [(part, (*here, name))] if hasattr(part, "tags") else [
            (item, (*here, name, "otherwise", index)) for index, item in enumerate(part.otherwise)
        ]
        for entity_set, spot in sets:
            for index, tag in enumerate(entity_set.tags):
                yield (*spot, "tags", index), entity_set, tag
