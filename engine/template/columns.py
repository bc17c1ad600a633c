"""The columns of the input workbook: the data contract's tables, each column with its hint.

Which tables and columns exist, and which are required, comes from ``engine.ingest.tables`` (the
reader's own models); what a column means is the data contract's wording, kept here in Bahasa
Indonesia for the person filling the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.ingest.tables import TABLES
from engine.template.choices import Choices
from engine.template.kinds import ValueKind, kind_of

# What one row of each table is (data contract, "one row is").
TABLE_ROWS: dict[str, str] = {
    "koperasi": "satu koperasi terdaftar",
    "ukm": "satu usaha kecil/menengah terdaftar",
    "rat": "satu Rapat Anggota Tahunan (RAT) yang diselenggarakan",
    "kinerja_koperasi": "angka satu koperasi untuk satu tahun",
    "kinerja_ukm": "angka satu UKM untuk satu tahun",
    "fasilitasi": "satu fasilitasi (pembinaan) kepada satu KUKM",
    "pembiayaan": "satu pengajuan pembiayaan",
    "legalitas": "satu legalitas usaha yang diperoleh",
    "standardisasi": "satu sertifikat yang diperoleh",
    "diklat": "satu peserta dalam satu diklat",
    "statistik": "satu angka agregat yang dinyatakan",
}

DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("koperasi", "nik"): "Nomor Induk Koperasi",
    ("koperasi", "nama"): "nama koperasi",
    ("koperasi", "kode_wilayah"): "kode kabupaten/kota Kemendagri tempat koperasi berkedudukan",
    ("koperasi", "kab_kota"): "nama kabupaten/kota (hanya keterangan; yang menentukan adalah kode_wilayah)",
    ("koperasi", "jenis"): "jenis koperasi",
    ("koperasi", "tanggal_badan_hukum"): "tanggal pengesahan badan hukum",
    ("koperasi", "tanggal_bubar"): "tanggal pembubaran; kosongkan bila koperasi belum bubar",
    ("ukm", "nib"): "Nomor Induk Berusaha",
    ("ukm", "nama"): "nama usaha",
    ("ukm", "kode_wilayah"): "kode kabupaten/kota Kemendagri tempat usaha",
    ("ukm", "kab_kota"): "nama kabupaten/kota (hanya keterangan; yang menentukan adalah kode_wilayah)",
    ("rat", "nik"): "NIK koperasi yang menyelenggarakan RAT (harus ada di sheet koperasi)",
    ("rat", "tanggal_rat"): "tanggal RAT diselenggarakan",
    ("rat", "tahun_buku"): "tahun buku yang dipertanggungjawabkan dalam RAT",
    ("kinerja_koperasi", "nik"): "NIK koperasi (harus ada di sheet koperasi)",
    ("kinerja_koperasi", "tahun"): "tahun angka kinerja",
    ("kinerja_koperasi", "volume_usaha"): "volume usaha setahun, dalam Rupiah",
    ("kinerja_koperasi", "melayani_anggota"): "kegiatan usaha melayani anggota",
    ("kinerja_koperasi", "skor_kesehatan"): "skor penilaian kesehatan koperasi; kosongkan bila tidak dinilai",
    ("kinerja_ukm", "nib"): "NIB UKM (harus ada di sheet ukm)",
    ("kinerja_ukm", "tahun"): "tahun angka kinerja",
    ("kinerja_ukm", "omset"): "omset setahun, dalam Rupiah",
    ("kinerja_ukm", "aset"): "aset, dalam Rupiah",
    ("kinerja_ukm", "tenaga_kerja"): "jumlah tenaga kerja (orang)",
    ("fasilitasi", "id_kukm"): "NIK koperasi atau NIB UKM yang difasilitasi (harus terdaftar)",
    ("fasilitasi", "tahun"): "tahun fasilitasi",
    ("fasilitasi", "bidang"): "bidang fasilitasi",
    ("pembiayaan", "id_kukm"): "NIK koperasi atau NIB UKM yang mengajukan (harus terdaftar)",
    ("pembiayaan", "tanggal_pengajuan"): "tanggal pengajuan pembiayaan",
    ("pembiayaan", "lembaga"): "lembaga pembiayaan yang dituju",
    ("pembiayaan", "nilai"): "nilai pengajuan, dalam Rupiah",
    ("legalitas", "id_kukm"): "NIK koperasi atau NIB UKM yang memperoleh legalitas (harus terdaftar)",
    ("legalitas", "tanggal"): "tanggal legalitas diperoleh",
    ("legalitas", "jenis"): "jenis legalitas: koperasi baru, tambah unit usaha, atau UKM menjadi koperasi",
    ("standardisasi", "id_kukm"): "NIK koperasi atau NIB UKM pemegang sertifikat (harus terdaftar)",
    ("standardisasi", "standar"): "standar sertifikat; standar lain dibaca tetapi tidak dihitung",
    ("standardisasi", "lembaga"): "lembaga penerbit sertifikat (Halal: BPJPH, atau MUI sebelum 17-10-2019)",
    ("standardisasi", "nomor_sertifikat"): "nomor sertifikat",
    ("standardisasi", "tanggal_terbit"): "tanggal terbit sertifikat",
    ("diklat", "id_peserta"): "id peserta diklat (nama peserta tidak pernah ditampilkan di laporan)",
    ("diklat", "nama"): "nama peserta",
    ("diklat", "tahun"): "tahun diklat",
    ("diklat", "program"): "nama program diklat",
    ("diklat", "skor"): "skor akhir peserta",
    ("statistik", "nama"): "nama angka agregat, misalnya jumlah_kukm",
    ("statistik", "tahun"): "tahun angka",
    ("statistik", "nilai"): "nilainya",
    ("statistik", "sumber"): "sumber angka",
}

# Examples of free-text columns (the kinds give the others).
EXAMPLES: dict[tuple[str, str], str] = {
    ("koperasi", "nama"): "Koperasi Wanita Mitra Usaha",
    ("ukm", "nama"): "UD Sumber Rejeki",
    ("pembiayaan", "lembaga"): "Bank Pembangunan Daerah",
    ("pembiayaan", "nilai"): "25000000",
    ("legalitas", "id_kukm"): "9120001234567",
    ("standardisasi", "lembaga"): "BPJPH",
    ("standardisasi", "nomor_sertifikat"): "ID35110000123450124",
    ("diklat", "nama"): "Siti Aminah",
    ("diklat", "program"): "Pelatihan Manajemen Koperasi",
    ("statistik", "nilai"): "125000",
    ("statistik", "sumber"): "Laporan Dinas Koperasi dan UKM 2024",
}


@dataclass(frozen=True)
class TemplateColumn:
    table: str
    name: str
    required: bool
    description: str
    kind: ValueKind
    choices: Choices | None

    @property
    def example(self) -> str:
        own = EXAMPLES.get((self.table, self.name))
        return own or (self.choices.values[0] if self.choices else self.kind.example)

    @property
    def format(self) -> str:
        return f"{self.kind.format}; {self.choices.hint}" if self.choices else self.kind.format

    @property
    def obligation(self) -> str:
        return "wajib" if self.required else "boleh kosong"


@dataclass(frozen=True)
class TemplateTable:
    name: str
    row: str  # what one row is
    columns: tuple[TemplateColumn, ...]


def template_tables(choices: dict[tuple[str, str], Choices]) -> tuple[TemplateTable, ...]:
    """Every table of the contract, parents first (as ingest reads them), with its columns in order."""
    return tuple(
        TemplateTable(
            model.table,
            TABLE_ROWS[model.table],
            tuple(
                TemplateColumn(
                    model.table, column, column in model.required_columns(), DESCRIPTIONS[(model.table, column)],
                    kind_of(model, column), choices.get((model.table, column)),
                )
                for column in model.columns()
            ),
        )
        for model in TABLES
    )
