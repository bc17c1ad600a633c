"""The impact of a proposed rule change: which entities gain or lose which tags, and why, and how
each indicator moves — the same data evaluated with the old and the new rules folder."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from engine.decisions import Decision, DecisionTable
from engine.facts import ENTITY_ORDER
from engine.ingest.dataset import load_dataset
from engine.pipeline import data_policy, entities_of, evaluate_entities, indicators_of, profile_of
from engine.rules.compiler import CompiledRule, compile_ruleset, reference_day
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RuleBook


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClauseChange(Frozen):
    klausa: str
    sebelum: bool | None
    sesudah: bool | None
    teks: str


class TagChange(Frozen):
    jenis: str
    id: str
    tag: str
    perubahan: str  # "diperoleh" or "hilang"
    alasan: list[ClauseChange]
    catatan: str | None = None


class ParameterChange(Frozen):
    id: str
    sebelum: str
    sesudah: str


class IndicatorChange(Frozen):
    id: str
    nama: str
    nilai_sebelum: float | int | None
    nilai_sesudah: float | int | None
    pembilang_sebelum: float | int | None
    pembilang_sesudah: float | int | None
    penyebut_sebelum: float | int | None
    penyebut_sesudah: float | int | None
    selisih: float | None


class RulesDiff(Frozen):
    profil: str
    tahun: int
    versi_lama: str
    versi_baru: str
    parameter: list[ParameterChange]
    tag: list[TagChange]
    indikator: list[IndicatorChange]


def _compiled(book: RuleBook, year: int) -> dict[str, CompiledRule]:
    return {compiled.rule.id: compiled for kind in ENTITY_ORDER for compiled in compile_ruleset(book, kind, year).rules}


def _clause_changes(before: Decision | None, after: Decision | None, rules: tuple[dict, dict]) -> list[ClauseChange]:
    """Leaves whose result differs; a clause only one side has is a change too."""
    old = {c.node: c.held for c in before.clauses} if before else {}
    new = {c.node: c.held for c in after.clauses} if after else {}
    texts = {}
    for compiled in (rules[0].get(before.rule_id) if before else None, rules[1].get(after.rule_id) if after else None):
        if compiled is not None:
            for leaf in compiled.leaves:
                texts[leaf.node] = leaf.text
            texts.update({node_id: node.text for node_id, node in compiled.nodes.items() if node.text})
    changes = []
    for node in dict.fromkeys([*old, *new]):
        if node in texts and old.get(node) != new.get(node):
            changes.append(ClauseChange(klausa=node.split(".", 1)[1], sebelum=old.get(node), sesudah=new.get(node),
                                        teks=texts[node]))
    return changes


def _tag_changes(before: DecisionTable, after: DecisionTable, rules: tuple[dict, dict]) -> list[TagChange]:
    old = {(d.entity_type, d.entity_id, d.tag): d for d in before}
    new = {(d.entity_type, d.entity_id, d.tag): d for d in after}
    changes = []
    for key in sorted(set(old) | set(new)):
        was = key in old and old[key].given
        now = key in new and new[key].given
        if was == now:
            continue
        note = None if key in old and key in new else ("aturan baru" if key not in old else "aturan dihapus")
        changes.append(TagChange(jenis=key[0], id=key[1], tag=key[2], perubahan="diperoleh" if now else "hilang",
                                 alasan=_clause_changes(old.get(key), new.get(key), rules), catatan=note))
    return changes


def _parameter_changes(old: RuleBook, new: RuleBook, year: int) -> list[ParameterChange]:
    day = reference_day(year)
    changes = []
    for name in sorted(set(old.parameters) | set(new.parameters)):
        values = []
        for book in (old, new):
            version = book.parameters[name].version_for(day) if name in book.parameters else None
            values.append("—" if version is None else str(version.value))
        if values[0] != values[1]:
            changes.append(ParameterChange(id=name, sebelum=values[0], sesudah=values[1]))
    return changes


def diff_rules(old_dir: Path, new_dir: Path, data: Path, profile_id: str, year: int) -> RulesDiff:
    old, new = load_rulebook(old_dir), load_rulebook(new_dir)
    dataset = load_dataset(data, policy=data_policy(new, year))  # the rows the proposed rules accept
    entities = entities_of(dataset)
    results = []
    for book in (old, new):
        profile = profile_of(book, profile_id)
        decisions = evaluate_entities(book, entities, year)
        results.append((decisions, indicators_of(book, profile, dataset, entities, decisions, year)))
    (old_decisions, old_indicators), (new_decisions, new_indicators) = results
    before = {indicator.id: indicator for indicator in old_indicators}
    indicators = []
    for indicator in new_indicators:
        was = before.get(indicator.id)
        value_before = was.nilai if was else None
        delta = None if value_before is None or indicator.nilai is None else round(indicator.nilai - value_before, 2)
        indicators.append(IndicatorChange(
            id=indicator.id, nama=indicator.nama, nilai_sebelum=value_before, nilai_sesudah=indicator.nilai,
            pembilang_sebelum=was.pembilang if was else None, pembilang_sesudah=indicator.pembilang,
            penyebut_sebelum=was.penyebut if was else None, penyebut_sesudah=indicator.penyebut, selisih=delta,
        ))
    return RulesDiff(
        profil=profile_id, tahun=year, versi_lama=old.version, versi_baru=new.version,
        parameter=_parameter_changes(old, new, year),
        tag=_tag_changes(old_decisions, new_decisions, (_compiled(old, year), _compiled(new, year))),
        indikator=indicators,
    )
