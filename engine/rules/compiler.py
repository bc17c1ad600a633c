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
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from string import Formatter
from typing import Any, get_args

from engine.durable_host import SESSION_INIT
from engine.facts import as_day_number, fact_layout, fields_of
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
from engine.rules.nodes import Leaf, Node, Test, UsedParameter
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
MAX_YEARS = 50  # a year window longer than any regulation asks for is a typo, not a rule
_DURABLE_OPERATORS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


# durable_rules keeps at most 16 matched facts per rule (MAX_MESSAGE_FRAMES in state.h): a rule
# joining more fails with error 304 once they all hold. An ``any`` of k children that hold costs
# time and memory that grow steeply with each child (16: +73 MB and 0.12 s per entity; 50: MemoryError).
# Measured by bench/durable_limits.py (README "durable_rules"). So no durable rule joins more than WIDTH clause facts: a wider
# all/any node is wired through nested part nodes, and a leaf may ask for at most MAX_FACTS records.
MAX_FACTS = 16
WIDTH = 8


class CompileError(Exception):
    """A rule version that cannot be compiled for a year; ``rule_id``, ``clause_id`` and the
    clause's ``key`` (its ``id`` if not given) say where."""

    def __init__(self, message: str, rule_id: str | None = None, clause_id: str | None = None, key: str = "id"):
        super().__init__(message)
        self.rule_id = rule_id
        self.clause_id = clause_id
        self.key = key


def reference_day(year: int) -> date:
    """The versions of rules and parameters used for year n are those in force on 31 December n."""
    return date(year, 12, 31)


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


@dataclass(frozen=True)
class TagTerm:
    """One conjunction of a rule's condition in disjunctive normal form, as one durable_rules rule:
    when it matches, the rule's tag is given. ``leaves`` maps its aliases to the positive leaves."""

    name: str
    rule_id: str
    tag: str
    leaves: dict[str, str]


@dataclass(frozen=True)
class TermRuleset:
    """The ruleset in which durable_rules decides every leaf and every tag (see ``_term_ruleset``)."""

    definition: dict[str, Any]
    terms: dict[str, TagTerm]
    leaves: frozenset[str]  # the record leaves; each is decided by the durable_rules rule ``shared`` names
    phases: list[int]  # the phase levels whose facts negations wait for, in the order to assert them
    reads: frozenset[str]  # the tags some has_tag clause reads: their tag facts are asserted
    not_phases: dict[str, int]  # not node → the phase it is decided at in the clause-level ruleset
    # the durable_rules rule of each record leaf → the leaves with that same pattern (itself among them)
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the phase whose fact may close the batch of an entity's facts (None: none may): stratum 0's, whose
    # negations read no tag, so that all they can negate is in that batch. Last in the batch, never
    # before a fact: a negation matched in a batch is not withdrawn by a later fact of it (trap 16).
    batched_phase: int | None = None
    # a record leaf's durable_rules rule → the terms that are that one pattern alone (once a term's
    # implied aliases are left out, ``_term_rule``): its first match gives their tags too, so that
    # they need no rule of their own (fewer nodes in every session, one action less per match)
    tagging: dict[str, tuple[TagTerm, ...]] = field(default_factory=dict)


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
    # the part nodes that carry wide all/any nodes (``_wiring``): the engine's, never the user's
    parts: frozenset[str] = frozenset()
    # durable_rules deciding leaves and tags (one rule per DNF term); None when a rule's condition
    # does not fit (``term_refusal`` says why) and the clause-level ``definition`` decides alone
    terms: TermRuleset | None = None
    term_refusal: str = ""

    def relevant(self, fact: dict[str, Any]) -> bool:
        """False only for a fact that no leaf can match, judged on its year alone.

        An entity's history (ten years of RAT) mostly lies outside the years the rules ask
        about; leaving those facts out of the session saves durable_rules work and changes no
        result, because every leaf over such a table tests a year the fact does not have.
        """
        tests = self.year_tests.get(fact["t"])
        if tests is None:
            return True
        return any(all(_year_test_holds(test, fact.get(test.field)) for test in leaf_tests) for leaf_tests in tests)

    def relevant_rows(self, table: str) -> Callable[[tuple[Any, ...]], bool] | None:
        """``relevant`` for the fact rows of ``table`` (``facts.FactRow``), without making their
        dicts; None when every row of the table is relevant."""
        tests = self.year_tests.get(table)
        if tests is None:
            return None
        where = {name: 2 + index for index, name in enumerate(fact_layout(table))}  # (table, row, *values)
        placed = [[(where[test.field], test) for test in leaf_tests] for leaf_tests in tests]
        read = operator.itemgetter(*sorted({index for leaf_tests in placed for index, _ in leaf_tests}))
        known: dict[Any, bool] = {}  # the answer per value of the year fields read: a few dozen years

        def relevant(row: tuple[Any, ...]) -> bool:
            years = read(row)
            answer = known.get(years)
            if answer is None:
                answer = any(all(_year_test_holds(test, row[index]) for index, test in leaf_tests)
                             for leaf_tests in placed)
                if len(known) < 10_000:
                    known[years] = answer
            return answer

        return relevant

    def phase_facts(self) -> list[dict[str, Any]]:
        """Asserted one at a time, each after the session is drained (see ``PHASE``)."""
        return [{"t": PHASE, "level": level, "id": f"$p:{level}"} for level in self.phases]

    def rule(self, rule_id: str) -> CompiledRule:
        return next(compiled for compiled in self.rules if compiled.rule.id == rule_id)


