"""Compacted records: equal to what pydantic validated, sharing what equal records can share."""

import tracemalloc

from engine.ingest.compact import Compactor
from engine.ingest.dataset import load_dataset
from engine.ingest.tables import Koperasi, Rat
from tests.support import koperasi, nik, write_tables


def rat(row: int, day: str = "2024-03-15", book_year: str = "2023") -> Rat:
    return Rat.model_validate({"row": row, "nik": nik(1), "tanggal_rat": day, "tahun_buku": book_year})


def test_a_compacted_record_equals_the_validated_one():
    original = rat(5)
    twin = Compactor().compact(original)
    assert twin == original and twin.model_dump() == original.model_dump() and type(twin) is Rat
    assert (twin.row, twin.nik, twin.tanggal_rat.isoformat(), twin.tahun_buku) == (5, nik(1), "2024-03-15", 2023)
    assert twin.model_copy(update={"row": 9}).row == 9 and twin.row == 5


def test_equal_values_of_a_column_are_one_object():
    compactor = Compactor()
    first, second = compactor.compact(rat(2)), compactor.compact(rat(3))
    assert first.tanggal_rat is second.tanggal_rat and first.tahun_buku is second.tahun_buku
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__


def test_a_reference_shares_the_id_of_the_row_it_names(tmp_path):
    tables = {"koperasi": [koperasi(nik(1)), koperasi(nik(2))],
              "rat": [{"nik": nik(2), "tanggal_rat": "2024-03-15"}, {"nik": nik(1), "tanggal_rat": "2023-03-15"}]}
    dataset = load_dataset(write_tables(tmp_path, tables))
    by_nik = {record.nik: record.nik for record in dataset.table("koperasi")}
    assert all(record.nik is by_nik[record.nik] for record in dataset.table("rat"))


def test_a_column_that_does_not_repeat_itself_stops_being_shared(monkeypatch):
    monkeypatch.setattr(Compactor, "LIMIT", 3)
    compactor = Compactor()
    days = [compactor.compact(rat(row, f"2024-03-{row:02d}")) for row in range(1, 8)]
    again = compactor.compact(rat(20, "2024-03-01"))
    assert again.tanggal_rat == days[0].tanggal_rat and again.tanggal_rat is not days[0].tanggal_rat
    assert compactor.compact(rat(21)).tahun_buku is days[0].tahun_buku, "other columns are still shared"


def test_compacted_records_take_less_memory_than_validated_ones():
    def traced(make) -> int:
        tracemalloc.start()
        kept = [make(row) for row in range(2_000)]
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert len(kept) == 2_000
        return size

    def validated(row: int) -> Koperasi:
        return Koperasi.model_validate({"row": row, "nik": nik(row), "nama": f"Koperasi {row}", "kode_wilayah": "35.78",
                                        "tanggal_badan_hukum": "2010-02-03"})

    compactor = Compactor()
    assert traced(lambda row: compactor.compact(validated(row))) < 0.8 * traced(validated)
