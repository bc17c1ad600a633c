"""Province scope (issue 17, item 2): a national data set gives each profile exactly the indicators
of its own province's rows.

The national set is both samples concatenated plus rows of a third province (Bali, 51). Training
participants (``diklat``) and declared figures (``statistik``) carry no kode_wilayah in the data
contract, so a national file cannot hold two provinces' of them apart: each profile's national set
carries its own province's ``diklat`` and ``statistik`` rows, as its own sample does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from engine.ingest.dataset import load_dataset
from engine.ingest.policy import DataPolicy
from engine.ingest.readers import open_data
from engine.ingest.tables import TABLES
from engine.pipeline import data_policy, run
from engine.rules.load import load_rulebook
from tests.support import RULES, SAMPLES

N = 2024
UNREGIONED = ("diklat", "statistik")  # no kode_wilayah: taken from the profile's own sample only

BALI: dict[str, list[dict[str, Any]]] = {
    "koperasi": [
        {"nik": "5171000000000001", "nama": "KSP Dharma Bali", "kode_wilayah": "51.71", "kab_kota": "Kota Denpasar",
         "jenis": "KSP", "tanggal_badan_hukum": "2005-03-12"},
        {"nik": "5103000000000002", "nama": "Koperasi Tani Badung", "kode_wilayah": "51.03",
         "kab_kota": "Kabupaten Badung", "jenis": "Produsen", "tanggal_badan_hukum": "2012-07-01"},
    ],
    "ukm": [{"nib": "5100000000001", "nama": "UD Kerajinan Gianyar", "kode_wilayah": "51.04"}],
    "rat": [{"nik": "5171000000000001", "tanggal_rat": f"{year}-03-20"} for year in (N - 2, N - 1, N)]
    + [{"nik": "5103000000000002", "tanggal_rat": f"{N}-04-02"}],
    "kinerja_koperasi": [
        {"nik": "5171000000000001", "tahun": year, "volume_usaha": volume, "melayani_anggota": "ya",
         "skor_kesehatan": "85"} for year, volume in ((N - 1, "900000000"), (N, "1200000000"))],
    "kinerja_ukm": [{"nib": "5100000000001", "tahun": year, "omset": omset, "aset": "50000000", "tenaga_kerja": "4"}
                    for year, omset in ((N - 1, "100000000"), (N, "180000000"))],
    "fasilitasi": [{"id_kukm": id_kukm, "tahun": N, "bidang": "pemasaran"}
                   for id_kukm in ("5171000000000001", "5100000000001")],
    "pembiayaan": [{"id_kukm": "5100000000001", "tanggal_pengajuan": f"{N}-05-05", "lembaga": "BPD Bali",
                    "nilai": "25000000"}],
    "legalitas": [{"id_kukm": "5103000000000002", "tanggal": f"{N}-06-01", "jenis": "tambah_unit_usaha"}],
    "standardisasi": [{"id_kukm": "5100000000001", "standar": "Halal", "lembaga": "BPJPH",
                       "nomor_sertifikat": "ID51-0001", "tanggal_terbit": f"{N}-08-17"}],
}
SAMPLE = {"jatim": SAMPLES / "jatim", "jambi": SAMPLES / "jambi"}


def _rows(path: Path) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Every table's header and raw rows, as the file holds them (a row with stray cells is left out)."""
    source = open_data(path)
    tables = {}
    for model in TABLES:
        if source.has(model.table):
            stream = source.open(model.table)
            tables[model.table] = ([name for name in stream.header if name],
                                   [raw for _, raw in stream.rows if "__extra__" not in raw])
    if hasattr(source, "close"):
        source.close()
    return tables


def national(profile: str, out: Path) -> Path:
    """One workbook: both samples' rows, then Bali's; diklat and statistik from ``profile``'s own sample."""
    samples = {name: _rows(path) for name, path in SAMPLE.items()}
    book = Workbook(write_only=True)
    for model in TABLES:
        parts = ([samples[profile]] if model.table in UNREGIONED else list(samples.values()))
        rows = [row for part in parts if model.table in part for row in part[model.table][1]]
        rows += [] if model.table in UNREGIONED else BALI.get(model.table, [])
        header = list(dict.fromkeys(column for part in parts if model.table in part for column in part[model.table][0]))
        header += [column for row in BALI.get(model.table, []) for column in row if column not in header]
        sheet = book.create_sheet(model.table)
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(column) for column in header])
    path = out / "nasional.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("profile", ["jatim", "jambi"])
def test_a_national_data_set_gives_each_profile_its_own_provinces_indicators(profile, tmp_path):
    own = run(data=SAMPLE[profile], profile_id=profile, year=N, rules=RULES)
    whole = run(data=national(profile, tmp_path), profile_id=profile, year=N, rules=RULES)
    assert [item.public() for item in whole.indicators] == [item.public() for item in own.indicators]
    other = load_dataset(SAMPLE["jambi" if profile == "jatim" else "jatim"], policy=data_policy(whole.book, N))
    # every entity of the other sample and of Bali is counted outside, none is rejected for it
    assert whole.outside_province == {"koperasi": len(other.table("koperasi")) + 2, "ukm": len(other.table("ukm")) + 1}
    assert not whole.in_scope("koperasi", "5171000000000001") and whole.in_scope("ukm", own.entities["ukm"][0].entity_id)
    # no row of the other provinces is rejected for being elsewhere
    assert not [r for r in whole.dataset.rejects if r.column == "kode_wilayah" and r.value.startswith("51")]


@pytest.mark.parametrize(("code", "known"), [
    ("35.78", True),    # listed (a profile's own province: every code is listed)
    ("35.50", False),   # not listed in a province whose list is there: a typo, rejected
    ("51.71", True),    # listed (Bali)
    ("32.73", True),    # Jawa Barat: its list is not in regions.yaml; a kota code of the Permendagri's form
    ("32.04", True),    # and a kabupaten code
    ("32.70", False),   # neither kabupaten (01-69) nor kota (71-99)
    ("32.00", False),
    ("99.01", False),   # no such province
])
def test_a_kode_wilayah_is_known_when_listed_or_of_the_form_in_a_province_without_a_list(code, known):
    book = load_rulebook(RULES)
    policy = DataPolicy.of(book.regions, None, book.provinces)
    assert policy.knows_region(code) is known


@pytest.mark.parametrize("columnar", [True, False])
def test_a_code_of_a_province_without_a_list_is_read_both_ways_and_a_typo_is_rejected(tmp_path, columnar):
    """The column-wise read flags a code outside the listed ones; the row check decides, as row by row."""
    from tests.support import koperasi, nik, write_tables

    data = write_tables(tmp_path / "data", {"koperasi": [
        koperasi(nik(1)), koperasi(nik(2), kode_wilayah="32.73"), koperasi(nik(3), kode_wilayah="35.50")]})
    book = load_rulebook(RULES)
    dataset = load_dataset(data, policy=data_policy(book, 2024), columnar=columnar)
    assert [(reject.row, reject.column) for reject in dataset.rejects] == [(4, "kode_wilayah")]
    assert sorted(record.nik for record in dataset.table("koperasi")) == [nik(1), nik(2)]