_VALUE_TYPES = ("number", "integer", "date", "text", "labels")  # a column name is not a value


class _Resolver:
    """Turns value expressions of one rule version into constants for year n."""

    def __init__(self, book: RuleBook, year: int, rule_id: str):
        self.book = book
        self.year = year
        self.rule_id = rule_id
        self.used: dict[str, UsedParameter] = {}

    def error(self, message: str) -> CompileError:
        return CompileError(f"aturan {self.rule_id}: {message}", self.rule_id)

    def parameter(self, name: str, *types: str) -> Any:
        """The value in force for year n of parameter ``name``, which must be of one of ``types``."""
        if name not in self.book.parameters:
            raise self.error(f"parameter '{name}' tidak dikenal")
        parameter = self.book.parameters[name]
        if types and parameter.type not in types:
            raise self.error(f"parameter '{name}' bertipe {parameter.type}, di sini diperlukan {' atau '.join(types)}")
        version = parameter.version_for(reference_day(self.year))
        if version is None:
            raise self.error(f"parameter '{name}' tidak berlaku pada tahun {self.year} "
                             f"(dipakai pada 31 Desember {self.year})")
        self.used[name] = UsedParameter(name, version.value, version.effective.start, version.effective.end)
        return version.value

    def year_of(self, expression: str, y: int | None) -> int:
        match = YEAR_EXPRESSION.match(expression)
        assert match is not None  # the schema checked it
        base = self.year if match.group(1) == "n" else y
        if base is None:
            raise self.error("'y' hanya boleh di dalam each_year")
        offset = int(match.group(3) or 0) * (-1 if match.group(2) == "-" else 1)
        return base + offset

    def value(self, value: Any, y: int | None) -> Any:
        if isinstance(value, ParamRef):
            resolved = self.parameter(value.param, *_VALUE_TYPES)
            return as_day_number(resolved) if isinstance(resolved, date) else resolved
        if isinstance(value, YearRef):
            return self.year_of(value.year, y)
        if isinstance(value, EndOfYear):
            return as_day_number(date(self.year_of(value.end_of_year, y), 12, 31))
        if isinstance(value, StartOfYear):
            return as_day_number(date(self.year_of(value.start_of_year, y), 1, 1))
        if isinstance(value, date):
            return as_day_number(value)
        return value

    def count(self, value: int | ParamRef, limit: int) -> int:
        count = self.parameter(value.param, "integer") if isinstance(value, ParamRef) else value
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= limit:
            raise self.error(f"jumlah harus bilangan bulat 1 sampai {limit}, bukan {count!r}")
        return count

    def placeholders(self, y: int | None) -> dict[str, Any]:
        values: dict[str, Any] = {"n": self.year}
        if y is not None:
            values["y"] = y
        for offset in range(1, 11):
            values[f"n_{offset}"] = self.year - offset
        return values

    def text(self, template: str, y: int | None) -> str:
        """The text with its ``{name}`` placeholders filled in. Only bare names: a format spec
        (``{n:>300000000}`` pads to 300 MB, ``{n:s}`` fails on a number), a conversion or an
        attribute would let a rule text do more than name a value."""
        values = self.placeholders(y)
        try:
            fields = list(Formatter().parse(template))
        except ValueError as error:
            raise self.error(f"kurung kurawal pada teks tidak seimbang: {template!r} ({error})") from None
        for _, name, spec, conversion in fields:
            if name is None:
                continue
            if spec or conversion or not name.isidentifier():
                written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                raise self.error(f"isian '{written}' pada teks tidak sah; tulis hanya nama, misalnya {{n}} "
                                 "(tanpa format)")
            if name in values:
                continue
            if name in self.book.parameters:
                value = self.parameter(name)
                values[name] = ", ".join(map(str, value)) if isinstance(value, list) else value
            else:
                raise self.error(f"isian '{{{name}}}' pada teks tidak dikenal")
        return template.format_map(values)


