"""A run's decisions → explanations of an entity (why, why not) or of an indicator.

Everything an explanation says comes from the decision that durable_rules produced (which
clauses held, with which facts) and from the compiled rule (texts, constants, parameters,
legal basis); nothing is decided again here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from engine.evaluate import ClauseResult, Decision
from engine.explain.model import (
    ClauseExplanation,
    EntityExplanation,
    IndicatorExplanation,
    MemberLine,
    ParameterUsed,
    RuleExplanation,
    SourceFact,
)
from engine.facts import EntityFacts, day_from_number
from engine.indicators.compute import IndicatorResult, Member
from engine.indicators.model import Count, Denominator, EntitySet, Growth, Indicator, Percentage
from engine.pipeline import RunResult
from engine.rules.compiler import CompiledRule, CompiledRuleset, Leaf, Test, compile_ruleset

_SYMBOLS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "salah satu dari",
            "not in": "bukan salah satu dari", "exists": "terisi", "missing": "kosong"}


class UnknownId(LookupError):
    def __init__(self, wanted: str, suggestions: list[str]):
        hint = f"; mungkin maksudnya: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"id '{wanted}' tidak ditemukan dalam data maupun profil{hint}")
        self.suggestions = suggestions


def shown_value(column: str, value: object) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if column.startswith("tanggal") and isinstance(value, int):
        return day_from_number(value).strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def describe_test(test: Test) -> str:
    if test.op in ("exists", "missing"):
        return f"{test.field} {_SYMBOLS[test.op]}"
    value = shown_value(test.field, test.value)
    return f"{test.field} {_SYMBOLS[test.op]} {value}"


class Explainer:
    """Explanations over one run; compiled rulesets are made once per entity type."""

    def __init__(self, result: RunResult):
        self.result = result
        self.sources = {count.table: count.source for count in result.dataset.counts}
        self._compiled: dict[str, CompiledRuleset] = {}
        self._entities = {(kind, entity.entity_id): entity for kind, group in result.entities.items() for entity in group}
        self._decisions: dict[tuple[str, str], list[Decision]] = {}
        for decision in result.decisions:
            self._decisions.setdefault((decision.entity_type, decision.entity_id), []).append(decision)

    def compiled(self, entity_type: str) -> CompiledRuleset:
        if entity_type not in self._compiled:
            self._compiled[entity_type] = compile_ruleset(self.result.book, entity_type, self.result.year)
        return self._compiled[entity_type]

    def entity_keys(self, entity_id: str) -> list[tuple[str, str]]:
        return [key for key in self._entities if key[1] == entity_id]

    def suggestions(self, wanted: str) -> list[str]:
        known = [key[1] for key in self._entities] + [indicator.id for indicator in self.result.indicators]
        return difflib.get_close_matches(wanted, known, n=5, cutoff=0.5)

    def entity(self, entity_type: str, entity_id: str, tag: str | None = None) -> EntityExplanation:
        entity = self._entities[(entity_type, entity_id)]
        every = self._decisions.get((entity_type, entity_id), [])
        decisions = [d for d in every if tag is None or d.tag == tag]
        given = {d.tag for d in every if d.given}
        rules = [self._rule(entity, decision) for decision in decisions]
        return EntityExplanation(
            jenis=entity_type, id=entity_id, nama=_name(entity), tahun=self.result.year,
            profil=self.result.profile.id, versi_aturan=self.result.book.version,
            sumber=f"{self.sources.get(entity.record.table, entity.record.table)} baris {entity.record.row}",
            aturan=rules, catatan=list(self._gaps(every, given, tag)),
        )

    def _gaps(self, decisions: list[Decision], given: set[str], tag: str | None) -> Iterator[str]:
        """A rule's ``neither`` text, when the entity meets its prerequisites but gets neither tag."""
        for decision in decisions:
            compiled = self.compiled(decision.entity_type).rule(decision.rule_id)
            neither = compiled.rule.neither
            if neither is None or (tag is not None and tag not in (decision.tag, neither.tag)):
                continue
            prerequisites = {leaf.tag for leaf in compiled.leaves if leaf.tag}
            if decision.tag not in given and neither.tag not in given and prerequisites <= given:
                yield neither.text

    def _rule(self, entity: EntityFacts, decision: Decision) -> RuleExplanation:
        compiled = self.compiled(decision.entity_type).rule(decision.rule_id)
        clauses = [self._clause(entity, compiled, leaf, decision.clause(leaf.node)) for leaf in compiled.leaves]
        clauses += [self._named_not(compiled, decision, node_id) for node_id, node in compiled.nodes.items()
                    if node.kind == "not" and node.text]
        reasons = [] if decision.given else [node.split(".", 1)[1] for node in failure_reasons(compiled, decision)]
        # why not: the clauses that made it fail come first, then the rest in the rule's order
        clauses.sort(key=lambda clause: clause.klausa not in reasons)
        version = compiled.version
        return RuleExplanation(
            aturan=compiled.rule.id, nama=compiled.rule.name, tag=decision.tag, diberikan=decision.given,
            ringkasan=_summary(compiled, decision, [c for c in clauses if c.klausa in reasons]), versi=version.version,
            berlaku_dari=version.effective.start, berlaku_sampai=version.effective.end,
            dasar_hukum=[basis.cite() for basis in compiled.rule.legal_basis], klausa=clauses,
            parameter=[ParameterUsed(id=p.id, nilai=shown_value(p.id, p.value), berlaku_dari=p.version_from,
                                     berlaku_sampai=p.version_to) for p in compiled.parameters.values()],
            catatan_interpretasi=[*compiled.rule.notes, *version.notes],
        )

    def _named_not(self, compiled: CompiledRule, decision: Decision, node_id: str) -> ClauseExplanation:
        node = compiled.nodes[node_id]
        held = decision.clause(node_id).held
        text = node.text or node_id
        if not held:  # its child held: say that, rather than a double negative
            child = compiled.nodes[node.children[0]]
            text = child.leaf.text if child.leaf else child.text or f"tidak benar: {text}"
        return ClauseExplanation(klausa=node_id.split(".", 1)[1], terpenuhi=held, teks=text, dibandingkan=[], fakta=[])

    def _clause(self, entity: EntityFacts, compiled: CompiledRule, leaf: Leaf, result: ClauseResult) -> ClauseExplanation:
        text = leaf.text if result.held else leaf.failed_text
        if leaf.tag is not None:
            giver = next((rule.rule.id for rule in self.compiled(entity.entity_type).rules if rule.rule.tag == leaf.tag), None)
            note = f"tag {leaf.tag} {'diberikan' if result.held else 'tidak diberikan'} oleh aturan {giver}"
            return ClauseExplanation(klausa=leaf.clause_id, terpenuhi=result.held, teks=text,
                                     dibandingkan=[f"tag {leaf.tag}"], fakta=[], catatan=note)
        facts = self._facts(entity, result.evidence) if result.held else self._table_facts(entity, leaf.table)
        note = None if facts or result.held else f"tidak ada baris {leaf.table} untuk entitas ini"
        if leaf.min_count > 1:
            note = f"paling sedikit {leaf.min_count} baris diperlukan" + (f"; {note}" if note else "")
        columns = [test.field for test in leaf.tests]
        return ClauseExplanation(
            klausa=leaf.clause_id, terpenuhi=result.held, teks=text,
            dibandingkan=[describe_test(test) for test in leaf.tests] or [f"ada baris {leaf.table}"],
            fakta=[self._source(fact, columns) for fact in facts], catatan=note,
        )

    def _facts(self, entity: EntityFacts, fact_ids: tuple[str, ...]) -> list[dict]:
        wanted = set(fact_ids)
        return [fact for fact in entity.facts if fact["id"] in wanted]

    def _table_facts(self, entity: EntityFacts, table: str | None) -> list[dict]:
        return [fact for fact in entity.facts if fact["t"] == table]

    def _source(self, fact: dict, columns: list[str]) -> SourceFact:
        table = fact["t"]
        shown = [column for column in fact if column.startswith("tanggal")] + columns
        values = {column: shown_value(column, fact[column]) for column in dict.fromkeys(shown) if column in fact}
        for column in columns:
            values.setdefault(column, "(kosong)")
        return SourceFact(fact_id=fact["id"], sumber=self.sources.get(table, table), baris=fact["row"], nilai=values)

    def indicator(self, indicator_id: str) -> IndicatorExplanation:
        definition = next(item for item in self.result.profile.indicators if item.id == indicator_id)
        computed = next(item for item in self.result.indicators if item.id == indicator_id)
        return IndicatorExplanation(
            id=computed.id, nama=computed.nama, tahun=self.result.year, nilai=computed.nilai, satuan=computed.satuan,
            rumus=_formula(definition), pembilang=_part(definition, "pembilang", computed),
            penyebut=_part(definition, "penyebut", computed), catatan=computed.catatan,
            catatan_interpretasi=[*self.result.profile.notes, *definition.notes],
            anggota_pembilang=self._members(computed.numerator), anggota_penyebut=self._members(computed.denominator),
            dikecualikan=self._members(computed.excluded),
        )

    def _members(self, members: tuple[Member, ...]) -> list[MemberLine]:
        lines = []
        for member in members:
            entity = self._entities.get((member.entity_type, member.entity_id))
            lines.append(MemberLine(jenis=member.entity_type, id=member.entity_id, nama=_name(entity) if entity else ""))
        return lines


