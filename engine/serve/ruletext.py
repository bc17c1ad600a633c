"""Aturan: each rule and parameter as policy staff read it — description, legal basis, versions with
their periods, the conditions in words, the parameters and which indicators use it.

The conditions and parameter values are those the run used (from the record); the description and
every version come from the run's rules folder, when it can still be read and is unchanged.
"""

from __future__ import annotations

from collections import defaultdict

from engine.explain.render import period_text
from engine.explain.ruleview import RuleView
from engine.explain.tree import group_text, top_level
from engine.explain.values import describe_test, shown_value
from engine.names import closest_names
from engine.rules.checks import indicator_tags
from engine.serve.errors import NotFound
from engine.serve.model import Frozen
from engine.serve.runs import ServedRun

ENTITY_ORDER = ("koperasi", "ukm", "peserta_diklat")


class ConditionLine(Frozen):
    klausa: str
    tingkat: int
    teks: str
    dibandingkan: list[str]


class VersionText(Frozen):
    versi: int
    berlaku: str
    perubahan: str | None
    catatan: list[str]
    dipakai_run_ini: bool


class IndicatorUse(Frozen):
    indikator: str
    lewat_tag: str  # the tag the indicator reads: the rule's own, or one built on it


class ParameterInForce(Frozen):
    id: str
    nilai: str
    berlaku: str


class RuleText(Frozen):
    id: str
    nama: str
    tag: str
    entitas: list[str]
    deskripsi: str | None
    dasar_hukum: list[str]
    catatan: list[str]
    versi_run: int
    syarat: str  # "semua" or "salah satu"
    kondisi: list[ConditionLine]
    parameter: list[ParameterInForce]
    versi: list[VersionText]
    indikator: list[IndicatorUse]
    catatan_sumber: str | None  # why the description or versions are missing, if they are


class ParameterText(Frozen):
    id: str
    nama: str
    deskripsi: str | None
    satuan: str | None
    dasar_hukum: list[str]
    catatan: list[str]
    nilai_run: str | None
    versi: list[dict[str, str | None]]
    aturan: list[str]


class RulesIndex(Frozen):
    run: str
    aturan: list[dict[str, str]]
    parameter: list[dict[str, str]]
    catatan_sumber: str | None


def _views(run: ServedRun) -> dict[str, list[RuleView]]:
    """Rules in force in the run by id (a rule for koperasi and ukm has a view per type)."""
    views: dict[str, list[RuleView]] = defaultdict(list)
    for kind in ENTITY_ORDER:
        for view in run.source.rules(kind):
            views[view.rule_id].append(view)
    return views


def _text(view: RuleView, node_id: str) -> str:
    node = view.nodes[node_id]
    if node.leaf is not None:
        return node.leaf.text
    return node.text or group_text(node, True)


def conditions(view: RuleView) -> tuple[str, list[ConditionLine]]:
    """The condition as explanations show it, every line in words with what it compares."""
    combine, blocks = top_level(view)
    lines = [ConditionLine(klausa=shown.node.split(".", 1)[-1], tingkat=shown.depth, teks=_text(view, shown.node),
                           dibandingkan=[describe_test(test) for test in (view.nodes[shown.node].leaf.tests
                                                                          if view.nodes[shown.node].leaf else ())])
             for block in blocks for shown in block]
    return combine, lines