def is_label(table: str, column: str) -> bool:
    model = TABLE_BY_NAME[table]
    info = model.model_fields.get(column)
    return info is not None and Label.__metadata__[0] in info.metadata


def column_kind(table: str, column: str) -> str:
    """``date``, ``number``, ``bool`` or ``text``: what a rule may compare the column with."""
    fields = TABLE_BY_NAME[table].model_fields
    if column not in fields:  # ``row`` and the years derived from dates (facts.DERIVED_YEARS)
        return "number"
    annotation = fields[column].annotation
    kinds = set(get_args(annotation)) or {annotation}
    for python_type, kind in ((date, "date"), (bool, "bool"), (int, "number"), (float, "number")):
        if python_type in kinds:
            return kind
    return "text"


_PARAMETER_KINDS = {"number": "number", "integer": "number", "date": "date", "text": "text", "column": "text",
                    "labels": "text"}
_KIND_WORDS = {"date": "tanggal", "number": "angka atau tahun", "text": "teks", "bool": "nilai benar/salah"}


def _literal_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "date" if isinstance(value, date) else "text"


def _value_kinds(written: Any, resolver: _Resolver) -> list[str]:
    """The kind of each value a comparison is made with, as written (dates are day numbers later)."""
    if isinstance(written, (EndOfYear, StartOfYear)):
        return ["date"]
    if isinstance(written, YearRef):
        return ["number"]
    if isinstance(written, ParamRef):
        return [_PARAMETER_KINDS[resolver.book.parameters[written.param].type]]
    if isinstance(written, list):
        return [_literal_kind(item) for item in written]
    return [_literal_kind(written)]


def _check_comparison(column: str, table: str, op: str, value: Any, written: Any, resolver: _Resolver) -> None:
    """A value of the wrong kind compiles but never matches (a year against a date column) or
    makes durable_rules refuse the ruleset (a list where a number belongs): refuse it here."""
    if op in ("exists", "missing"):
        return
    if isinstance(value, list) and op not in ("in", "not in"):
        raise resolver.error(f"kolom {table}.{column} dibandingkan ({op}) dengan daftar {value!r}; "
                             "daftar hanya untuk 'in' dan 'not in'")
    expected = column_kind(table, column)
    wrong = [kind for kind in _value_kinds(written, resolver) if kind != expected]
    if wrong:
        raise resolver.error(f"kolom {table}.{column} berisi {_KIND_WORDS[expected]}, tetapi dibandingkan dengan "
                             f"{_KIND_WORDS[wrong[0]]} ({value!r})")


