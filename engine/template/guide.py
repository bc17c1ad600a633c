"""The "Petunjuk" sheet: how to fill the workbook, in Bahasa Indonesia, as rows of text and tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.template.choices import Choices, Scope
from engine.template.columns import TemplateTable

# title, note, heading and text rows span the sheet's width; head, table and row cells are a table's.
Style = Literal["title", "note", "heading", "text", "head", "table", "row"]


@dataclass(frozen=True)
class GuideRow:
    style: Style
    cells: tuple[str, ...]


def _text(*lines: str) -> list[GuideRow]:
    return [GuideRow("text", (line,)) for line in lines]


def _lists_line(choices: dict[tuple[str, str], Choices]) -> str:
    def named(closed: bool) -> str:
        return ", ".join(dict.fromkeys(column if column in ("kode_wilayah", "kab_kota") else f"{table}.{column}"
                                       for (table, column), item in choices.items() if item.closed is closed))

    return (f"7. Kolom dengan panah di sel punya daftar pilihan. {named(True)} hanya menerima nilai di daftar; "
            f"{named(False)} boleh diisi nilai lain setelah peringatan.")


def _how_to_fill(example_file: str, profiles: str, choices: dict[tuple[str, str], Choices]) -> list[GuideRow]:
    return [GuideRow("heading", ("Cara mengisi",)), *_text(
        "1. Setiap sheet selain Petunjuk adalah satu tabel data. Nama sheet dan judul kolom di baris 1 jangan "
        "diubah; isi data mulai baris 2, satu baris per hal yang disebut di tabel di bawah.",
        "2. Hanya sheet koperasi yang wajib. Sheet yang tidak ada datanya boleh dibiarkan hanya berisi judul; "
        "indikator yang memerlukannya dilaporkan tidak dapat dihitung, bukan 0.",
        "3. Judul kolom berwarna jingga wajib diisi di setiap baris; judul abu-abu boleh kosong. Format dan "
        "contoh setiap kolom tampil sebagai komentar di judulnya dan sebagai pesan saat sel dipilih.",
        "4. NIK (16 digit), NIB (13 digit), id_kukm dan id_peserta sudah berformat Teks supaya nol di depan "
        "tidak hilang dan angka tidak menjadi notasi ilmiah (3,57801E+15). Saat menempel dari berkas lain, "
        "pakai Tempel Nilai (Paste Values). Id dalam notasi ilmiah ditolak karena digit aslinya sudah hilang.",
        "5. Tanggal diisi sebagai tanggal Excel (tampil hari/bulan/tahun, misalnya 12/03/2024); teks seperti "
        "12 Maret 2024 juga dibaca. Periksa bahwa hari dan bulan tidak tertukar.",
        "6. Rupiah boleh ditulis 1500000, 1.500.000 atau Rp 1.500.000; skor 0 sampai 100, desimal dengan "
        "koma atau titik (75,5); tahun empat digit.",
        _lists_line(choices),
        "8. Baris rat, kinerja, fasilitasi, pembiayaan, legalitas dan standardisasi harus menyebut NIK atau NIB "
        "yang ada di sheet koperasi atau ukm; bila tidak, baris itu ditolak.",
        "9. Jangan memakai rumus, sel gabungan (merge) atau baris judul tambahan di sheet data.",
        "10. Excel tidak memeriksa nilai yang ditempel, dan iku memeriksa semuanya lagi saat membaca: setiap "
        "baris dipakai atau ditolak ke rejects.csv dengan tabel, baris, kolom, nilai dan alasannya; tidak ada "
        "baris yang dibuang diam-diam.",
        f"11. Periksa sebelum dikirim: iku check-data --data {example_file} --out periksa "
        "(jumlah baris per tabel dan rejects.csv; kode keluar 0 bila tidak ada yang ditolak). Sesudah "
        f"diperbaiki: iku run --data {example_file} --profile {profiles} --year N --out DIR",
    )]


def _columns(tables: tuple[TemplateTable, ...]) -> list[GuideRow]:
    rows = [GuideRow("heading", ("Tabel dan kolom",)),
            GuideRow("head", ("tabel", "kolom", "wajib", "format", "contoh", "keterangan"))]
    for table in tables:
        rows.append(GuideRow("table", (table.name, f"satu baris = {table.row}")))
        rows += [GuideRow("row", ("", column.name, column.obligation, column.format, column.example,
                                  column.description)) for column in table.columns]
    return rows


def _regions(scope: Scope) -> list[GuideRow]:
    return [GuideRow("heading", (f"Kode wilayah kabupaten/kota ({scope.title})",)),
            GuideRow("head", ("kode_wilayah", "kabupaten/kota")),
            *(GuideRow("row", (code, name)) for code, name in scope.regions)]


def _other_lists(choices: dict[tuple[str, str], Choices]) -> list[GuideRow]:
    rows = [GuideRow("heading", ("Daftar pilihan lain",)), GuideRow("head", ("kolom", "pilihan", "nilai lain"))]
    shown: set[str] = set()
    for (table, column), item in choices.items():
        if item.name in ("kode_wilayah", "kab_kota") or item.name in shown:
            continue
        shown.add(item.name)
        rows.append(GuideRow("row", (f"{table}.{column}", ", ".join(item.values),
                                     "ditolak" if item.closed else "boleh, setelah peringatan")))
    return rows


def guide_rows(scope: Scope, tables: tuple[TemplateTable, ...], choices: dict[tuple[str, str], Choices],
               profile_ids: list[str], rules_version: str, example_file: str) -> list[GuideRow]:
    profiles = scope.profile.id if scope.profile else "{" + ",".join(profile_ids) + "}"
    return [
        GuideRow("title", (f"Templat data IKU Dinas Koperasi dan UKM — {scope.title}",)),
        GuideRow("note", (f"Dibuat oleh iku; daftar pilihan dari folder aturan versi {rules_version}.",)),
        *_how_to_fill(example_file, profiles, choices),
        *_columns(tables),
        *_regions(scope),
        *_other_lists(choices),
    ]