def _name(entity: EntityFacts) -> str:
    if entity.entity_type == "peserta_diklat":
        return ""  # personal data: participants are identified by id
    return getattr(entity.record, "nama", "") or ""


def failure_reasons(compiled: CompiledRule, decision: Decision) -> list[str]:
    """The nodes that made a rule fail, walking down from its root.

    A failed ``all`` fails through its failed children, a failed ``any`` through all of them; a
    failed ``not`` is itself the reason (its child held), and so is a failed leaf. A leaf that
    failed under a ``not`` that held is no reason: it is what made the ``not`` hold.
    """
    reasons: list[str] = []

    def walk(node_id: str) -> None:
        node = compiled.nodes[node_id]
        if decision.clause(node_id).held:
            return
        if node.kind in ("leaf", "not"):
            reasons.append(node_id if node.kind == "leaf" or node.text else node.children[0])
            return
        for child in node.children:
            walk(child)

    walk(compiled.root)
    return reasons


def _summary(compiled: CompiledRule, decision: Decision, reasons: list[ClauseExplanation]) -> str:
    name = compiled.rule.name
    if decision.given:
        return f"mendapat tag {decision.tag}: {name}"
    reasons = "; ".join(clause.teks for clause in reasons) or "syarat tidak terpenuhi"
    return f"tidak mendapat tag {decision.tag} ({name}): {reasons}"