def _test(comparison: Any, table: str, resolver: _Resolver, y: int | None) -> Test:
    column = comparison.field
    if isinstance(column, ParamRef):
        column = resolver.parameter(column.param, "column")
    if column not in fields_of(table):
        raise resolver.error(f"tabel {table} tidak punya kolom '{column}'")
    value = resolver.value(comparison.value, y)
    _check_comparison(column, table, comparison.op, value, comparison.value, resolver)
    if is_label(table, column):
        try:
            value = [parse_label(item) for item in value] if isinstance(value, list) else (
                parse_label(value) if isinstance(value, str) else value
            )
        except ValueError as error:  # an empty label: no row can hold one
            raise resolver.error(f"label {value!r} untuk kolom {table}.{column} tidak sah: {error}") from None
    if comparison.op in ("in", "not in") and not isinstance(value, list):
        value = [value]
    return Test(column, comparison.op, value)


def _record_leaf(
    rule_id: str, clause: Clause, test: RecordTest, resolver: _Resolver, y: int | None, suffix: str = ""
) -> Leaf:
    if test.table not in TABLE_BY_NAME:
        raise resolver.error(f"tabel '{test.table}' tidak dikenal")
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
        min_count=resolver.count(test.min_count, MAX_FACTS),
        year=y,
    )


def _window(clause: EachYearClause, resolver: _Resolver) -> list[int]:
    window = clause.each_year
    if window.last is not None:
        last = resolver.count(window.last, MAX_YEARS)
        return list(range(resolver.year - last + 1, resolver.year + 1))
    start = resolver.year_of(window.start or "n", None)
    end = resolver.year_of(window.end or "n", None)
    if start > end:
        raise resolver.error(f"jendela tahun {start}–{end} kosong")
    if end - start + 1 > MAX_YEARS:
        raise resolver.error(f"jendela tahun {start}–{end} lebih dari {MAX_YEARS} tahun")
    return list(range(start, end + 1))


class _TreeBuilder:
    def __init__(self, rule_id: str, resolver: _Resolver):
        self.rule_id = rule_id
        self.resolver = resolver
        self.nodes: dict[str, Node] = {}
        self.counter = itertools.count(1)

    def add(self, node: Node) -> str:
        if node.node in self.nodes:
            raise CompileError(f"aturan {self.rule_id}: id klausa '{node.node}' dipakai dua kali", self.rule_id)
        self.nodes[node.node] = node
        return node.node

    def composite(self, kind: str, children: list[str], text: str | None = None, name: str | None = None) -> str:
        node_id = f"{self.rule_id}.{name}" if name else f"{self.rule_id}.#{kind}{next(self.counter)}"
        return self.add(Node(node_id, kind, tuple(children), text=text))

    def build(self, condition: Any) -> str:
        """The node of ``condition``; an error names the innermost clause with an id around it."""
        try:
            return self._build(condition)
        except CompileError as error:
            if error.clause_id is None and getattr(condition, "id", None):
                error.clause_id = condition.id
            raise

    def _build(self, condition: Any) -> str:
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
        raise CompileError(f"aturan {self.rule_id}: kondisi tidak dikenal", self.rule_id)

    def leaf(self, leaf: Leaf) -> str:
        return self.add(Node(leaf.node, "leaf", leaf=leaf))


def compile_rule(rule: Rule, version: RuleVersion, book: RuleBook, year: int) -> CompiledRule:
    resolver = _Resolver(book, year, rule.id)
    builder = _TreeBuilder(rule.id, resolver)
    root = builder.build(version.when)
    return CompiledRule(rule, version, root, builder.nodes, parameters=resolver.used)


def _tag_reads(rules: list[CompiledRule], entity_type: str, year: int) -> dict[str, list[tuple[str, str]]]:
    """For each rule, the rules whose tags it reads and through which has_tag clause.

    A tag no rule in force gives to this entity type would make the clause fail for everyone,
    silently: it is an error, named with the year."""
    by_tag = {compiled.rule.tag: compiled.rule.id for compiled in rules}
    reads: dict[str, list[tuple[str, str]]] = {}
    for compiled in rules:
        reads[compiled.rule.id] = []
        for leaf in compiled.leaves:
            if leaf.tag is None:
                continue
            if leaf.tag not in by_tag:
                raise CompileError(f"aturan {compiled.rule.id}: tag '{leaf.tag}' tidak diberikan oleh aturan yang "
                                   f"berlaku untuk {entity_type} pada tahun {year}", compiled.rule.id, leaf.clause_id,
                                   "has_tag")
            reads[compiled.rule.id].append((by_tag[leaf.tag], leaf.clause_id))
    return reads


