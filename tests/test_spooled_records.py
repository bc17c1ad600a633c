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
