"""Rule versions in force for year n → a durable_rules ruleset (its JSON form) and node metadata.

Every node of a rule's condition tree becomes one durable_rules rule that, when it matches,
asserts a clause fact ``{"t": "$clause", "node": ...}``; a leaf matches input facts, an ``all`` /
``any`` / ``not`` node matches (or misses) its children's clause facts, and the root also asserts
the tag fact ``{"t": "$tag", "tag": ...}`` that ``has_tag`` clauses of other rules match. After a
session is drained, the clause facts present are the clauses that held; the others failed.

``pri`` orders the agenda so that negation is safe: a rule's stratum is one more than the
strata of the rules whose tags it reads, and within a rule a node fires after its children.
The year n and the parameters in force are constants of the conditions, never session state.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from string import Formatter
from typing import Any

from engine.durable_host import SESSION_INIT
from engine.facts import as_day_number, fields_of
from engine.ingest.tables import TABLE_BY_NAME, Label
from engine.ingest.values import parse_label
from engine.rules.model import (
    YEAR_EXPRESSION,
    AllOf,
    AnyOf,
    Clause,
    EachYearClause,
    EndOfYear,
    NotOf,
    ParamRef,
    RecordClause,
    RecordTest,
    Rule,
    RuleVersion,
    StartOfYear,
    TagClause,
    YearRef,
)
from engine.rules.rulebook import RuleBook

CLAUSE = "$clause"
TAG = "$tag"
# durable_rules 2.0.28 drops EVERY pending action of a session when a fact arrives that retracts a
# pending negation (found here, reproduced in tests/test_durable_guards.py). So a ``not`` node waits
# for a phase fact that the evaluator asserts only after draining all lower levels: by then its
# child has held or never will, and no negation is ever retracted.
PHASE = "$phase"
# Every condition excludes the session's state fact, which flows through the same network
# and would re-fire a matching rule forever (durable_rules trap 2).
NO_STATE = {"$nex": {"$s": 1}}
STRATUM_WIDTH = 100
_DURABLE_OPERATORS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


class CompileError(Exception):
    pass


def reference_day(year: int) -> date:
    """The versions of rules and parameters used for year n are those in force on 31 December n."""
    return date(year, 12, 31)


@dataclass(frozen=True)
class Test:
    """A resolved comparison: field, operator and the constant it is compared with."""

    field: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class Leaf:
    node: str
    rule_id: str
    clause_id: str
    text: str
    failed_text: str
    table: str | None = None
    tests: tuple[Test, ...] = ()
    min_count: int = 1
    tag: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class Node:
    node: str
    kind: str  # leaf, all, any, not
    children: tuple[str, ...] = ()
    leaf: Leaf | None = None
    text: str | None = None


@dataclass(frozen=True)
class UsedParameter:
    id: str
    value: Any
    version_from: date
    version_to: date | None


@dataclass
class CompiledRule:
    rule: Rule
    version: RuleVersion
    root: str
    nodes: dict[str, Node]
    stratum: int = 0
    parameters: dict[str, UsedParameter] = field(default_factory=dict)

    @property
    def leaves(self) -> list[Leaf]:
        return [node.leaf for node in self.nodes.values() if node.leaf is not None]


@dataclass(frozen=True)
class Action:
    """What a durable_rules action does when its rule fires."""

    node: str
    rule_id: str
    tag: str | None  # set on a rule's root: the tag it gives


@dataclass
class CompiledRuleset:
    entity_type: str
    year: int
    rules: list[CompiledRule]
    definition: dict[str, Any]
    actions: dict[str, Action]
    phases: list[int] = field(default_factory=list)
    # table -> for each leaf over it, that leaf's tests on year fields (None: keep every fact)
    year_tests: dict[str, list[tuple[Test, ...]]] = field(default_factory=dict)

    def relevant(self, fact: dict[str, Any]) -> bool:
        """False only for a fact that no leaf can match, judged on its year alone.

        An entity's history (ten years of RAT) mostly lies outside the years the rules ask
        about; leaving those facts out of the session saves durable_rules work and changes no
        result, because every leaf over such a table tests a year the fact does not have.
        """
        tests = self.year_tests.get(fact["t"])
        if tests is None:
            return True
        return any(all(_year_test_holds(test, fact) for test in leaf_tests) for leaf_tests in tests)

    def phase_facts(self) -> list[dict[str, Any]]:
        """Asserted one at a time, each after the session is drained (see ``PHASE``)."""
        return [{"t": PHASE, "level": level, "id": f"$p:{level}"} for level in self.phases]

    def rule(self, rule_id: str) -> CompiledRule:
        return next(compiled for compiled in self.rules if compiled.rule.id == rule_id)


class _Resolver:
    """Turns value expressions of one rule version into constants for year n."""

    def __init__(self, book: RuleBook, year: int, rule_id: str):
        self.book = book
        self.year = year
        self.rule_id = rule_id
        self.used: dict[str, UsedParameter] = {}

    def parameter(self, name: str) -> Any:
        if name not in self.book.parameters:
            raise CompileError(f"aturan {self.rule_id}: parameter '{name}' tidak dikenal")
        version = self.book.parameters[name].version_for(reference_day(self.year))
        if version is None:
            raise CompileError(f"aturan {self.rule_id}: parameter '{name}' tidak berlaku pada tahun {self.year}")
        self.used[name] = UsedParameter(name, version.value, version.effective.start, version.effective.end)
        return version.value

    def year_of(self, expression: str, y: int | None) -> int:
        match = YEAR_EXPRESSION.match(expression)
        assert match is not None  # the schema checked it
        base = self.year if match.group(1) == "n" else y
        if base is None:
            raise CompileError(f"aturan {self.rule_id}: 'y' hanya boleh di dalam each_year")
        offset = int(match.group(3) or 0) * (-1 if match.group(2) == "-" else 1)
        return base + offset

    def value(self, value: Any, y: int | None) -> Any:
        if isinstance(value, ParamRef):
            value = self.parameter(value.param)  # a date parameter is compared as a day number, like a literal
        if isinstance(value, YearRef):
            return self.year_of(value.year, y)
        if isinstance(value, EndOfYear):
            return as_day_number(date(self.year_of(value.end_of_year, y), 12, 31))
        if isinstance(value, StartOfYear):
            return as_day_number(date(self.year_of(value.start_of_year, y), 1, 1))
        if isinstance(value, date):
            return as_day_number(value)
        return value

    def count(self, value: int | ParamRef) -> int:
        count = self.parameter(value.param) if isinstance(value, ParamRef) else value
        if not isinstance(count, int) or count < 1:
            raise CompileError(f"aturan {self.rule_id}: jumlah minimal harus bilangan bulat ≥ 1")
        return count

    def placeholders(self, y: int | None) -> dict[str, Any]:
        values: dict[str, Any] = {"n": self.year}
        if y is not None:
            values["y"] = y
        for offset in range(1, 11):
            values[f"n_{offset}"] = self.year - offset
        return values

    def text(self, template: str, y: int | None) -> str:
        values = self.placeholders(y)
        for _, name, _, _ in Formatter().parse(template):
            if name is None or name in values:
                continue
            if name in self.book.parameters:
                value = self.parameter(name)
                values[name] = ", ".join(map(str, value)) if isinstance(value, list) else value
            else:
                raise CompileError(f"aturan {self.rule_id}: isian '{{{name}}}' pada teks tidak dikenal")
        return template.format_map(values)


def is_label(table: str, column: str) -> bool:
    model = TABLE_BY_NAME[table]
    info = model.model_fields.get(column)
    return info is not None and Label.__metadata__[0] in info.metadata


def _test(comparison: Any, table: str, resolver: _Resolver, y: int | None) -> Test:
    column = comparison.field
    if isinstance(column, ParamRef):
        column = resolver.parameter(column.param)
    if column not in fields_of(table):
        raise CompileError(f"aturan {resolver.rule_id}: tabel {table} tidak punya kolom '{column}'")
    value = resolver.value(comparison.value, y)
    if is_label(table, column):
        value = [parse_label(item) for item in value] if isinstance(value, list) else (
            parse_label(value) if isinstance(value, str) else value
        )
    if comparison.op in ("in", "not in") and not isinstance(value, list):
        value = [value]
    return Test(column, comparison.op, value)


def _record_leaf(
    rule_id: str, clause: Clause, test: RecordTest, resolver: _Resolver, y: int | None, suffix: str = ""
) -> Leaf:
    if test.table not in TABLE_BY_NAME:
        raise CompileError(f"aturan {rule_id}: tabel '{test.table}' tidak dikenal")
    text = resolver.text(clause.text, y)
    failed = resolver.text(clause.failed_text, y) if clause.failed_text else f"tidak terpenuhi: {text}"
    return Leaf(
        node=f"{rule_id}.{clause.id}{suffix}",
        rule_id=rule_id,
        clause_id=f"{clause.id}{suffix}",
        text=text,
        failed_text=failed,
        table=test.table,
        tests=tuple(_test(comparison, test.table, resolver, y) for comparison in test.where),
        min_count=resolver.count(test.min_count),
        year=y,
    )


def _window(clause: EachYearClause, resolver: _Resolver) -> list[int]:
    window = clause.each_year
    if window.last is not None:
        last = resolver.count(window.last)
        return list(range(resolver.year - last + 1, resolver.year + 1))
    start = resolver.year_of(window.start or "n", None)
    end = resolver.year_of(window.end or "n", None)
    if start > end:
        raise CompileError(f"aturan {resolver.rule_id}: jendela tahun {start}–{end} kosong")
    return list(range(start, end + 1))


class _TreeBuilder:
    def __init__(self, rule_id: str, resolver: _Resolver):
        self.rule_id = rule_id
        self.resolver = resolver
        self.nodes: dict[str, Node] = {}
        self.counter = itertools.count(1)

    def add(self, node: Node) -> str:
        if node.node in self.nodes:
            raise CompileError(f"aturan {self.rule_id}: id klausa '{node.node}' dipakai dua kali")
        self.nodes[node.node] = node
        return node.node

    def composite(self, kind: str, children: list[str], text: str | None = None, name: str | None = None) -> str:
        node_id = f"{self.rule_id}.{name}" if name else f"{self.rule_id}.#{kind}{next(self.counter)}"
        return self.add(Node(node_id, kind, tuple(children), text=text))

    def build(self, condition: Any) -> str:
        if isinstance(condition, AllOf):
            return self.composite("all", [self.build(child) for child in condition.all])
        if isinstance(condition, AnyOf):
            return self.composite("any", [self.build(child) for child in condition.any])
        if isinstance(condition, NotOf):
            text = self.resolver.text(condition.text, None) if condition.text else None
            return self.composite("not", [self.build(condition.not_)], text=text, name=condition.id)
        if isinstance(condition, EachYearClause):
            years = _window(condition, self.resolver)
            leaves = [self.leaf(_record_leaf(self.rule_id, condition, condition.exists, self.resolver, y, f"_{y}"))
                      for y in years]
            kind = "all" if condition.each_year.match == "each" else "any"
            return self.composite(kind, leaves, name=condition.id)
        if isinstance(condition, RecordClause):
            return self.leaf(_record_leaf(self.rule_id, condition, condition.exists, self.resolver, None))
        if isinstance(condition, TagClause):
            text = self.resolver.text(condition.text, None)
            failed = self.resolver.text(condition.failed_text, None) if condition.failed_text else f"tidak terpenuhi: {text}"
            return self.leaf(Leaf(f"{self.rule_id}.{condition.id}", self.rule_id, condition.id, text, failed,
                                  tag=condition.has_tag))
        raise CompileError(f"aturan {self.rule_id}: kondisi tidak dikenal")

    def leaf(self, leaf: Leaf) -> str:
        return self.add(Node(leaf.node, "leaf", leaf=leaf))


def compile_rule(rule: Rule, version: RuleVersion, book: RuleBook, year: int) -> CompiledRule:
    resolver = _Resolver(book, year, rule.id)
    builder = _TreeBuilder(rule.id, resolver)
    root = builder.build(version.when)
    return CompiledRule(rule, version, root, builder.nodes, parameters=resolver.used)


def _assign_strata(rules: list[CompiledRule], entity_type: str) -> None:
    by_tag = {compiled.rule.tag: compiled for compiled in rules}
    reads = {
        compiled.rule.id: {leaf.tag for leaf in compiled.leaves if leaf.tag and leaf.tag in by_tag}
        for compiled in rules
    }
    strata: dict[str, int] = {}

    def stratum(compiled: CompiledRule, path: tuple[str, ...]) -> int:
        rule_id = compiled.rule.id
        if rule_id in path:
            cycle = " → ".join((*path, rule_id))
            raise CompileError(f"siklus antar-tag untuk entitas {entity_type}: {cycle}")
        if rule_id not in strata:
            strata[rule_id] = 1 + max(
                (stratum(by_tag[tag], (*path, rule_id)) for tag in reads[rule_id]), default=-1
            )
        return strata[rule_id]

    for compiled in rules:
        compiled.stratum = stratum(compiled, ())


def _heights(compiled: CompiledRule) -> dict[str, int]:
    heights: dict[str, int] = {}

    def height(node_id: str) -> int:
        if node_id not in heights:
            node = compiled.nodes[node_id]
            heights[node_id] = 1 + max((height(child) for child in node.children), default=-1)
        return heights[node_id]

    height(compiled.root)
    return heights


def _comparison_json(test: Test) -> list[dict[str, Any]]:
    exists = {"$ex": {test.field: 1}}
    if test.op == "exists":
        return [exists]
    if test.op == "missing":
        return [{"$nex": {test.field: 1}}]
    if test.op == "=":
        return [exists, {test.field: test.value}]
    if test.op == "in":
        return [exists, {"$or": [{test.field: item} for item in test.value]}] if test.value else [{"t": "$never"}]
    if test.op == "not in":
        return [exists, *({"$neq": {test.field: item}} for item in test.value)]
    return [exists, {_DURABLE_OPERATORS[test.op]: {test.field: test.value}}]


def _and(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [*conditions, NO_STATE]}


def _clause_fact(node: str) -> dict[str, Any]:
    return _and({"t": CLAUSE}, {"node": node})


def _leaf_pattern(leaf: Leaf) -> list[dict[str, Any]]:
    if leaf.tag is not None:
        return [{"m0": _and({"t": TAG}, {"tag": leaf.tag})}]
    conditions = [{"t": leaf.table}]
    for test in leaf.tests:
        conditions.extend(_comparison_json(test))
    # k distinct records: each later alias on a later row, so each combination fires once.
    return [
        {f"m{index}": _and(*conditions, *([{"$gt": {"row": {f"m{index - 1}": "row"}}}] if index else []))}
        for index in range(leaf.min_count)
    ]


def _node_rule(node: Node, pri: int) -> dict[str, Any]:
    if node.kind == "leaf":
        assert node.leaf is not None
        return {"all": _leaf_pattern(node.leaf), "pri": pri}
    children = [{f"c{index}": _clause_fact(child)} for index, child in enumerate(node.children)]
    if node.kind == "all":
        return {"all": children, "pri": pri}
    if node.kind == "any":
        return {"any": children, "pri": pri}
    # A negation is only asked once its child can no longer hold (see ``PHASE``).
    return {"all": [{"p": _and({"t": PHASE}, {"level": pri})}, {"x$not": _clause_fact(node.children[0])}], "pri": pri}


SINK = "$sink"


def _housekeeping_rules() -> dict[str, Any]:
    return {
        # An action runs in every session, so delete_state never meets one that ran none (trap 6).
        SESSION_INIT: {"all": [{"s": {"$and": [{"$s": 1}, {"$nex": {"init": 1}}]}}], "pri": 0, "run": SESSION_INIT},
        # Every input fact matches something, so none is refused as "not handled" (trap 4);
        # the join on a fact that never exists keeps it from ever firing.
        SINK: {"all": [{"m": _and({"$ex": {"t": 1}})}, {"never": _and({"t": "$never"})}], "pri": 10**6, "run": SINK},
    }


def compile_ruleset(book: RuleBook, entity_type: str, year: int) -> CompiledRuleset:
    day = reference_day(year)
    rules: list[CompiledRule] = []
    for rule in book.rules:
        version = rule.version_for(day)
        if entity_type in rule.entity_types() and version is not None:
            rules.append(compile_rule(rule, version, book, year))
    _check_single_rule_per_tag(rules, entity_type)
    _assign_strata(rules, entity_type)
    definition = _housekeeping_rules()
    phases: set[int] = set()
    actions: dict[str, Action] = {}
    for compiled in rules:
        heights = _heights(compiled)
        for node_id, node in compiled.nodes.items():
            pri = 1 + compiled.stratum * STRATUM_WIDTH + heights[node_id]
            definition[node_id] = {**_node_rule(node, pri), "run": node_id}
            if node.kind == "not":
                phases.add(pri)
            actions[node_id] = Action(node_id, compiled.rule.id, compiled.rule.tag if node_id == compiled.root else None)
    return CompiledRuleset(entity_type, year, rules, definition, actions, sorted(phases), _year_tests(rules))


YEAR_FIELDS = ("tahun", "tahun_rat", "tahun_buku")
_YEAR_OPERATORS = {"=": int.__eq__, "<": int.__lt__, "<=": int.__le__, ">": int.__gt__, ">=": int.__ge__}


def _year_tests(rules: list[CompiledRule]) -> dict[str, list[tuple[Test, ...]]]:
    """Per table, the year tests of each leaf over it; a table with any leaf lacking one is left out."""
    by_table: dict[str, list[tuple[Test, ...]]] = {}
    unfiltered: set[str] = set()
    for compiled in rules:
        for leaf in compiled.leaves:
            if leaf.table is None:
                continue
            tests = tuple(
                test for test in leaf.tests
                if test.field in YEAR_FIELDS and test.op in _YEAR_OPERATORS and type(test.value) is int
            )
            if tests:
                by_table.setdefault(leaf.table, []).append(tests)
            else:
                unfiltered.add(leaf.table)
    return {table: tests for table, tests in by_table.items() if table not in unfiltered}


def _year_test_holds(test: Test, fact: dict[str, Any]) -> bool:
    value = fact.get(test.field)
    return isinstance(value, int) and _YEAR_OPERATORS[test.op](value, test.value)


def _check_single_rule_per_tag(rules: list[CompiledRule], entity_type: str) -> None:
    givers: dict[str, str] = {}
    for compiled in rules:
        other = givers.setdefault(compiled.rule.tag, compiled.rule.id)
        if other != compiled.rule.id:
            raise CompileError(f"tag '{compiled.rule.tag}' untuk {entity_type} diberikan oleh dua aturan: {other} dan {compiled.rule.id}")