def _assign_strata(rules: list[CompiledRule], reads: dict[str, list[tuple[str, str]]]) -> None:
    """A rule's stratum is one more than those of the rules it reads; a cycle has none."""
    by_id = {compiled.rule.id: compiled for compiled in rules}
    strata: dict[str, int] = {}

    def stratum(rule_id: str, path: tuple[tuple[str, str], ...]) -> int:
        visited = [step[0] for step in path]
        if rule_id in visited:
            cycle = path[visited.index(rule_id):]
            names = " → ".join([*(step[0] for step in cycle), rule_id])
            raise CompileError(f"siklus antar-tag: {names}", cycle[0][0], cycle[0][1], "has_tag")
        if rule_id not in strata:
            strata[rule_id] = 1 + max(
                (stratum(target, (*path, (rule_id, clause))) for target, clause in reads[rule_id]), default=-1
            )
        return strata[rule_id]

    for compiled in rules:
        compiled.stratum = stratum(compiled.rule.id, ())


Wiring = dict[str, tuple[str, tuple[str, ...]]]  # node id -> (kind, children) as durable_rules sees it


def _wiring(compiled: CompiledRule) -> Wiring:
    """The rule's nodes for durable_rules: an all/any node with more than WIDTH children joins
    nested part nodes of the same kind, WIDTH children each (see ``WIDTH``). Parts exist only
    here and in the engine; decisions, explanations and the audit trail list the rule's own nodes."""
    wiring: Wiring = {}
    for node_id, node in compiled.nodes.items():
        children, level = node.children, 0
        while node.kind in ("all", "any") and len(children) > WIDTH:
            level += 1
            parts = []
            for start in range(0, len(children), WIDTH):
                part = f"{node_id}#{level}.{start // WIDTH + 1}"
                wiring[part] = (node.kind, children[start:start + WIDTH])
                parts.append(part)
            children = tuple(parts)
        wiring[node_id] = (node.kind, children)
    return wiring


def _heights(wiring: Wiring, root: str, rule_id: str) -> dict[str, int]:
    heights: dict[str, int] = {}

    def height(node_id: str) -> int:
        if node_id not in heights:
            heights[node_id] = 1 + max((height(child) for child in wiring[node_id][1]), default=-1)
        return heights[node_id]

    if height(root) >= STRATUM_WIDTH:
        raise CompileError(f"aturan {rule_id}: kondisi bersarang lebih dari {STRATUM_WIDTH - 1} tingkat", rule_id)
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


def _node_rule(kind: str, children: tuple[str, ...], leaf: Leaf | None, pri: int) -> dict[str, Any]:
    if leaf is not None:
        return {"all": _leaf_pattern(leaf), "pri": pri}
    joined = [{f"c{index}": _clause_fact(child)} for index, child in enumerate(children)]
    if kind in ("all", "any"):
        return {kind: joined, "pri": pri}
    # A negation is only asked once its child can no longer hold (see ``PHASE``).
    return {"all": [{"p": _and({"t": PHASE}, {"level": pri})}, {"x$not": _clause_fact(children[0])}], "pri": pri}


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
    _assign_strata(rules, _tag_reads(rules, entity_type, year))
    definition = _housekeeping_rules()
    phases: set[int] = set()
    actions: dict[str, Action] = {}
    parts: set[str] = set()
    not_phases: dict[str, int] = {}
    for compiled in rules:
        wiring = _wiring(compiled)
        heights = _heights(wiring, compiled.root, compiled.rule.id)
        for node_id, (kind, children) in wiring.items():
            pri = 1 + compiled.stratum * STRATUM_WIDTH + heights[node_id]
            node = compiled.nodes.get(node_id)
            definition[node_id] = {**_node_rule(kind, children, node.leaf if node else None, pri), "run": node_id}
            if kind == "not":
                phases.add(pri)
                not_phases[node_id] = pri
            if node is None:
                parts.add(node_id)
            actions[node_id] = Action(node_id, compiled.rule.id, compiled.rule.tag if node_id == compiled.root else None)
    try:
        terms, refusal = _term_ruleset(rules, not_phases), ""
    except _NoTerms as why:
        terms, refusal = None, str(why)
    return CompiledRuleset(entity_type, year, rules, definition, actions, sorted(phases), _year_tests(rules),
                           frozenset(parts), terms, refusal)


