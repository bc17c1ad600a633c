"""``iku verify``: is a run's record still what its inputs and rules give?

Re-reads the input files named in the record and checks their sha256, checks the rules version,
runs again and compares the tags and indicators with the record. The answer is the list of what
differs (empty: "cocok"), each in words an auditor can act on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine.ingest.readers import open_data, sha256_of
from engine.pipeline import RunResult, run
from engine.rules.rulebook import rules_version
from engine.runstore.reader import RunInfo, run_info
from engine.runstore.schema import open_store

SHOWN = 20  # differences of one kind listed by name; the rest counted


@dataclass
class Verification:
    info: RunInfo
    differences: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences


def _current_files(data: Path) -> dict[str, str]:
    source = open_data(data)
    try:
        return {file.name: sha256_of(file) for file in source.files()}
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def _file_differences(recorded: dict[str, str], current: dict[str, str]) -> Iterator[str]:
    for name, digest in recorded.items():
        if name not in current:
            yield f"berkas masukan {name} tidak ada lagi"
        elif current[name] != digest:
            yield f"berkas masukan {name} berubah (sha256 {digest[:12]}… → {current[name][:12]}…)"
    for name in sorted(set(current) - set(recorded)):
        yield f"berkas masukan {name} baru, tidak ada dalam catatan run"


def _listed(items: list[str]) -> Iterator[str]:
    yield from items[:SHOWN]
    if len(items) > SHOWN:
        yield f"… dan {len(items) - SHOWN} perbedaan tag lain"


def _tag_differences(db: sqlite3.Connection, result: RunResult) -> Iterator[str]:
    recorded = set(db.execute("SELECT entity_type, entity_id, tag FROM tag"))
    now = {(row.entity_type, row.entity_id, row.tag) for row in result.tag_rows()}
    entities = set(db.execute("SELECT entity_type, entity_id FROM entity"))
    current = {(kind, entity.entity_id) for kind, group in result.entities.items() for entity in group}
    found = [f"{kind} {entity_id} tidak ada dalam catatan run" for kind, entity_id in sorted(current - entities)]
    found += [f"{kind} {entity_id} ada dalam catatan run, tidak ada lagi dalam data"
              for kind, entity_id in sorted(entities - current)]
    found += [f"tag berbeda untuk {kind} {entity_id}: {tag} diberikan dalam catatan run, tidak diberikan sekarang"
              for kind, entity_id, tag in sorted(recorded - now) if (kind, entity_id) in current]
    found += [f"tag berbeda untuk {kind} {entity_id}: {tag} tidak diberikan dalam catatan run, diberikan sekarang"
              for kind, entity_id, tag in sorted(now - recorded) if (kind, entity_id) in entities]
    yield from _listed(found)


def _indicator_differences(db: sqlite3.Connection, result: RunResult) -> Iterator[str]:
    recorded = {row[0]: row[1:] for row in db.execute("SELECT id, nilai, pembilang, penyebut FROM indicator")}
    for indicator in result.indicators:
        now = (indicator.nilai, indicator.pembilang, indicator.penyebut)
        before = recorded.pop(indicator.id, None)
        if before is None:
            yield f"indikator {indicator.id} tidak ada dalam catatan run"
        elif tuple(before) != now:
            yield (f"indikator {indicator.id} berbeda: nilai {before[0]} → {now[0]}, pembilang {before[1]} → {now[1]}, "
                   f"penyebut {before[2]} → {now[2]}")
    yield from (f"indikator {indicator_id} ada dalam catatan run, tidak dihitung lagi" for indicator_id in recorded)


def input_differences(info: RunInfo, data: Path) -> list[str]:
    """How the input files in ``data`` differ from those the run read (empty: the same)."""
    return list(_file_differences(dict(info.inputs), _current_files(data)))


def verify(out: Path, data: Path | None = None, rules: Path | None = None) -> Verification:
    """Compares the record in ``out`` with a new run of its inputs (or of ``data``/``rules`` if given)."""
    db = open_store(out)
    try:
        info = run_info(db)
        data, rules = data or Path(info.data), rules or Path(info.rules)
        check = Verification(info)
        check.differences += input_differences(info, data)
        version = rules_version(rules)
        if version != info.rules_version:
            check.differences.append(f"aturan berubah: versi {info.rules_version} dalam catatan run, {version} sekarang "
                                     f"({rules})")
        result = run(data=data, profile_id=info.profile, year=info.year, rules=rules)
        check.differences += _tag_differences(db, result)
        check.differences += _indicator_differences(db, result)
        return check
    finally:
        db.close()
