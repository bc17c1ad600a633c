"""Province scope: a profile counts only its own province's entities.

Data may be a national export. An entity (koperasi, UKM) whose ``kode_wilayah`` lies in another
province is outside the scope of every indicator of the profile: it is not a rejected row and not
dropped either — it is counted per table as "di luar provinsi" in every output, and an explanation
of it says so. Training participants have no region and are always in scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.facts import ENTITY_TABLES
from engine.ingest.policy import province_of

if TYPE_CHECKING:  # a reader of a run's record uses the scope without the readers (polars, openpyxl)
    from engine.ingest.dataset import Dataset

REGIONAL_TYPES = ("koperasi", "ukm")  # the entity types whose table has kode_wilayah


@dataclass(frozen=True)
class ProvinceScope:
    province: str
    province_name: str
    outside: Mapping[str, frozenset[str]] = field(default_factory=dict)  # entity type → ids outside
    regions: Mapping[tuple[str, str], str] = field(default_factory=dict)  # outside entity → its kode_wilayah

    def in_scope(self, entity_type: str, entity_id: str) -> bool:
        return entity_id not in self.outside_of(entity_type)

    def outside_of(self, entity_type: str) -> frozenset[str]:
        """The ids of the type's entities outside the province (a set to test many ids against, in C)."""
        return self.outside.get(entity_type, frozenset())

    def counts(self) -> dict[str, int]:
        """Entities outside the province per table (every regional table listed, 0 included)."""
        return {ENTITY_TABLES[kind][0]: len(self.outside.get(kind, ())) for kind in REGIONAL_TYPES}

    def note(self, entity_type: str, entity_id: str) -> str | None:
        """What an explanation says about an entity outside the province; None for one inside."""
        if self.in_scope(entity_type, entity_id):
            return None
        code = self.regions.get((entity_type, entity_id), "")
        return (f"di luar provinsi {self.province_name} ({self.province}): kode_wilayah {code} termasuk provinsi "
                f"{province_of(code)}, sehingga entitas ini di luar cakupan setiap indikator profil ini "
                "(tidak ditolak, dihitung sebagai \"di luar provinsi\")")


def province_scope(dataset: Dataset, province: str, province_name: str) -> ProvinceScope:
    outside: dict[str, frozenset[str]] = {}
    regions: dict[tuple[str, str], str] = {}
    for kind in REGIONAL_TYPES:
        table, id_column, _ = ENTITY_TABLES[kind]
        ids = []
        for record in dataset.table(table):
            if province_of(record.kode_wilayah) != province:
                entity_id = getattr(record, id_column)
                ids.append(entity_id)
                regions[(kind, entity_id)] = record.kode_wilayah
        outside[kind] = frozenset(ids)
    return ProvinceScope(province, province_name, outside, regions)
