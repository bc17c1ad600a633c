"""Entities' facts → decisions, by durable_rules: one session per entity, one decision per rule.

A decision says whether the entity got the rule's tag in year n, which clauses held (read back
from durable_rules' clause facts) and which facts each clause matched (collected by the actions
as they fire). Negative results are decisions too: auditors ask why not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from engine.decisions import ClauseResult, Decision, DecisionTable, decision_keys
from engine.durable_host import Action as DurableAction
from engine.durable_host import Emit, EngineError, GuardedRuleset
from engine.facts import EntityFacts
from engine.rules.compiler import (
    CLAUSE,
    SESSION_INIT,
    SINK,
    TAG,
    Action,
    CompiledRule,
    CompiledRuleset,
    compile_ruleset,
)
from engine.rules.rulebook import RuleBook


class CompletenessError(EngineError):
    pass


def _matched_ids(value: Any) -> Iterator[str]:
    """The ids of the facts a rule matched ({alias: fact}, nested for ``any`` rules)."""
    if isinstance(value, dict):
        if "id" in value and "t" in value:
            yield str(value["id"])
        else:
            for item in value.values():
                yield from _matched_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _matched_ids(item)


def clause_fact_id(node: str) -> str:
    return f"$c:{node}"


def tag_fact_id(tag: str) -> str:
    return f"$t:{tag}"


class Evaluator:
    """Evaluates entities of one type for one year on a ruleset of its own."""

    def __init__(self, book: RuleBook, entity_type: str, year: int):
        self.entity_type = entity_type
        self.year = year
        self.compiled: CompiledRuleset = compile_ruleset(book, entity_type, year)
        self._evidence: dict[str, list[str]] = {}
        actions: dict[str, DurableAction] = {
            name: self._action(spec) for name, spec in self.compiled.actions.items()
        }
        actions[SESSION_INIT] = _init_session
        actions[SINK] = _never
        self._ruleset = GuardedRuleset(self.compiled.definition, actions, prefix=f"iku_{entity_type}_{year}")
        self._derived_ids = [clause_fact_id(node) for node in self.compiled.actions] + [
            tag_fact_id(compiled.rule.tag) for compiled in self.compiled.rules
        ]
        self._phases = self.compiled.phase_facts()
        self._sessions = 0

    def _action(self, spec: Action) -> DurableAction:
        def act(matched: dict[str, Any], emit: Emit) -> None:
            evidence = self._evidence.get(spec.node)
            facts = list(_matched_ids(matched))
            if evidence is not None:
                # The same clause matched other facts too (two RATs in one year): more evidence.
                evidence.extend(fact for fact in facts if fact not in evidence)
                return
            self._evidence[spec.node] = facts
            emit({"t": CLAUSE, "node": spec.node, "id": clause_fact_id(spec.node)})
            if spec.tag is not None:
                emit({"t": TAG, "tag": spec.tag, "rule": spec.rule_id, "id": tag_fact_id(spec.tag)})

        return act

    def evaluate(self, entity: EntityFacts) -> list[Decision]:
        if entity.entity_type != self.entity_type:
            raise EngineError(f"entitas {entity.entity_id} bukan {self.entity_type}")
        self._evidence = {}
        self._sessions += 1
        facts = [fact for fact in entity.facts if self.compiled.relevant(fact)]
        stored = self._ruleset.run(f"s{self._sessions}", facts, self._derived_ids, self._phases)
        held = {fact["node"] for fact in stored if fact.get("t") == CLAUSE}
        tags = {fact["tag"] for fact in stored if fact.get("t") == TAG}
        if held != set(self._evidence):
            raise EngineError(f"klausa tercatat tidak sama dengan fakta durable_rules untuk {entity.entity_id}")
        for compiled in self.compiled.rules:
            check_structure(compiled, held, entity.entity_id)
        return [self._decision(entity, compiled, held, tags) for compiled in self.compiled.rules]

    def _decision(self, entity: EntityFacts, compiled: CompiledRule, held: set[str], tags: set[str]) -> Decision:
        return Decision(
            entity_type=entity.entity_type,
            entity_id=entity.entity_id,
            year=self.year,
            rule_id=compiled.rule.id,
            rule_version=compiled.version.version,
            tag=compiled.rule.tag,
            given=compiled.rule.tag in tags,
            clauses=tuple(
                ClauseResult(node=node, held=node in held, evidence=self._evidence_of(compiled, node, held))
                for node in compiled.nodes
            ),
        )

    def _evidence_of(self, compiled: CompiledRule, node_id: str, held: set[str]) -> tuple[str, ...]:
        """The facts a node matched. For an all/any node: its children that held, in child order —
        what durable_rules matched, but independent of the order its agenda fired an ``any``'s
        alternatives in, and the same for a node wired through parts (compiler.WIDTH)."""
        node = compiled.nodes[node_id]
        if node.kind not in ("all", "any") or node_id not in held:
            return tuple(self._evidence.get(node_id, ()))
        return tuple(clause_fact_id(child) for child in node.children if child in held)

    def evaluate_all(
        self, entities: Iterable[EntityFacts], progress: Callable[[str, int, int], None] | None = None
    ) -> list[Decision]:
        """Evaluate every entity and check that none lacks a decision."""
        entities = list(entities)
        decisions: list[Decision] = []
        for done, entity in enumerate(entities, start=1):
            decisions.extend(self.evaluate(entity))
            if progress is not None:
                progress(self.entity_type, done, len(entities))
        check_complete(decisions, entities, [compiled.rule.id for compiled in self.compiled.rules])
        return decisions


def check_structure(compiled: CompiledRule, held: set[str], entity_id: str) -> None:
    """Each all/any/not node held exactly when its children say so.

    durable_rules can drop pending actions (see compiler.PHASE); a lost action shows up here as a
    parent that disagrees with its children, and the run stops instead of publishing it.
    """
    for node in compiled.nodes.values():
        children = [child in held for child in node.children]
        expected = {"all": all, "any": any, "not": lambda values: not values[0]}.get(node.kind)
        if expected is not None and expected(children) != (node.node in held):
            raise EngineError(f"hasil klausa {node.node} untuk {entity_id} tidak konsisten dengan anak-anaknya")


def _init_session(matched: dict[str, Any], emit: Emit) -> None:
    """Nothing to do: GuardedRuleset marks the session initialised (durable_rules trap 6)."""


def _never(matched: dict[str, Any], emit: Emit) -> None:  # the sink's join never completes
    raise EngineError("aturan penampung tidak seharusnya berjalan")


def check_complete(decisions: Iterable[Decision] | DecisionTable, entities: list[EntityFacts], rule_ids: list[str]) -> None:
    """Every entity in scope has exactly one decision per rule in force, or the run fails."""
    expected = {(entity.entity_type, entity.entity_id, rule_id) for entity in entities for rule_id in rule_ids}
    produced = decision_keys(decisions)
    missing = expected - set(produced)
    extra = len(produced) - len(set(produced))
    if missing or extra or len(produced) != len(expected):
        sample = ", ".join(f"{kind} {entity_id} ({rule})" for kind, entity_id, rule in sorted(missing)[:5])
        raise CompletenessError(
            f"keputusan tidak lengkap: diharapkan {len(expected)}, dihasilkan {len(produced)}"
            + (f"; hilang: {sample}" if missing else "")
            + (f"; ganda: {extra}" if extra else "")
        )