def _set_text(entity_set: EntitySet) -> str:
    tags = ", ".join(entity_set.tags)
    return f"{entity_set.entity} dengan tag {tags}" if tags else f"semua {entity_set.entity} terdaftar"


def _formula(indicator: Indicator) -> str:
    formula = indicator.formula
    if isinstance(formula, Percentage):
        return "pembilang ÷ penyebut × 100"
    if isinstance(formula, Count):
        return "jumlah entitas berbeda"
    return "(Σ tahun n − Σ tahun n-1) ÷ Σ tahun n-1 × 100, atas anggota kohort yang punya nilai di kedua tahun"


def _part(indicator: Indicator, which: str, computed: IndicatorResult) -> str:
    formula = indicator.formula
    if isinstance(formula, Percentage):
        part = formula.numerator if which == "pembilang" else formula.denominator
        if isinstance(part, Denominator):
            options = " + ".join(_set_text(entity_set) for entity_set in part.otherwise)
            return f"statistik {part.statistic} tahun n bila ada, selain itu {options}"
        return _set_text(part)
    if isinstance(formula, Count):
        return _set_text(formula.count) if which == "pembilang" else "-"
    assert isinstance(formula, Growth)
    measures = ", ".join(f"{kind}: {m.table}.{m.field}" for kind, m in formula.measure.items())
    total = "Σn − Σ(n-1)" if which == "pembilang" else "Σ(n-1)"
    return f"{total} atas {_set_text(formula.cohort)} ({measures})"
