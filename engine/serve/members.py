"""Indikator: the members of an indicator's numerator, denominator and excluded list, a page at a
time, searchable by id or name and filterable by kabupaten/kota."""

from __future__ import annotations

from engine.names import closest_names
from engine.runstore import browse
from engine.serve.errors import BadParameter
from engine.serve.model import Frozen
from engine.serve.runs import ServedRun
from engine.serve.summary import IndicatorSummary, summary_of

PAGE = 50
MAX_PAGE = 500
ROLE_NAMES = {"pembilang": "numerator", "penyebut": "denominator", "dikecualikan": "excluded"}
MAX_SEARCH = 100


class Member(Frozen):
    urutan: int
    jenis: str
    id: str
    nama: str
    kode_wilayah: str | None
    kab_kota: str | None
    nilai_sebelum: float | None
    nilai: float | None


class MemberPage(Frozen):
    run: str
    indikator: IndicatorSummary
    peran: str
    cari: str
    kab_kota: str | None
    setelah: int
    jumlah_dalam_daftar: int  # the whole list, before search and filter
    anggota: list[Member]
    berikutnya: int | None  # ``setelah`` of the next page, or None on the last page


def check_role(peran: str) -> str:
    if peran not in ROLE_NAMES:
        raise BadParameter(f"peran '{peran}' tidak dikenal; pilih salah satu: {', '.join(ROLE_NAMES)}")
    return ROLE_NAMES[peran]


def check_region(run: ServedRun, kab: str | None) -> str | None:
    if not kab:
        return None
    if kab not in run.regions:
        near = closest_names(kab, [*run.regions, *run.regions.values()])
        hint = f"; mungkin maksudnya: {', '.join(near)}" if near else ""
        raise BadParameter(f"kabupaten/kota '{kab}' tidak ada dalam run ini (tulis kode wilayah NN.NN){hint}")
    return kab


def check_search(cari: str) -> str:
    if len(cari) > MAX_SEARCH:
        raise BadParameter(f"teks pencarian terlalu panjang ({len(cari)} karakter; paling banyak {MAX_SEARCH})")
    return cari.strip()


def is_id(search: str) -> bool:
    """An id (NIK, NIB, P-2024-00001) is one word with digits; a name is searched otherwise."""
    return bool(search) and " " not in search and any(character.isdigit() for character in search)


def member_page(run: ServedRun, indicator_id: str, peran: str = "pembilang", cari: str = "",
                kab: str | None = None, setelah: int = -1, banyak: int = PAGE) -> MemberPage:
    indicator = summary_of(run, indicator_id)
    role, region, search = check_role(peran), check_region(run, kab), check_search(cari)
    if not 1 <= banyak <= MAX_PAGE:
        raise BadParameter(f"banyak per halaman harus 1 sampai {MAX_PAGE}, bukan {banyak}")
    db = run.source.db
    key = browse.indicator_key(db, indicator_id)
    assert key is not None  # summary_of has found it
    by_id = is_id(search)
    rows = browse.members(db, key, role, after=setelah, limit=banyak + 1, region=region,
                          id_prefix=search if by_id else "", name_part="" if by_id else search)
    shown = rows[:banyak]
    return MemberPage(
        run=run.id, indikator=indicator, peran=peran, cari=search, kab_kota=region, setelah=setelah,
        jumlah_dalam_daftar=browse.member_count(db, key, role),
        anggota=[Member(urutan=row.seq, jenis=row.entity_type, id=row.entity_id, nama=row.nama,
                        kode_wilayah=row.kode_wilayah, kab_kota=row.kab_kota, nilai_sebelum=row.nilai_sebelum,
                        nilai=row.nilai) for row in shown],
        berikutnya=shown[-1].seq if len(rows) > banyak else None)
ROLE_WORDS = {role: word for word, role in ROLE_NAMES.items()}
