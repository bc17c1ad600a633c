"""Who an entity is, for reports: its name and its kabupaten/kota.

Training participants are shown by id only: their names are personal data and an auditor can
trace a participant through the id and the source row.
"""

from __future__ import annotations

from itertools import chain, repeat
from operator import attrgetter
from typing import Any, NamedTuple

from engine.facts import PERSONAL_COLUMNS, EntityFacts, record_value
from engine.ingest.tables import Record
from engine.outputs.regions import NO_REGION, Region, RegionNames, most_written
from engine.pipeline import RunResult

EntityKey = tuple[str, str]
__all__ = ["NO_REGION", "EntityInfo", "EntityKey", "entity_directory"]


# one per entity: a million in a national run. A named tuple, made in C: a frozen dataclass sets each
# field through object.__setattr__, ≈ 4× the cost (0.25 CPU-s at national)
class EntityInfo(NamedTuple):
    entity_type: str
    entity_id: str
    nama: str
    wilayah: str
    row: int
    region: Region


def entity_directory(result: RunResult) -> dict[EntityKey, EntityInfo]:
    # each entity type's records, kode wilayah and names read column by column in C (``_fields``): read
    # entity by entity through ``record_value`` and ``EntityFacts.nama``, they cost ≈ 2 µs an entity
    groups = {entity_type: list(map(_RECORD, group)) for entity_type, group in result.entities.items()}
    codes = {entity_type: _fields(records, "kode_wilayah") for entity_type, records in groups.items()}
    written = chain.from_iterable(_fields(records, "kab_kota") for records in groups.values())
    # official names from the rules folder's regions.yaml, else the data's own spelling
    names = RegionNames(result.book.regions, most_written(zip(chain.from_iterable(codes.values()), written)))
    # one Region and one label per kabupaten/kota, shared by its entities: made per entity, they
    # were ≈ 140 of the ≈ 330 bytes each entity held here (a national run has a million)
    regions = {code: names.region(code) for code in set(chain.from_iterable(codes.values()))}
    labels = {code: region.label for code, region in regions.items()}
    directory: dict[EntityKey, EntityInfo] = {}
    for entity_type, records in groups.items():
        group = result.entities[entity_type]
        ids = list(map(_ENTITY_ID, group))
        infos = map(EntityInfo, repeat(entity_type), ids, _names(group, records), map(labels.__getitem__, codes[entity_type]),
                    map(_ROW, records), map(regions.__getitem__, codes[entity_type]))
        directory.update(zip(zip(repeat(entity_type), ids), infos))
    return directory


_RECORD, _ENTITY_ID, _ROW = attrgetter("record"), attrgetter("entity_id"), attrgetter("row")


def _fields(records: list[Record], name: str) -> list[Any]:
    """``record_value(record, name)`` of each record, read in C when the records are of one model (an
    entity type's are: one table's)."""
    models = set(map(type, records))
    fields = getattr(next(iter(models)), "model_fields", None) if len(models) == 1 else None
    if not isinstance(fields, dict):
        return [record_value(record, name) for record in records]
    return list(map(attrgetter(name), records)) if name in fields else [None] * len(records)


def _names(group: list[EntityFacts], records: list[Record]) -> list[str]:
    """``EntityFacts.nama`` of each entity (empty where the name is personal data), in C for one model."""
    models = set(map(type, records))
    if len(models) != 1:
        return [entity.nama for entity in group]
    if (getattr(models.pop(), "table", None), "nama") in PERSONAL_COLUMNS:
        return [""] * len(records)
    return [name or "" for name in _fields(records, "nama")]
