"""A count too large to be compared exactly is a rejected cell, read either way, never a crash later."""

from __future__ import annotations

import pytest

from engine.ingest.dataset import load_dataset
from engine.ingest import values
from tests.support import koperasi, nib, nik, run_tables, write_tables

UKM = {"nib": nib(1), "nama": "Tenun Ikat", "kode_wilayah": "35.10", "kab_kota": "Kabupaten Banyuwangi"}


def kinerja(tenaga_kerja: str) -> dict[str, list[dict[str, object]]]:
    return {"koperasi": [koperasi(nik(1))], "ukm": [UKM], "kinerja_ukm": [{"nib": nib(1), "tahun": "2024", "omset": "1000000",
                                           "tenaga_kerja": tenaga_kerja}]}


@pytest.mark.parametrize("columnar", [True, False])
@pytest.mark.parametrize("cell", ["100000000000000000000", "9007199254740992", "9.223.372.036.854.775.808"])
def test_a_count_beyond_exact_numbers_is_rejected_naming_the_cell(tmp_path, columnar, cell):
    dataset = load_dataset(write_tables(tmp_path, kinerja(cell)), columnar=columnar)
    [reject] = dataset.rejects
    assert (reject.table, reject.row, reject.column) == ("kinerja_ukm", 2, "tenaga_kerja")
    assert "terlalu besar" in reject.reason


def test_the_largest_exact_count_is_read():
    assert values.parse_count(str(values.COUNT_LIMIT - 1)) == values.COUNT_LIMIT - 1


def test_a_run_with_such_a_count_ends_with_the_row_rejected(tmp_path):
    result = run_tables(tmp_path, kinerja("100000000000000000000"))
    assert [(r.table, r.column) for r in result.dataset.rejects] == [("kinerja_ukm", "tenaga_kerja")]