def _indicator_uses(run: ServedRun, views: dict[str, list[RuleView]]) -> dict[str, list[IndicatorUse]]:
    """For each rule: the indicators reading its tag, or a tag of a rule built on it (has_tag)."""
    book = run.rulebook
    if book is None or run.info.profile not in book.profiles:
        return {}
    readers: dict[str, set[str]] = defaultdict(set)  # tag -> indicators
    for indicator in book.profiles[run.info.profile].indicators:
        for _, _, tag in indicator_tags(indicator.formula, ()):
            readers[tag].add(indicator.id)
    built_on: dict[str, set[str]] = defaultdict(set)  # tag -> tags of rules that read it
    for rule_views in views.values():
        for view in rule_views:
            for leaf in view.leaves:
                if leaf.tag:
                    built_on[leaf.tag].add(view.tag)
    uses: dict[str, list[IndicatorUse]] = {}
    for rule_id, rule_views in views.items():
        seen, todo, found = set(), [rule_views[0].tag], {}
        while todo:
            tag = todo.pop()
            if tag in seen:
                continue
            seen.add(tag)
            for indicator in readers.get(tag, ()):
                found.setdefault(indicator, tag)
            todo.extend(built_on.get(tag, ()))
        uses[rule_id] = [IndicatorUse(indikator=key, lewat_tag=found[key]) for key in sorted(found)]
    return uses


def rules_index(run: ServedRun) -> RulesIndex:
    views = _views(run)
    parameters = {p.id: shown_value(p.id, p.value) for vs in views.values() for v in vs for p in v.parameters}
    book = run.rulebook
    names = {name: book.parameters[name].name for name in parameters if book and name in book.parameters}
    return RulesIndex(
        run=run.id,
        aturan=[{"id": rule_id, "nama": vs[0].name, "tag": vs[0].tag, "entitas": ", ".join(v.entity_type for v in vs)}
                for rule_id, vs in views.items()],
        parameter=[{"id": name, "nama": names.get(name, ""), "nilai": value} for name, value in sorted(parameters.items())],
        catatan_sumber=run.rulebook_note)


def rule_text(run: ServedRun, rule_id: str) -> RuleText:
    views = _views(run)
    if rule_id not in views:
        raise NotFound("aturan", rule_id, closest_names(rule_id, views))
    view = views[rule_id][0]
    combine, lines = conditions(view)
    book = run.rulebook
    rule = next((item for item in book.rules if item.id == rule_id), None) if book else None
    versions = [VersionText(versi=v.version, berlaku=period_text(v.effective.start, v.effective.end), perubahan=v.change,
                            catatan=list(v.notes), dipakai_run_ini=v.version == view.version)
                for v in (rule.versions if rule else ())]
    return RuleText(
        id=rule_id, nama=view.name, tag=view.tag, entitas=[v.entity_type for v in views[rule_id]],
        deskripsi=rule.description if rule else None, dasar_hukum=list(view.legal_basis), catatan=list(view.notes),
        versi_run=view.version, syarat=combine, kondisi=lines,
        parameter=[ParameterInForce(id=p.id, nilai=shown_value(p.id, p.value), berlaku=period_text(p.version_from, p.version_to))
                   for p in view.parameters],
        versi=versions, indikator=_indicator_uses(run, views).get(rule_id, []),
        catatan_sumber=None if rule else run.rulebook_note or "aturan ini tidak ada lagi di folder aturan run")


def parameter_text(run: ServedRun, parameter_id: str) -> ParameterText:
    views = _views(run)
    used = {p.id: p for vs in views.values() for v in vs for p in v.parameters}
    book = run.rulebook
    known = set(used) | set(book.parameters if book else ())
    if parameter_id not in known:
        raise NotFound("parameter", parameter_id, closest_names(parameter_id, sorted(known)))
    parameter = book.parameters.get(parameter_id) if book else None
    in_run = used.get(parameter_id)
    return ParameterText(
        id=parameter_id, nama=parameter.name if parameter else parameter_id,
        deskripsi=parameter.description if parameter else None, satuan=parameter.unit if parameter else None,
        dasar_hukum=[basis.cite() for basis in parameter.legal_basis] if parameter else [],
        catatan=list(parameter.notes) if parameter else [],
        nilai_run=shown_value(parameter_id, in_run.value) if in_run else None,
        versi=[{"nilai": shown_value(parameter_id, v.value), "berlaku": period_text(v.effective.start, v.effective.end),
                "perubahan": v.change} for v in (parameter.versions if parameter else ())],
        aturan=sorted(rule_id for rule_id, vs in views.items() if any(p.id == parameter_id for v in vs for p in v.parameters)))
