"""Checks of accepted rows against the rules folder's lists: known regions, counted legality kinds.

A small validation step of its own, run on each row after its columns are read: a ``kode_wilayah``
that is no known kabupaten/kota code of any province (``regions.yaml``), and a ``legalitas`` row
whose ``jenis`` is not one the IKU document counts (parameter ``jenis_legalitas_dihitung``), are
rejected with a reason naming what is accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.ingest.tables import Record
from engine.ingest.values import parse_label


def province_of(kode_wilayah: str) -> str:
    """``35.78`` → ``35``: the first two digits of a Kemendagri code are the province."""
    return kode_wilayah.split(".", 1)[0]


@dataclass(frozen=True)
class DataPolicy:
    """``known_regions`` empty: no region list given, every well-formed code is accepted;
    ``unlisted_provinces``: provinces whose kabupaten/kota ``regions.yaml`` does not list, where a
    code of the Permendagri's form is accepted (such an entity is outside every profile's province,
    so only its province matters); ``legality_kinds`` None: the rules folder names no counted kinds
    (``iku rules check`` warns)."""

    known_regions: frozenset[str]
    legality_kinds: tuple[str, ...] | None  # as the parameter writes them, in its order
    legality_parameter: str = "jenis_legalitas_dihitung"
    unlisted_provinces: frozenset[str] = frozenset()
    _labels: frozenset[str] = frozenset()  # the kinds as rows are read (case-folded, "_" as " ")

    @classmethod
    def of(cls, regions: Iterable[str], legality_kinds: Iterable[str] | None,
           provinces: Iterable[str] = ()) -> DataPolicy:
        kinds = None if legality_kinds is None else tuple(legality_kinds)
        known = frozenset(regions)
        unlisted = frozenset(provinces) - {province_of(code) for code in known}
        return cls(known, kinds, unlisted_provinces=unlisted,
                   _labels=frozenset(parse_label(kind) for kind in kinds or ()))

    def knows_region(self, code: str) -> bool:
        if not self.known_regions or code in self.known_regions:
            return True
        province, _, number = code.partition(".")
        return province in self.unlisted_provinces and number.isascii() and number.isdigit() and (
            1 <= int(number) <= 69 or 71 <= int(number) <= 99)

    def allowed(self, table: str) -> dict[str, frozenset[str]]:
        """The columns of ``table`` whose value must be one of a list, with the list (the columnar checks)."""
        lists = {"kode_wilayah": self.known_regions} if self.known_regions else {}
        if table == "legalitas" and self.legality_kinds is not None:
            lists["jenis"] = self._labels
        return lists

    def problem(self, record: Record) -> tuple[str, str] | None:
        """The column and reason a row is rejected for, or None."""
        lists = self.allowed(record.table)  # kode_wilayah: the listed codes flag a row; knows_region decides
        code = getattr(record, "kode_wilayah", None)
        if code is not None and not self.knows_region(code):
            return "kode_wilayah", (f"kode_wilayah {code} bukan kode kabupaten/kota yang dikenal di provinsi mana pun "
                                    "(daftar di rules/regions.yaml)")
        if "jenis" in lists and record.jenis not in lists["jenis"]:
            accepted = ", ".join(self.legality_kinds)
            return "jenis", (f"jenis legalitas '{record.jenis}' tidak dihitung dokumen IKU; jenis yang diterima: "
                             f"{accepted} (parameter {self.legality_parameter})")
        return None
