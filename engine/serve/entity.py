"""Entitas: one entity's explanation from the run record — the text ``iku explain --run`` prints,
made by the same explainer and renderer — with its source rows and the indicator lists it is in."""

from __future__ import annotations

from engine.explain import Explainer
from engine.explain.model import EntityExplanation
from engine.explain.render import render_entity, render_rule
from engine.explain.values import shown_value
from engine.names import closest_names
from engine.runstore import browse
from engine.serve.errors import NotFound
from engine.serve.model import Frozen
from engine.serve.runs import ServedRun

ENTITY_TYPES = ("koperasi", "ukm", "peserta_diklat")


class SourceRow(Frozen):
    tabel: str
    sumber: str
    baris: int
    nilai: dict[str, str]


class RuleBlock(Frozen):
    """One rule of the explanation: its id (the link to the rule's page) and its rendered text."""

    aturan: str
    tag: str
    diberikan: bool
    klausa: list[str]
    teks: str


class EntityPage(Frozen):
    run: str
    jenis: str
    id: str
    nama: str
    teks: str  # exactly what `iku explain ID --run DIR` prints for this entity (without the run line)
    kepala: str  # the explanation's first lines, before the rules
    aturan: list[RuleBlock]
    baris_sumber: list[SourceRow]
    daftar_indikator: list[dict[str, str]]
    penjelasan: EntityExplanation


def _check_type(run: ServedRun, jenis: str, entity_id: str) -> None:
    if jenis not in ENTITY_TYPES:
        raise NotFound("jenis entitas", jenis, closest_names(jenis, ENTITY_TYPES) or list(ENTITY_TYPES))
    if (jenis, entity_id) not in run.source.entity_keys(entity_id):
        raise NotFound(f"{jenis}", entity_id, run.source.suggestions(entity_id))


def _source_rows(run: ServedRun, jenis: str, entity_id: str) -> list[SourceRow]:
    rows = []
    for fact in run.source.entity(jenis, entity_id).facts:
        values = {column: shown_value(column, value) for column, value in fact.items() if column not in ("t", "id", "row")}
        rows.append(SourceRow(tabel=fact["t"], sumber=run.source.source_name(fact["t"]), baris=fact["row"], nilai=values))
    return rows


def entity_page(run: ServedRun, jenis: str, entity_id: str, tag: str | None = None) -> EntityPage:
    _check_type(run, jenis, entity_id)
    explainer = Explainer(run.source)
    if tag is not None:
        explainer.check_tag(tag)
    explanation = explainer.entity(jenis, entity_id, tag)
    head = render_entity(explanation.model_copy(update={"aturan": []}))
    blocks = [RuleBlock(aturan=rule.aturan, tag=rule.tag, diberikan=rule.diberikan,
                        klausa=[clause.klausa for clause in rule.klausa], teks="\n".join(render_rule(rule)))
              for rule in explanation.aturan]
    return EntityPage(
        run=run.id, jenis=jenis, id=entity_id, nama=explanation.nama, teks=render_entity(explanation), kepala=head,
        aturan=blocks, baris_sumber=_source_rows(run, jenis, entity_id),
        daftar_indikator=[{"indikator": indicator, "peran": role}
                          for indicator, role in browse.entity_lists(run.source.db, jenis, entity_id)],
        penjelasan=explanation)
