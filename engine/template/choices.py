"""The drop-down lists of the input workbook, and where each comes from.

Lists the rules decide (legality kinds, the statistics a profile reads, the kabupaten/kota of a
province) are read from the loaded rule book, so the workbook offers what a run accepts. Lists the
data contract gives only as examples (koperasi ``jenis``, fasilitasi ``bidang``, ``standar``) stay
open: another value is allowed after a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.indicators.model import Denominator, Profile
from engine.rules.rulebook import RuleBook

LEGALITY_KINDS = "jenis_legalitas_dihitung"
MARKETING_FIELDS = "bidang_pemasaran"
# The data contract's examples (its lists end in "…").
KOPERASI_KINDS = ("KSP", "Konsumen", "Produsen", "Pemasaran", "Jasa")
FACILITATION_FIELDS = ("usaha", "pemasaran", "pembiayaan", "standardisasi", "legalitas", "sdm")
STANDARDS = ("ISO 9001", "ISO 22000", "Halal", "SNI")
YES_NO = ("ya", "tidak")


class TemplateRulesError(Exception):
    """The rules folder lacks what the workbook's lists are made from."""


@dataclass(frozen=True)
class Choices:
    name: str  # the column heading on the list sheet
    values: tuple[str, ...]
    closed: bool  # True: only these values; False: another value is allowed after a warning

    @property
    def hint(self) -> str:
        if self.closed:
            return "pilih dari daftar"
        return "pilih dari daftar; nilai lain boleh setelah peringatan"


@dataclass(frozen=True)
class Scope:
    """The provinces a workbook is for: one profile's, or every province regions.yaml knows."""

    profile: Profile | None
    regions: tuple[tuple[str, str], ...]  # (kode_wilayah, kabupaten/kota), Kemendagri order

    @property
    def title(self) -> str:
        if self.profile is None:
            return "semua provinsi"
        return f"Provinsi {self.profile.province.name}"


def scope_of(book: RuleBook, profile: Profile | None) -> Scope:
    prefix = "" if profile is None else f"{profile.province.code}."
    regions = tuple(sorted((code, name) for code, name in book.regions.items() if code.startswith(prefix)))
    if not regions:
        where = "regions.yaml" if profile is None else f"provinsi {profile.province.code} di regions.yaml"
        raise TemplateRulesError(f"tidak ada kabupaten/kota untuk {where}")
    return Scope(profile, regions)


def labels_in_force(book: RuleBook, name: str) -> tuple[str, ...]:
    """A list parameter's labels in force today (its latest version if none is in force today)."""
    parameter = book.parameters.get(name)
    if parameter is None:
        raise TemplateRulesError(f"parameter '{name}' tidak ada di folder aturan {book.directory}")
    version = parameter.version_for(date.today()) or max(parameter.versions, key=lambda item: item.effective.start)
    value = version.value
    return tuple(str(label) for label in value) if isinstance(value, list) else (str(value),)


def _statistics(book: RuleBook, profile: Profile | None) -> tuple[str, ...]:
    profiles = [profile] if profile is not None else list(book.profiles.values())
    names = {
        indicator.formula.denominator.statistic
        for item in profiles for indicator in item.indicators
        if isinstance(getattr(indicator.formula, "denominator", None), Denominator)
        and indicator.formula.denominator.statistic
    }
    return tuple(sorted(names))


def _union(*lists: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for values in lists for value in values))


def choices_of(book: RuleBook, scope: Scope) -> dict[tuple[str, str], Choices]:
    """The list of each column that has one, by (table, column)."""
    codes = tuple(code for code, _ in scope.regions)
    names = tuple(name for _, name in scope.regions)
    wilayah = Choices("kode_wilayah", codes, closed=True)
    kab_kota = Choices("kab_kota", names, closed=False)
    yes_no = Choices("ya_tidak", YES_NO, closed=True)
    lists = {
        ("koperasi", "kode_wilayah"): wilayah,
        ("koperasi", "kab_kota"): kab_kota,
        ("koperasi", "jenis"): Choices("jenis_koperasi", KOPERASI_KINDS, closed=False),
        ("ukm", "kode_wilayah"): wilayah,
        ("ukm", "kab_kota"): kab_kota,
        ("kinerja_koperasi", "melayani_anggota"): yes_no,
        ("fasilitasi", "bidang"): Choices(
            "bidang", _union(FACILITATION_FIELDS, labels_in_force(book, MARKETING_FIELDS)), closed=False),
        ("legalitas", "jenis"): Choices("jenis_legalitas", labels_in_force(book, LEGALITY_KINDS), closed=True),
        ("standardisasi", "standar"): Choices("standar", STANDARDS, closed=False),
    }
    statistics = _statistics(book, scope.profile)
    if statistics:
        lists[("statistik", "nama")] = Choices("nama_statistik", statistics, closed=False)
    return lists
