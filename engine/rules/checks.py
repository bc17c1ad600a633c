"""Checks across files, after each file has passed its schema: references and consistency.

Every problem carries ``file:line:column`` so that policy staff can go straight to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.facts import fields_of
from engine.ingest.tables import TABLE_BY_NAME
from engine.rules.model import (
    AllOf,
    AnyOf,
    EachYearClause,
    NotOf,
    ParamRef,
    RecordClause,
    RecordTest,
    Rule,
    TagClause,
    YearWindow,
)
from engine.rules.rulebook import Located, Problem, RuleBook, closest

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
        if parameter is None:
            return None
        values = {str(version.value) for version in parameter.versions}
        return values.pop() if len(values) == 1 else None


def check_rulebook(book: RuleBook) -> list[Problem]:
    checker = _RuleChecker(book)
    for rule in book.rules:
        checker.check(rule)
    problems = checker.problems + _check_profiles(book, checker.tags) + _check_periods(book)
    if not problems:  # compiling needs sound references; it finds what only year n reveals
        problems += _check_cycles(book) + _check_compiles(book)
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


def _check_cycles(book: RuleBook) -> list[Problem]:
    """A rule reading, through has_tag, a tag that depends on its own tag can never be ordered."""
    givers = {rule.tag: rule for rule in book.rules}
    reads: dict[str, list[tuple[str, Location]]] = {}
    for rule in book.rules:
        for index, version in enumerate(rule.versions):
            for here, condition in walk_conditions(version.when, ("versions", index, "when")):
                if isinstance(condition, TagClause) and condition.has_tag in givers:
                    reads.setdefault(rule.id, []).append((givers[condition.has_tag].id, here))
    problems: list[Problem] = []
    for rule in book.rules:
        for target, here in reads.get(rule.id, []):
            path = _path(target, rule.id, reads)
            if path is not None:
                cycle = " → ".join([rule.id, *path])
                problems.append(book.origins[f"rule:{rule.id}"].problem(f"siklus antar-tag: {cycle}", *here, "has_tag"))
    return problems


def _path(start: str, goal: str, reads: dict[str, list[tuple[str, Location]]]) -> list[str] | None:
    seen: set[str] = set()
    stack = [(start, [start])]
    while stack:
        current, path = stack.pop()
        if current == goal:
            return path
        if current in seen:
            continue
        seen.add(current)
        stack.extend((target, [*path, target]) for target, _ in reads.get(current, []))
    return None


def _check_compiles(book: RuleBook) -> list[Problem]:
    """Compile each version for its first year: texts' placeholders, parameters in force, columns."""
    from engine.rules.compiler import CompileError, compile_rule

    problems: list[Problem] = []
    for rule in book.rules:
        for index, version in enumerate(rule.versions):
            try:
                compile_rule(rule, version, book, version.effective.start.year)
            except CompileError as error:
                problems.append(book.origins[f"rule:{rule.id}"].problem(str(error), "versions", index, "when"))
    return problems


def _check_profiles(book: RuleBook, tags: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    for profile in book.profiles.values():
        located = book.origins[f"profile:{profile.id}"]
        for index, indicator in enumerate(profile.indicators):
            for spot, tag in indicator_tags(indicator.formula, ("indicators", index, "formula")):
                if tag not in tags:
                    message = f"indikator {indicator.id} membaca tag '{tag}' yang tidak diberikan aturan mana pun"
                    problems.append(located.problem(message + closest(tag, sorted(tags)), *spot))
            for position, table in enumerate(indicator.data):
                if table not in TABLE_BY_NAME:
                    message = f"tabel '{table}' tidak dikenal" + closest(table, sorted(TABLE_BY_NAME))
                    problems.append(located.problem(message, "indicators", index, "data", position))
    return problems


def indicator_tags(formula: Any, here: Location) -> Iterator[tuple[Location, str]]:
    for name in ("numerator", "count", "cohort", "denominator"):
        part = getattr(formula, name, None)
        if part is None:
            continue
        sets = [(part, (*here, name))] if hasattr(part, "tags") else [
            (item, (*here, name, "otherwise", index)) for index, item in enumerate(part.otherwise)
        ]
        for entity_set, spot in sets:
            for index, tag in enumerate(entity_set.tags):
                yield (*spot, "tags", index), tag
