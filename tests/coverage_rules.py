"""Rule coverage of the feature files: which rules, clauses and indicators the scenarios exercised
where they held and where they failed.

Every assessment a scenario makes (tests/steps) records its decisions and indicator results in
``SEEN``. ``report`` compares them with everything the rule files define: every version of every
rule (given and not given), every clause of every version — each leaf and each named node of the
compiled rule, an ``each_year`` clause counted once whatever the year — (held and failed), and every
indicator of every profile (computed and not computable). The summary line and the gaps, by file,
line and rule id, are printed at the end of the test session (tests/conftest.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.pipeline import RunResult
from engine.rules.checks import walk_conditions
from engine.rules.compiler import CompileError, CompiledRule, compile_rule, compile_ruleset, reference_day
from engine.rules.model import Rule, RuleVersion
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RuleBook
from tests.support import REPO, RULES

# (rule id, version, clause name); an each_year leaf's name ends in "_{y}" instead of a year
ClauseKey = tuple[str, int, str]


@dataclass
class Seen:
    """What the scenarios of one session exercised (outcomes: True held/given/computed, False not)."""

    clauses: set[tuple[str, int, str, str, int, bool]] = field(default_factory=set)  # rule, version, node, type, year
    rules: set[tuple[str, int, bool]] = field(default_factory=set)
    indicators: set[tuple[str, str, bool]] = field(default_factory=set)  # profile, indicator, computed
    runs: int = 0
    partial: bool = False  # only some feature scenarios were selected (-k, -m, node ids)

    def export(self) -> dict[str, Any]:
        """This process's share as plain lists, which pytest-xdist can send from a worker to the controller."""
        return {"clauses": list(self.clauses), "rules": list(self.rules),
                "indicators": list(self.indicators), "runs": self.runs, "partial": self.partial}

    def merge(self, share: dict[str, Any]) -> None:
        """Adds a worker's ``export`` to this session's record."""
        self.clauses.update(tuple(item) for item in share["clauses"])
        self.rules.update(tuple(item) for item in share["rules"])
        self.indicators.update(tuple(item) for item in share["indicators"])
        self.runs += share["runs"]
        self.partial = self.partial or share["partial"]


SEEN = Seen()


def record(result: RunResult, seen: Seen = SEEN) -> None:
    seen.runs += 1
    for decision in result.decisions:
        seen.rules.add((decision.rule_id, decision.rule_version, decision.given))
        for clause in decision.clauses:
            seen.clauses.add((decision.rule_id, decision.rule_version, clause.node, decision.entity_type,
                              decision.year, clause.held))
    for indicator in result.indicators:
        seen.indicators.add((result.profile.id, indicator.id, indicator.nilai is not None))


def features_partial(session: Any) -> bool:
    """Only some feature scenarios were selected (-k, -m, node ids): coverage cannot be judged."""
    options = session.config.option
    named = any("test_features.py::" in str(arg) for arg in session.config.args)
    return SEEN.partial or bool(options.keyword or options.markexpr) or named


@dataclass(frozen=True)
class Coverage:
    line: str
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


def _clause_name(compiled: CompiledRule, node_id: str) -> str | None:
    """The clause a node stands for; None for an unnamed composite (#all1), which no one can cite."""
    name = node_id.split(".", 1)[1]
    if name.startswith("#"):
        return None
    leaf = compiled.nodes[node_id].leaf
    if leaf is not None and leaf.year is not None:
        return name.removesuffix(f"_{leaf.year}") + "_{y}"
    return name


def _compile_version(book: RuleBook, rule: Rule, version: RuleVersion) -> CompiledRule | None:
    """The version compiled for a year in which it is the one in force on 31 December."""
    last = version.effective.end.year if version.effective.end else version.effective.start.year + 1
    for year in range(version.effective.start.year, last + 1):
        if rule.version_for(reference_day(year)) is version:
            try:
                return compile_rule(rule, version, book, year)
            except CompileError:
                continue
    return None


def _universe(book: RuleBook) -> dict[ClauseKey, None]:
    clauses: dict[ClauseKey, None] = {}
    for rule in book.rules:
        for version in rule.versions:
            compiled = _compile_version(book, rule, version)
            if compiled is None:  # never in force on a 31 December: no year can use it
                continue
            for node_id in compiled.nodes:
                name = _clause_name(compiled, node_id)
                if name is not None:
                    clauses[(rule.id, version.version, name)] = None
    return clauses


