"""A run's decisions → the explanation of an entity: for each rule, why (or why not).

Everything an explanation says comes from the decision that durable_rules produced (which
clauses held, with which facts) and from the compiled rule (texts, constants, parameters,
legal basis); nothing is decided again here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from engine.decisions import Decision
from engine.explain.model import (
    ClauseExplanation,
    EntityExplanation,
    IndicatorExplanation,
    ParameterUsed,
    RuleExplanation,
    SourceFact,
)
from engine.explain.ruleview import RuleView
from engine.explain.source import EntityKey, EntitySeen, ResultSource, RunSource
from engine.explain.suggest import UnknownTag
from engine.explain.tree import Shown, deciding_nodes, group_text, top_level
from engine.explain.values import describe_test, shown_value
from engine.names import closest_names
from engine.rules.nodes import Leaf

if TYPE_CHECKING:  # a run's record is explained without the pipeline's modules
    from engine.pipeline import RunResult

POPULATION_TAG = "populasi"  # the data contract's name for "counted in year n at all"


class Explainer:
    """Explanations over one run, from a run in memory or from its record (``RunSource``)."""

    def __init__(self, source: RunSource | RunResult):
        self.source: RunSource = source if isinstance(source, RunSource) else ResultSource(source)
        self._rules: dict[str, dict[str, RuleView]] = {}

    def rule(self, entity_type: str, rule_id: str) -> RuleView:
        if entity_type not in self._rules:
            self._rules[entity_type] = {view.rule_id: view for view in self.source.rules(entity_type)}
        return self._rules[entity_type][rule_id]

    def entity_keys(self, entity_id: str) -> list[EntityKey]:
        return self.source.entity_keys(entity_id)

    def suggestions(self, wanted: str) -> list[str]:
        return self.source.suggestions(wanted)

    def check_tag(self, tag: str) -> None:
        known = self.source.tags()
        if tag not in known:
            raise UnknownTag(tag, closest_names(tag, known))

    def indicator(self, indicator_id: str) -> IndicatorExplanation:
        return self.source.indicator(indicator_id)

    def entity(self, entity_type: str, entity_id: str, tag: str | None = None) -> EntityExplanation:
        return self.of(self.source.entity(entity_type, entity_id), tag)

    def of(self, entity: EntitySeen, tag: str | None = None) -> EntityExplanation:
        """The explanation of ``entity``: every rule of its type in force, or those giving ``tag``."""
        entity_type, entity_id = entity.entity_type, entity.entity_id
        every = self.source.decisions(entity_type, entity_id)
        decisions = [d for d in every if tag is None or d.tag == tag]
        outside = self.source.outside_note(entity_type, entity_id)
        notes = [*([outside] if outside else []), *self._outside_population(entity, every), *self._gaps(every, tag)]
        year = self.source.year
        if tag is not None and not decisions:
            notes.append(f"tidak ada aturan yang memberi tag {tag} untuk {entity_type} pada tahun {year}")
        return EntityExplanation(
            jenis=entity_type, id=entity_id, nama=entity.nama, tahun=year, profil=self.source.profile,
            versi_aturan=self.source.rules_version, sumber=f"{self.source.source_name(entity.table)} baris {entity.row}",
            catatan=notes, aturan=[self._rule(entity, decision) for decision in decisions],
        )

    def _outside_population(self, entity: EntitySeen, decisions: list[Decision]) -> Iterator[str]:
        """Said first: an entity outside the population fails every rule that needs it, for that reason."""
        for decision in decisions:
            if decision.tag == POPULATION_TAG and not decision.given:
                yield (f"di luar populasi {entity.entity_type} tahun {self.source.year}: "
                       f"{self._reasons_with_rows(entity, decision)}")

    def _gaps(self, decisions: list[Decision], tag: str | None) -> Iterator[str]:
        """A rule's ``neither`` text, when the entity meets its prerequisites but gets neither tag."""
        given = {d.tag for d in decisions if d.given}
        for decision in decisions:
            compiled = self.rule(decision.entity_type, decision.rule_id)
            neither = compiled.neither
            if neither is None or (tag is not None and tag not in (decision.tag, neither.tag)):
                continue
            prerequisites = {leaf.tag for leaf in compiled.leaves if leaf.tag}
            if decision.tag not in given and neither.tag not in given and prerequisites <= given:
                yield neither.text

    def _reasons_with_rows(self, entity: EntitySeen, decision: Decision) -> str:
        """The deciding clauses of a decision, each with the input rows behind it."""
        compiled = self.rule(decision.entity_type, decision.rule_id)
        parts = []
        for node_id in deciding_nodes(compiled, decision):
            text = self._text(compiled, decision, node_id)
            rows = "; ".join(fact.text() for fact in self._node_facts(entity, compiled, decision, node_id))
            parts.append(f"{text} ({rows})" if rows else text)
        return "; ".join(parts) or "syarat tidak terpenuhi"

    def _rule(self, entity: EntitySeen, decision: Decision) -> RuleExplanation:
        compiled = self.rule(decision.entity_type, decision.rule_id)
        combine, blocks = top_level(compiled)
        deciding = deciding_nodes(compiled, decision)
        if not decision.given:  # why not: the blocks holding a failed clause come first
            blocks.sort(key=lambda block: not any(line.node in deciding for line in block))
        clauses = [self._line(entity, compiled, decision, line, line.node in deciding)
                   for block in blocks for line in block]
        return RuleExplanation(
            aturan=compiled.rule_id, nama=compiled.name, tag=decision.tag, diberikan=decision.given,
            ringkasan=self._summary(compiled, decision, deciding), versi=compiled.version,
            berlaku_dari=compiled.effective_from, berlaku_sampai=compiled.effective_to,
            dasar_hukum=list(compiled.legal_basis), syarat=combine, klausa=clauses,
            parameter=[ParameterUsed(id=p.id, nilai=shown_value(p.id, p.value), berlaku_dari=p.version_from,
                                     berlaku_sampai=p.version_to) for p in compiled.parameters],
            catatan_interpretasi=list(compiled.notes),
        )

    def _summary(self, compiled: RuleView, decision: Decision, deciding: list[str]) -> str:
        reasons = "; ".join(self._text(compiled, decision, node) for node in deciding)
        if decision.given:
            return f"mendapat tag {decision.tag} ({compiled.name})" + (f": {reasons}" if reasons else "")
        return f"tidak mendapat tag {decision.tag} ({compiled.name}): {reasons or 'syarat tidak terpenuhi'}"

    def _text(self, compiled: RuleView, decision: Decision, node_id: str) -> str:
        node = compiled.nodes[node_id]
        held = decision.clause(node_id).held
        if node.leaf is not None:
            return node.leaf.text if held else node.leaf.failed_text
        if node.kind == "not":
            return node.text or "tidak benar bahwa"
        return group_text(node, held)

    def _line(self, entity: EntitySeen, compiled: RuleView, decision: Decision, line: Shown,
              deciding: bool) -> ClauseExplanation:
        node = compiled.nodes[line.node]
        held = decision.clause(line.node).held
        common = {"klausa": line.node.split(".", 1)[1], "jenis": line.kind, "tingkat": line.depth,
                  "terpenuhi": held, "penentu": deciding, "teks": self._text(compiled, decision, line.node)}
        if node.leaf is None:
            return ClauseExplanation(**common, dibandingkan=[], fakta=[])
        leaf = node.leaf
        if leaf.tag is not None:
            return ClauseExplanation(**common, **self._tag_details(entity, leaf, held, deciding))
        facts = self._leaf_facts(entity, leaf, decision)
        note = None if facts or held else f"tidak ada baris {leaf.table} untuk entitas ini"
        if leaf.min_count > 1:
            note = f"paling sedikit {leaf.min_count} baris diperlukan" + (f"; {note}" if note else "")
        return ClauseExplanation(
            **common, dibandingkan=[describe_test(test) for test in leaf.tests] or [f"ada baris {leaf.table}"],
            fakta=facts, catatan=note,
        )

    def _tag_details(self, entity: EntitySeen, leaf: Leaf, held: bool, deciding: bool) -> dict:
        """A clause on another rule's tag: which rule gives it and, when it was not given, why not
        (with the input rows, when that is what decided this rule)."""
        assert leaf.tag is not None
        giver = next((d for d in self.source.decisions(entity.entity_type, entity.entity_id) if d.tag == leaf.tag),
                     None)
        details: dict = {"dibandingkan": [f"tag {leaf.tag}"], "fakta": []}
        if giver is None:
            details["catatan"] = f"tidak ada aturan yang memberi tag {leaf.tag} pada tahun {self.source.year}"
            return details
        details["catatan"] = f"tag {leaf.tag} {'diberikan' if held else 'tidak diberikan'} oleh aturan {giver.rule_id}"
        if held:
            return details
        compiled = self.rule(entity.entity_type, giver.rule_id)
        reasons = deciding_nodes(compiled, giver)
        details["catatan"] += ": " + "; ".join(self._text(compiled, giver, node) for node in reasons)
        if deciding:
            details["fakta"] = [fact for node in reasons for fact in self._node_facts(entity, compiled, giver, node)]
        return details

    def _node_facts(self, entity: EntitySeen, compiled: RuleView, decision: Decision,
                    node_id: str) -> list[SourceFact]:
        leaf = compiled.nodes[node_id].leaf
        return self._leaf_facts(entity, leaf, decision) if leaf is not None and leaf.tag is None else []

    def _leaf_facts(self, entity: EntitySeen, leaf: Leaf, decision: Decision) -> list[SourceFact]:
        """Held: the facts that matched. Failed: the rows of that table the entity does have."""
        result = decision.clause(leaf.node)
        wanted = set(result.evidence)
        facts = [fact for fact in entity.facts
                 if (fact["id"] in wanted if result.held else fact["t"] == leaf.table)]
        columns = [test.field for test in leaf.tests]
        return [self._source(fact, columns) for fact in facts]

    def _source(self, fact: dict, columns: list[str]) -> SourceFact:
        table = fact["t"]
        shown = [column for column in fact if column.startswith("tanggal")] + columns
        values = {column: shown_value(column, fact[column]) for column in dict.fromkeys(shown) if column in fact}
        for column in columns:
            values.setdefault(column, "(kosong)")
        return SourceFact(fact_id=fact["id"], sumber=self.source.source_name(table), baris=fact["row"], nilai=values)
