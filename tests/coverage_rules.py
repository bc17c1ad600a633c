"""Rule coverage of the feature files: which rules, clauses and indicators the scenarios exercised
where they held and where they failed. Every run of a scenario records its decisions here; the
summary is printed at the end of the test session (tests/conftest.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from engine.pipeline import RunResult
from engine.rules.compiler import compile_ruleset
from engine.rules.rulebook import RuleBook, load_rulebook
from tests.support import RULES

PROFILES = ("jatim", "jambi")


@dataclass
class Seen:
    outcomes: dict[str, set[bool]] = field(default_factory=lambda: defaultdict(set))
    runs: int = 0


SEEN = Seen()


def record(result: RunResult, seen: Seen = SEEN) -> None:
    seen.runs += 1
    for decision in result.decisions:
        seen.outcomes[f"aturan:{decision.rule_id}"].add(decision.given)
        for clause in decision.clauses:
            seen.outcomes[f"klausa:{clause.node}"].add(clause.held)
    for indicator in result.indicators:
        seen.outcomes[f"indikator:{indicator.id}"].add(indicator.nilai is not None)


def _clauses(book: RuleBook) -> dict[str, tuple[str, str]]:
    """Every clause (leaf or named node) of every rule version, for the years its version is in force."""
    clauses: dict[str, tuple[str, str]] = {}
    for rule in book.rules:
        for version in rule.versions:
            year = version.effective.start.year
            for kind in rule.entity_types():
                compiled = compile_ruleset(book, kind, year)
                if rule.id not in {item.rule.id for item in compiled.rules}:
                    continue
                for node_id, node in compiled.rule(rule.id).nodes.items():
                    if node.kind == "leaf" or "#" not in node_id:
                        clauses[_generic(node_id, node.leaf)] = (rule.id, str(book.origins[f"rule:{rule.id}"].document.path))
    return clauses


def _generic(node_id: str, leaf) -> str:
    """A clause of an each_year window counts once, whatever the year (rat_2023 → rat_y)."""
    if leaf is not None and leaf.year is not None:
        return node_id[: -len(str(leaf.year))] + "y"
    return node_id


def report(recorded: Seen = SEEN) -> tuple[str, list[str]]:
    book = load_rulebook(RULES)
    clauses = _clauses(book)
    seen = defaultdict(set)
    for key, outcomes in recorded.outcomes.items():
        kind, _, name = key.partition(":")
        if kind == "klausa" and name not in clauses:
            name = _year_free(name)
        seen[f"{kind}:{name}"] |= outcomes
    missing: list[str] = []
    rules = {rule.id: str(book.origins[f"rule:{rule.id}"].document.path) for rule in book.rules}
    indicators = {indicator.id: profile for profile in PROFILES for indicator in book.profiles[profile].indicators}
    for rule_id, path in rules.items():
        missing.extend(_gap(f"aturan:{rule_id}", seen, f"{path} aturan {rule_id}"))
    for node, (rule_id, path) in clauses.items():
        missing.extend(_gap(f"klausa:{node}", seen, f"{path} aturan {rule_id} klausa {node.split('.', 1)[1]}"))
    for indicator_id, profile in indicators.items():
        outcomes = seen.get(f"indikator:{indicator_id}", set())
        if True not in outcomes:
            missing.append(f"rules/profiles/{profile}.yaml indikator {indicator_id}: belum pernah dihitung")
    def covered(keys):
        return sum(1 for key in keys if seen.get(key) == {True, False})
    line = (f"cakupan aturan: {covered(f'aturan:{r}' for r in rules)}/{len(rules)} aturan, "
            f"{covered(f'klausa:{c}' for c in clauses)}/{len(clauses)} klausa, "
            f"{sum(1 for i in indicators if True in seen.get(f'indikator:{i}', set()))}/{len(indicators)} indikator")
    return line, missing


def _year_free(node: str) -> str:
    head, _, tail = node.rpartition("_")
    return f"{head}_y" if tail.isdigit() and len(tail) == 4 else node


def _gap(key: str, seen: dict[str, set[bool]], where: str) -> list[str]:
    outcomes = seen.get(key, set())
    lacking = [label for value, label in ((True, "terpenuhi"), (False, "gagal")) if value not in outcomes]
    return [f"{where}: belum diuji saat {' dan '.join(lacking)}"] if lacking else []
