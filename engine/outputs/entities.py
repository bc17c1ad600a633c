"""Who an entity is, for reports: its name and its kabupaten/kota.

Training participants are shown by id only: their names are personal data and an auditor can
trace a participant through the id and the source row.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.facts import record_value
from engine.outputs.regions import NO_REGION, Region, RegionNames, most_written
from engine.pipeline import RunResult

EntityKey = tuple[str, str]
__all__ = ["NO_REGION", "EntityInfo", "EntityKey", "entity_directory"]


@dataclass(frozen=True, slots=True)  # one per entity: a million in a national run
class EntityInfo:
    entity_type: str
    entity_id: str
    nama: str
    wilayah: str
    row: int
    region: Region


def entity_directory(result: RunResult) -> dict[EntityKey, EntityInfo]:
    # each entity's kode wilayah and kab_kota read once (two lists of texts, not a tuple per entity: a
    # quarter of a million tuples held at once would wake the garbage collector's full passes)
    codes: list[str | None] = []
    written: list[str | None] = []
    for group in result.entities.values():
        for entity in group:
            codes.append(entity.kode_wilayah)
            written.append(record_value(entity.record, "kab_kota"))
    # official names from the rules folder's regions.yaml, else the data's own spelling
    names = RegionNames(result.book.regions, most_written(zip(codes, written)))
    # one Region and one label per kabupaten/kota, shared by its entities: made per entity, they
    # were ≈ 140 of the ≈ 330 bytes each entity held here (a national run has a million)
    regions: dict[str | None, tuple[Region, str]] = {}
    directory: dict[EntityKey, EntityInfo] = {}
    coded = iter(codes)
    for entity_type, group in result.entities.items():
        for entity, code in zip(group, coded):
            shared = regions.get(code)
            if shared is None:
                region = names.region(code)
                shared = regions[code] = (region, region.label)
            entity_id = entity.entity_id
            directory[(entity_type, entity_id)] = EntityInfo(entity_type, entity_id, entity.nama, shared[1],
                                                             entity.record.row, shared[0])
    return directory

