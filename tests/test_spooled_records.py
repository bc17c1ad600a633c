"""A table's records set aside in the spool read back equal, in order, as records of their table."""

from engine.ingest.compact import Compactor
from engine.ingest.spooled import SpooledRecords
from engine.ingest.tables import KinerjaKoperasi
from engine.spool import BlockSpool
from tests.support import nik


def test_records_set_aside_read_back_equal_and_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(SpooledRecords, "BLOCK", 3)
    compactor = Compactor()
    records = [compactor.compact(KinerjaKoperasi.model_validate(
        {"row": row, "nik": nik(row), "tahun": 2024, "volume_usaha": "1.000" if row % 2 else "",
         "skor_kesehatan": "80"})) for row in range(2, 10)]
    aside = SpooledRecords(KinerjaKoperasi, BlockSpool(tmp_path))
    for record in records:
        aside.append(record)
    assert len(aside) == 8 and list(aside) == records and list(aside) == records, "read as often as needed"
    again = list(aside)
    assert [type(record) for record in again] == [KinerjaKoperasi] * 8
    assert [record.model_fields_set for record in again] == [record.model_fields_set for record in records]
    assert again[0].volume_usaha is None and again[1].volume_usaha == 1000.0
    assert aside[3] == records[3] and aside[-2:] == records[-2:]


def test_fields_read_without_records_are_the_records_fields(tmp_path, monkeypatch):
    """The growth indicators read a few fields of millions of rows: the same values, in order, as the records'."""
    monkeypatch.setattr(SpooledRecords, "BLOCK", 3)
    compactor = Compactor()
    records = [compactor.compact(KinerjaKoperasi.model_validate(
        {"row": row, "nik": nik(row), "tahun": 2020 + row % 3, "volume_usaha": "1.000" if row % 2 else ""}))
        for row in range(2, 10)]
    aside = SpooledRecords(KinerjaKoperasi, BlockSpool(tmp_path))
    for record in records:
        aside.append(record)
    fields = ["tahun", "nik", "volume_usaha"]
    assert list(aside.values(fields)) == [tuple(getattr(record, name) for name in fields) for record in records]
    assert list(aside.values(["nik"])) == [(record.nik,) for record in records]


def test_rows_read_column_wise_wait_as_columns_and_read_back_as_the_rows_read_one_by_one(tmp_path, monkeypatch):
    """A table read column-wise is set aside as its parsed columns, a block at a time (no tuple per
    clean row); its records and fields read back are those of reading every row one by one."""
    from engine.fact_chunks import FactChunks
    from engine.ingest import spooled
    from engine.ingest.dataset import load_dataset
    from tests.support import koperasi, write_tables

    monkeypatch.setattr(SpooledRecords, "BLOCK", 3)
    written = []
    monkeypatch.setattr(spooled.SpooledList, "write", lambda self, original=spooled.SpooledList.write:
                        written.append([type(item).__name__ for item in self.held]) or original(self))
    tables = {"koperasi": [koperasi(nik(number)) for number in range(4)],
              "kinerja_koperasi": [{"nik": nik(number % 4), "tahun": 2020 + number % 3,
                                    "volume_usaha": "1.000" if number % 2 else ""} for number in range(8)]}
    read = {}
    for columnar in (True, False):
        chunks = FactChunks(BlockSpool(tmp_path), 2, kept={"kinerja_koperasi"})
        data = write_tables(tmp_path / f"data{columnar}", tables)
        read[columnar] = load_dataset(data, chunks, columnar=columnar).with_records(chunks.set_aside)
        if columnar:
            assert written and all(kinds == ["_Columns"] for kinds in written)
    aside, expected = read[True].table("kinerja_koperasi"), read[False].table("kinerja_koperasi")
    assert len(aside) == len(expected) == 8
    assert [(r.__dict__, r.model_fields_set) for r in aside] == [(r.__dict__, r.model_fields_set) for r in expected]
    fields = ["tahun", "nik", "volume_usaha"]
    assert list(aside.values(fields)) == list(expected.values(fields)) == \
        [tuple(getattr(record, name) for name in fields) for record in expected]
    assert list(aside.values(["nik"])) == [(record.nik,) for record in expected]


def test_fields_of_some_years_are_those_rows_of_all_fields_read(tmp_path, monkeypatch):
    """``first_in`` picks the rows whose first field is one of the values given: in polars from a block
    of columns, one by one from rows kept as values, and from records held in memory."""
    from engine.fact_chunks import FactChunks
    from engine.ingest.dataset import load_dataset
    from tests.support import koperasi, write_tables

    monkeypatch.setattr(SpooledRecords, "BLOCK", 3)
    tables = {"koperasi": [koperasi(nik(number)) for number in range(4)],
              "kinerja_koperasi": [{"nik": nik(number % 4), "tahun": 2020 + number % 3,
                                    "volume_usaha": "1.000" if number % 2 else ""} for number in range(9)]}
    fields, years = ["tahun", "nik", "volume_usaha"], (2021, 2022)
    for columnar in (True, False):
        chunks = FactChunks(BlockSpool(tmp_path), 2, kept={"kinerja_koperasi"})
        dataset = load_dataset(write_tables(tmp_path / f"data{columnar}", tables), chunks,
                               columnar=columnar).with_records(chunks.set_aside)
        in_memory = dataset.with_records({"kinerja_koperasi": list(dataset.table("kinerja_koperasi"))})
        every = list(dataset.values("kinerja_koperasi", fields))
        picked = [row for row in every if row[0] in years]
        assert 0 < len(picked) < len(every)
        assert list(dataset.values("kinerja_koperasi", fields, first_in=years)) == picked
        assert list(in_memory.values("kinerja_koperasi", fields, first_in=years)) == picked