def _seen_clauses(book: RuleBook, seen: Seen) -> dict[ClauseKey, set[bool]]:
    """Recorded node outcomes folded onto clause keys (rat_2023 and rat_2016 are both rat_{y})."""
    compiled: dict[tuple[str, int], dict[str, CompiledRule]] = {}
    outcomes: dict[ClauseKey, set[bool]] = defaultdict(set)
    for rule_id, version, node_id, entity_type, year, held in seen.clauses:
        if (entity_type, year) not in compiled:
            ruleset = compile_ruleset(book, entity_type, year)
            compiled[(entity_type, year)] = {item.rule.id: item for item in ruleset.rules}
        rule = compiled[(entity_type, year)].get(rule_id)
        if rule is None or node_id not in rule.nodes:  # the rule files changed since the run
            continue
        name = _clause_name(rule, node_id)
        if name is not None:
            outcomes[(rule_id, version, name)].add(held)
    return outcomes


def _gap(outcomes: set[bool], labels: tuple[str, str]) -> str | None:
    lacking = [label for value, label in zip((True, False), labels) if value not in outcomes]
    return f"belum diuji saat {' dan '.join(lacking)}" if lacking else None


class Locator:
    """File and line of a rule, clause or indicator, as the policy staff who edit them see it."""

    def __init__(self, book: RuleBook):
        self.book = book

    def _where(self, key: str, path: tuple[Any, ...] = ()) -> str:
        document = self.book.origins[key].document
        try:
            shown = Path(document.path).resolve().relative_to(REPO)
        except ValueError:
            shown = Path(document.path)
        return f"{shown}:{document.position(path).line}"

    def _version_index(self, rule_id: str, version: int) -> int:
        return next(i for i, item in enumerate(self.book.rule(rule_id).versions) if item.version == version)

    def rule(self, rule_id: str, version: int | None = None) -> str:
        if version is None:
            return self._where(f"rule:{rule_id}")
        return self._where(f"rule:{rule_id}", ("versions", self._version_index(rule_id, version)))

    def clause(self, rule_id: str, version: int, name: str) -> str:
        index = self._version_index(rule_id, version)
        wanted = name.removesuffix("_{y}")
        conditions = walk_conditions(self.book.rule(rule_id).versions[index].when, ("versions", index, "when"))
        path = next((here for here, condition in conditions if getattr(condition, "id", None) == wanted), ())
        return self._where(f"rule:{rule_id}", path)

    def indicator(self, profile: str, indicator_id: str) -> str:
        indicators = self.book.profiles[profile].indicators
        index = next((i for i, item in enumerate(indicators) if item.id == indicator_id), None)
        return self._where(f"profile:{profile}", ("indicators", index) if index is not None else ())


def _count(covered: Iterable[bool]) -> tuple[int, int]:
    flags = list(covered)
    return sum(flags), len(flags)


def report(seen: Seen = SEEN, rules: Path = RULES) -> Coverage:
    book = load_rulebook(rules)
    where = Locator(book)
    missing: list[str] = []

    rule_flags = []
    for rule in book.rules:
        several = len(rule.versions) > 1
        gaps = [
            (version.version, gap) for version in rule.versions
            if (gap := _gap({given for rid, v, given in seen.rules if rid == rule.id and v == version.version},
                            ("diberikan", "tidak diberikan")))
        ]
        missing.extend(f"{where.rule(rule.id, v if several else None)} aturan {rule.id}"
                       f"{f' versi {v}' if several else ''}: {gap}" for v, gap in gaps)
        rule_flags.append(not gaps)

    several_versions = {rule.id for rule in book.rules if len(rule.versions) > 1}
    outcomes = _seen_clauses(book, seen)
    clause_flags = []
    for rule_id, version, name in _universe(book):
        gap = _gap(outcomes.get((rule_id, version, name), set()), ("terpenuhi", "gagal"))
        if gap:
            shown_version = f" versi {version}" if rule_id in several_versions else ""
            missing.append(f"{where.clause(rule_id, version, name)} aturan {rule_id}{shown_version} klausa {name}: {gap}")
        clause_flags.append(gap is None)

    indicator_flags = []
    for profile_id, profile in sorted(book.profiles.items()):
        for indicator in profile.indicators:
            computed = {value for p, i, value in seen.indicators if p == profile_id and i == indicator.id}
            gap = _gap(computed, ("dihitung", "tidak dapat dihitung"))
            if gap:
                missing.append(f"{where.indicator(profile_id, indicator.id)} indikator {indicator.id}: {gap}")
            indicator_flags.append(gap is None)

    (r, rn), (c, cn), (i, n) = _count(rule_flags), _count(clause_flags), _count(indicator_flags)
    return Coverage(f"cakupan aturan: {r}/{rn} aturan, {c}/{cn} klausa, {i}/{n} indikator", missing)
