"""Answers from a run's record: the ``RunSource`` that ``iku explain --run`` explains from.

A record may hold several years (``run_year``): a ``StoreSource`` answers for one of them, the
last (``run.year``) unless another is chosen; ``StoreSource(out)`` of a single-year run is as before.

Every answer is an index lookup (an entity by id, its decisions and source rows by its key, the
rules once): nothing is loaded whole, so explaining one entity of a national run takes
milliseconds. Nothing is decided again: decisions come back as they were recorded.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from engine.decisions import ClauseResult, Decision
from engine.explain.model import IndicatorExplanation, IndicatorHeader, MemberLine
from engine.explain.ruleview import RuleView
from engine.explain.source import EntityKey, EntitySeen
from engine.facts import ENTITY_TABLES, fact_id
from engine.indicators.scope import ProvinceScope
from engine.names import closest_names
from engine.runstore.layout import SourceLayout, fact_from_row, source_layouts
from engine.runstore.rulecodec import decode_rule
from engine.runstore.schema import HEADER_COLUMNS, ROLES, DamagedRecord, StoreError, open_store, source_table_name

SUGGESTION_POOL = 20_000  # ids compared with a misspelt one: those around it in the index, not a million


@dataclass(frozen=True)
class RunInfo:
    """Which run a record is of: what ``iku explain --run`` shows first."""

    id: str
    profile: str
    year: int
    rules_version: str
    rules: str
    data: str
    started: str
    finished: str
    inputs: tuple[tuple[str, str], ...]  # file name, sha256
    province: str
    province_name: str
    years: tuple[int, ...] = ()  # every year of the run (one, or a series); ``year`` is the last

    def text(self, year: int | None = None) -> str:
        files = ", ".join(f"{name} ({digest[:12]}…)" for name, digest in self.inputs)
        shown = self.year if year is None else year
        series = (f" (run ini berisi tahun {', '.join(map(str, self.years))}; pilih dengan --year)"
                  if len(self.years) > 1 else "")
        return (f"Dari catatan run {self.id}: dijalankan {self.started[:19].replace('T', ' ')} UTC, profil "
                f"{self.profile}, tahun {shown}{series}, versi aturan {self.rules_version}\n"
                f"Berkas masukan (sha256): {files}")


class UnknownYear(StoreError):
    """A year the record does not hold: for that year, a record that cannot be read."""


def run_info(db: sqlite3.Connection) -> RunInfo:
    run = db.execute("SELECT id, profile, year, rules_version, rules, data, started, finished FROM run").fetchone()
    province, name = db.execute("SELECT province, province_name FROM run").fetchone()
    years = tuple(year for (year,) in db.execute("SELECT year FROM run_year ORDER BY year"))
    return RunInfo(*run, inputs=tuple(db.execute("SELECT name, sha256 FROM input_file ORDER BY rowid")),
                   province=province, province_name=name, years=years)


class StoreSource:
    """A run's record, opened read-only, answering for ``year`` (default: the run's last year)."""

    def __init__(self, out: Path, year: int | None = None):
        self.db = open_store(out)
        self.info = run_info(self.db)
        if year is not None and year not in self.info.years:
            self.db.close()
            known = ", ".join(map(str, self.info.years))
            raise UnknownYear(f"tahun {year} tidak ada dalam catatan run ini; yang ada: {known}")
        self.year = self.info.year if year is None else year
        self.profile, self.rules_version = self.info.profile, self.info.rules_version
        self._decisions: tuple[EntityKey, list[Decision]] | None = None

    def close(self) -> None:
        self.db.close()

    @cached_property
    def _sources(self) -> dict[str, str]:
        return {table: source for table, source in self.db.execute('SELECT "table", source FROM table_count')}

    @cached_property
    def _rules(self) -> dict[int, RuleView]:
        """The rules in force in the chosen year."""
        return {key: decode_rule(text) for key, text in
                self.db.execute("SELECT key, definition_json FROM rule WHERE year = ? ORDER BY key", (self.year,))}

    @cached_property
    def _layouts(self) -> dict[str, SourceLayout]:
        """Per kept source table: its columns, as the writer chose them (from every year's rules)."""
        every_year = [decode_rule(text) for (text,) in self.db.execute("SELECT definition_json FROM rule ORDER BY key")]
        return source_layouts(every_year)

    def source_name(self, table: str) -> str:
        return self._sources.get(table) or table

    def outside_note(self, entity_type: str, entity_id: str) -> str | None:
        """What the run's province scope says of the entity, from its recorded region and mark."""
        outside, code = self.db.execute("SELECT outside, kode_wilayah FROM entity WHERE entity_id = ? AND "
                                        "entity_type = ?", (entity_id, entity_type)).fetchone()
        if not outside:
            return None
        key = (entity_type, entity_id)
        return ProvinceScope(self.info.province, self.info.province_name, {entity_type: frozenset({entity_id})},
                             {key: code or ""}).note(*key)

    def rules(self, entity_type: str) -> list[RuleView]:
        return [view for _, view in sorted(self._rules.items()) if view.entity_type == entity_type]

    def _key(self, entity_type: str, entity_id: str) -> int:
        found = self.db.execute("SELECT key FROM entity WHERE entity_id = ? AND entity_type = ?",
                                (entity_id, entity_type)).fetchone()
        if found is None:
            raise KeyError((entity_type, entity_id))
        return found[0]

    def decisions(self, entity_type: str, entity_id: str) -> list[Decision]:
        wanted = (entity_type, entity_id)
        if self._decisions is None or self._decisions[0] != wanted:
            key = self._key(entity_type, entity_id)
            outcome = self.db.execute(
                "SELECT o.verdict, o.citation, v.given FROM outcome AS o JOIN verdict AS v ON v.key = o.verdict "
                "WHERE o.year = ? AND o.entity = ?", (self.year, key)).fetchone()
            rules = self.rules(entity_type)
            if outcome is None and not rules:  # no rule of its kind in force that year: nothing was decided
                self._decisions = (wanted, [])
                return []
            if outcome is None:
                raise DamagedRecord(f"keputusan {entity_type} {entity_id} tahun {self.year} tidak ada")
            verdict, citation, given = outcome
            held = self.db.execute("SELECT h.held FROM verdict_rule AS h JOIN rule AS r ON r.key = h.rule "
                                   "WHERE h.verdict = ? ORDER BY r.position", (verdict,)).fetchall()
            if len(held) != len(rules):
                raise DamagedRecord(f"keputusan {entity_type} {entity_id} tahun {self.year} mencatat {len(held)} "
                                    f"dari {len(rules)} aturan")
            cited = self._cited(key, citation) if citation is not None else {}
            self._decisions = (wanted, [
                self._decision(entity_id, rules[position], bool(given >> position & 1), mask, cited.get(position, {}))
                for position, (mask,) in enumerate(held)])
        return self._decisions[1]

    def _cited(self, key: int, citation: int) -> dict[int, dict[int, list[int]]]:
        """Per rule position and clause bit, the source rows cited, in the order the decision gave them."""
        cited: dict[int, dict[int, list[int]]] = {}
        numbers: dict[str, list[int]] = {}  # the entity's rows of a table, in row order
        for position, bit, table, nth in self.db.execute(
                "SELECT r.position, x.bit, c.source_table, x.nth FROM citation AS x JOIN rule AS r ON r.key = x.rule "
                "JOIN clause AS c ON c.rule = x.rule AND c.bit = x.bit WHERE x.citation = ? "
                "ORDER BY r.position, x.bit, x.seq", (citation,)):
            if table not in numbers:
                numbers[table] = [row for (row,) in self.db.execute(
                    f"SELECT row FROM {source_table_name(table)} WHERE entity = ? ORDER BY row", (key,))]
            cited.setdefault(position, {}).setdefault(bit, []).append(numbers[table][nth])
        return cited

    def _decision(self, entity_id: str, view: RuleView, given: bool, held: int, rows: dict[int, list[int]]) -> Decision:
        nodes = list(view.nodes.values())
        clauses = tuple(
            ClauseResult.model_construct(
                node=node.node, held=bool(held >> bit & 1),
                evidence=tuple(fact_id(node.leaf.table, number) for number in rows.get(bit, ()))
                if node.leaf is not None and node.leaf.table is not None else ())
            for bit, node in enumerate(nodes))
        return Decision.model_construct(entity_type=view.entity_type, entity_id=entity_id, year=self.year,
                                        rule_id=view.rule_id, rule_version=view.version, tag=view.tag,
                                        given=given, clauses=clauses)

    def entity_keys(self, entity_id: str) -> list[EntityKey]:
        return list(self.db.execute("SELECT entity_type, entity_id FROM entity WHERE entity_id = ? ORDER BY key",
                                    (entity_id,)))

    def entity(self, entity_type: str, entity_id: str) -> EntitySeen:
        key, nama, row = self.db.execute(
            "SELECT key, nama, source_row FROM entity WHERE entity_id = ? AND entity_type = ?",
            (entity_id, entity_type)).fetchone()
        return EntitySeen(entity_type, entity_id, nama or "", ENTITY_TABLES[entity_type][0], row, self._facts(key))

    def _facts(self, key: int) -> list[dict[str, Any]]:
        """The entity's kept source rows as facts, its own table first, then the others in the run's order."""
        facts = []
        for table in self._fact_order():
            layout = self._layouts[table]
            quoted = "".join(f', "{name}"' for name in layout.stored)
            for row in self.db.execute(f"SELECT row{quoted} FROM {source_table_name(table)} WHERE entity = ? "
                                       "ORDER BY row", (key,)):
                facts.append(fact_from_row(layout, row))
        return facts

    def _fact_order(self) -> list[str]:
        order = [table for table, _, _ in ENTITY_TABLES.values()]
        order += [table for _, _, related in ENTITY_TABLES.values() for table in related]
        return [table for table in dict.fromkeys(order) if table in self._layouts]

    def tags(self) -> list[str]:
        return [tag for (tag,) in self.db.execute("SELECT tag FROM known_tag ORDER BY tag")]

    def suggestions(self, wanted: str) -> list[str]:
        """The closest ids among those sorting near ``wanted`` (every id in a run of fewer than
        ``SUGGESTION_POOL``), in the run's order as from the data, and every indicator id."""
        half = SUGGESTION_POOL // 2
        pool = self.db.execute(
            "SELECT entity_id, min(key) FROM (SELECT entity_id, key FROM entity WHERE entity_id >= ? "
            "ORDER BY entity_id LIMIT ?) GROUP BY entity_id UNION ALL "
            "SELECT entity_id, min(key) FROM (SELECT entity_id, key FROM entity WHERE entity_id < ? "
            "ORDER BY entity_id DESC LIMIT ?) GROUP BY entity_id", (wanted, half, wanted, half)).fetchall()
        known = [entity_id for entity_id, _ in sorted(pool, key=lambda item: item[1])]
        return closest_names(wanted, known + self.indicator_ids())

    def indicator_ids(self) -> list[str]:
        return [indicator_id for (indicator_id,) in
                self.db.execute("SELECT id FROM indicator WHERE year = ? ORDER BY key", (self.year,))]

    def indicator(self, indicator_id: str) -> IndicatorExplanation:
        nama, nilai, satuan, catatan, *header, notes = self.db.execute(
            f"SELECT nama, nilai, satuan, catatan, {', '.join(HEADER_COLUMNS)} FROM indicator WHERE id = ? AND year = ?",
            (indicator_id, self.year)).fetchone()
        members = {role: self._members(indicator_id, code) for code, role in enumerate(ROLES)}
        fields = dict(zip(IndicatorHeader.model_fields, [*header, json.loads(notes)], strict=True))
        return IndicatorExplanation(
            id=indicator_id, nama=nama, tahun=self.year, nilai=nilai, satuan=satuan, catatan=catatan, **fields,
            anggota_pembilang=members["numerator"], anggota_penyebut=members["denominator"],
            dikecualikan=members["excluded"])

    def _members(self, indicator_id: str, role: int) -> list[MemberLine]:
        rows = self.db.execute(
            "SELECT e.entity_type, e.entity_id, e.nama, m.nilai_sebelum, m.nilai FROM indicator_member AS m "
            "JOIN entity AS e ON e.key = m.entity WHERE m.indicator = (SELECT key FROM indicator WHERE id = ? AND year = ?) "
            "AND m.role = ? ORDER BY m.seq", (indicator_id, self.year, role))
        return [MemberLine(jenis=kind, id=entity_id, nama=nama or "", nilai_sebelum=before, nilai=value)
                for kind, entity_id, nama, before, value in rows]


__all__ = ["RunInfo", "StoreSource", "UnknownYear", "run_info"]