MAX_TERMS = 64  # DNF terms of one rule: more is a condition durable_rules would match slowly, term by term
Literal = tuple[bool, str]  # (positive?, leaf node)


class _NoTerms(Exception):
    """A rule's condition does not fit one durable_rules rule per DNF term."""


def _dnf(compiled: CompiledRule, node_id: str, negated: bool = False) -> list[list[Literal]]:
    """The node's condition as a disjunction of conjunctions of leaves (negation pushed to the leaves)."""
    node = compiled.nodes[node_id]
    if node.kind == "leaf":
        return [[(not negated, node_id)]]
    if node.kind == "not":
        return _dnf(compiled, node.children[0], not negated)
    children = [_dnf(compiled, child, negated) for child in node.children]
    if (node.kind == "all") == negated:  # an or
        return [term for child in children for term in child]
    terms: list[list[Literal]] = [[]]
    for child in children:
        terms = [term + other for term in terms for other in child]
        if len(terms) > MAX_TERMS:
            raise _NoTerms(f"aturan {compiled.rule.id}: lebih dari {MAX_TERMS} suku DNF")
    return terms


def _term_rule(compiled: CompiledRule, term: list[Literal], pri: int) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The durable_rules rule of one DNF term and its aliases' leaves; None for a term that can never hold."""
    literals = list(dict.fromkeys(term))
    if any((not positive, leaf) in literals for positive, leaf in literals):
        return None  # a leaf and its negation
    aliases: list[dict[str, Any]] = []
    negations: list[dict[str, Any]] = []
    leaves: dict[str, str] = {}
    for positive, leaf_id in literals:
        leaf = compiled.nodes[leaf_id].leaf
        assert leaf is not None
        pattern = _and({"t": TAG}, {"tag": leaf.tag}) if leaf.tag is not None else _leaf_pattern(leaf)[0]["m0"]
        if not positive:
            if leaf.min_count != 1:
                raise _NoTerms(f"aturan {compiled.rule.id}: negasi 'paling sedikit {leaf.min_count}' tidak satu pola")
            negations.append({f"x{len(negations)}$not": pattern})
            continue
        previous = None
        for _ in range(leaf.min_count):  # k distinct records, each on a later row (as _leaf_pattern)
            alias = f"m{len(aliases)}"
            later = [{"$gt": {"row": {previous: "row"}}}] if previous else []
            aliases.append({alias: {"$and": [*pattern["$and"][:-1], *later, NO_STATE]} if later else pattern})
            leaves[alias] = leaf_id
            previous = alias
    # A positive alias whose conditions another one's include is implied by it: with "dist" 0 the fact
    # matching the other matches it too, so the term holds exactly when it holds without it. Left
    # out: each alias is a node (a pool and an index) that durable_rules makes in every session.
    # Only an alias no join refers to (a leaf asked once, not "at least k"), and of equal ones the first is kept.
    conditions = [(alias, frozenset(json.dumps(item, sort_keys=True) for item in pattern["$and"]))
                  for entry in aliases for alias, pattern in entry.items()]
    implied = {alias for index, (alias, own) in enumerate(conditions)
               if compiled.nodes[leaves[alias]].leaf.min_count == 1  # type: ignore[union-attr]
               and any(other != alias and own <= more and (own != more or at < index)
                       for at, (other, more) in enumerate(conditions))}
    aliases = [entry for entry in aliases if next(iter(entry)) not in implied]
    leaves = {alias: leaf for alias, leaf in leaves.items() if alias not in implied}
    if negations:
        # Negations are asked only once the rule's stratum can no longer change (see ``PHASE``).
        aliases.append({"p": _and({"t": PHASE}, {"level": _term_phase(compiled.stratum)})})
    if len(aliases) > MAX_FACTS:
        raise _NoTerms(f"aturan {compiled.rule.id}: satu suku DNF menggabungkan lebih dari {MAX_FACTS} fakta")
    # dist 0: one fact may bind two aliases (two leaves on one row), and a negation must see the
    # facts other aliases matched; durable_rules' default (distinct facts per match) gets both wrong.
    return {"all": [*aliases, *negations], "pri": pri, "dist": 0}, leaves


