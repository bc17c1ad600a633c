"""Who an entity is, for reports: its name and its kabupaten/kota.

Training participants are shown by id only: their names are personal data and an auditor can
trace a participant through the id and the source row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from engine.pipeline import RunResult

EntityKey = tuple[str, str]
NO_REGION = "(tanpa wilayah)"


@dataclass(frozen=True)
class EntityInfo:
    entity_type: str
    entity_id: str
    nama: str
    wilayah: str
    row: int


def _region_names(result: RunResult) -> dict[str, str]:
    """A kode wilayah's display name: the kab_kota most often written with it, else the code."""
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for group in result.entities.values():
        for entity in group:
            code = getattr(entity.record, "kode_wilayah", None)
            name = getattr(entity.record, "kab_kota", None)
            if code and name:
                written[code][name] += 1
    return {code: f"{names.most_common(1)[0][0]} ({code})" for code, names in written.items()}


def entity_directory(result: RunResult) -> dict[EntityKey, EntityInfo]:
    names = _region_names(result)
    directory: dict[EntityKey, EntityInfo] = {}
    for entity_type, group in result.entities.items():
        for entity in group:
            code = getattr(entity.record, "kode_wilayah", None)
            nama = "" if entity_type == "peserta_diklat" else getattr(entity.record, "nama", "") or ""
            wilayah = names.get(code, code) if code else NO_REGION
            directory[(entity_type, entity.entity_id)] = EntityInfo(
                entity_type, entity.entity_id, nama, wilayah, entity.record.row
            )
    return directory