def _term_phase(stratum: int) -> int:
    """The phase after every rule of lower strata has fired (no clause-level phase is this high)."""
    return (stratum + 1) * STRATUM_WIDTH


def _term_ruleset(rules: list[CompiledRule], not_phases: dict[str, int]) -> TermRuleset:
    """Record leaves as durable_rules rules (their matches are the clause evidence), and one rule per
    DNF term of each rule's condition, giving its tag. durable_rules thus decides every leaf and every
    tag, tags on tags by forward chaining; all/any/not results follow from the leaves by the compiled
    tree, which must give the same tags (``LeanEvaluator`` checks it).

    Leaves of the same pattern (a RAT in 2024, asked by four rules) are one durable_rules rule, named
    after the first of them: its matches decide each of them, one action per match instead of four."""
    definition = _housekeeping_rules()
    terms: dict[str, TagTerm] = {}
    leaves: set[str] = set()
    phases: set[int] = set()
    shared: dict[str, list[str]] = {}
    tagging: dict[str, list[TagTerm]] = {}
    rule_of: dict[str, str] = {}  # a leaf pattern, as canonical JSON → the rule deciding it
    for compiled in rules:
        base = 1 + compiled.stratum * STRATUM_WIDTH
        for leaf in compiled.leaves:
            if leaf.tag is None:
                pattern = _leaf_pattern(leaf)
                name = rule_of.setdefault(json.dumps(pattern, sort_keys=True), leaf.node)
                if name == leaf.node:
                    definition[name] = {"all": pattern, "pri": base, "run": name}
                else:  # asked first in the lowest stratum it is asked in
                    definition[name]["pri"] = min(definition[name]["pri"], base)
                shared.setdefault(name, []).append(leaf.node)
                leaves.add(leaf.node)
        for index, term in enumerate(_dnf(compiled, compiled.root)):
            made = _term_rule(compiled, term, base + STRATUM_WIDTH - 1)
            if made is None:
                continue
            rule, aliases = made
            if any(name.endswith("$not") for pattern in rule["all"] for name in pattern):
                phases.add(_term_phase(compiled.stratum))
            name = f"{compiled.rule.id}#{index}"
            term = TagTerm(name, compiled.rule.id, compiled.rule.tag, aliases)
            alone = rule_of.get(json.dumps([{"m0": pattern} for entry in rule["all"] for pattern in entry.values()],
                                           sort_keys=True)) if len(rule["all"]) == 1 else None
            if alone is not None:  # one record leaf's pattern: that leaf's rule gives the tag
                tagging.setdefault(alone, []).append(term)
                continue
            definition[name] = {**rule, "run": name}
            terms[name] = term
    reads = frozenset(leaf.tag for compiled in rules for leaf in compiled.leaves if leaf.tag is not None)
    return TermRuleset(definition, terms, frozenset(leaves), sorted(phases), reads, dict(not_phases),
                       {name: tuple(group) for name, group in shared.items()},
                       _term_phase(0) if _term_phase(0) in phases else None,
                       {name: tuple(group) for name, group in tagging.items()})


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


def _year_test_holds(test: Test, value: Any) -> bool:
    return isinstance(value, int) and _YEAR_OPERATORS[test.op](value, test.value)


def _check_single_rule_per_tag(rules: list[CompiledRule], entity_type: str) -> None:
    givers: dict[str, str] = {}
    for compiled in rules:
        other = givers.setdefault(compiled.rule.tag, compiled.rule.id)
        if other != compiled.rule.id:
            raise CompileError(f"tag '{compiled.rule.tag}' untuk {entity_type} diberikan oleh dua aturan: {other} dan "
                               f"{compiled.rule.id}", compiled.rule.id)
