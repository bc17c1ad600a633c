"""Facts: what durable_rules is given for a record, kept as a compact row until it is needed."""

import pickle
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from engine.facts import (
    EntityFacts,
    SpooledRows,
    build_entities,
    fact_dict,
    fact_layout,
    pickled_fact_rows,
    to_fact_row,
)
from engine.ingest.dataset import load_dataset
from engine.ingest.tables import TABLES, Koperasi, Rat
from engine.spool import BlockSpool
from tests.support import koperasi, nik, write_tables

NIK = "3578000000000001"


def test_a_koperasi_fact_has_day_numbers_derived_years_and_no_empty_values():
    record = Koperasi(row=7, nik=NIK, nama="Koperasi Maju", kode_wilayah="35.78",
                      tanggal_badan_hukum="2010-02-03")
    assert fact_dict(to_fact_row(record)) == {
        "t": "koperasi", "id": "koperasi:7", "row": 7, "nik": NIK, "nama": "Koperasi Maju",
        "kode_wilayah": "35.78", "tanggal_badan_hukum": 20100203, "tahun_badan_hukum": 2010,
    }


def test_the_fact_keeps_the_order_of_the_columns_that_explanations_show():
    record = Rat(row=3, nik=NIK, tanggal_rat="2024-03-15", tahun_buku=2023)
    assert list(fact_dict(to_fact_row(record))) == ["t", "id", "row", "nik", "tanggal_rat", "tahun_buku", "tahun_rat"]


def test_every_table_row_has_one_value_per_name_of_its_layout():
    for model in TABLES:
        columns = [*model.columns()]
        assert fact_layout(model.table)[:len(columns)] == tuple(columns)


def test_entity_facts_are_new_dicts_at_each_read():
    entity = EntityFacts("koperasi", NIK, None, [to_fact_row(Rat(row=3, nik=NIK, tanggal_rat="2024-03-15"))])
    first = entity.facts
    first[0]["t"] = "changed"
    assert entity.facts[0]["t"] == "rat"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.none() | st.integers(1990, 2100),
       st.integers(2, 10**6))
def test_a_rat_fact_says_its_day_and_year(day, tahun_buku, row):
    fact = fact_dict(to_fact_row(Rat(row=row, nik=NIK, tanggal_rat=day, tahun_buku=tahun_buku)))
    assert fact["tanggal_rat"] == day.year * 10000 + day.month * 100 + day.day
    assert fact["tahun_rat"] == day.year
    assert fact["id"] == f"rat:{row}" and fact["row"] == row
    assert ("tahun_buku" in fact) == (tahun_buku is not None)


def _koperasi_tables(count: int) -> dict:
    return {"koperasi": [koperasi(nik(number)) for number in range(count)],
            "rat": [{"nik": nik(number), "tanggal_rat": f"{year}-03-15"} for number in range(count)
                    for year in (2023, 2024) if number % 3],
            "kinerja_koperasi": [{"nik": nik(number), "tahun": 2024, "volume_usaha": "1.000"} for number in range(count)]}


def test_spooled_facts_read_back_as_they_were_built(tmp_path):
    dataset = load_dataset(write_tables(tmp_path, _koperasi_tables(7)))
    kept = build_entities(dataset, "koperasi")
    spooled = build_entities(dataset, "koperasi", BlockSpool(tmp_path), block=3)
    assert [type(entity.fact_rows) for entity in spooled] == [SpooledRows] * 7
    assert [entity.fact_rows.block for entity in spooled] == [0, 0, 0, 1, 1, 1, 2]
    assert [list(entity.fact_rows) for entity in spooled] == [entity.fact_rows for entity in kept]
    assert [entity.facts for entity in spooled] == [entity.facts for entity in kept]
    assert [entity.entity_id for entity in spooled] == [entity.entity_id for entity in kept]


def test_a_worker_gets_a_spooled_block_as_written_and_other_chunks_pickled_whole(tmp_path):
    dataset = load_dataset(write_tables(tmp_path, _koperasi_tables(7)))
    kept = build_entities(dataset, "koperasi")
    spool = BlockSpool(tmp_path)
    spooled = build_entities(dataset, "koperasi", spool, block=3)
    assert pickled_fact_rows(spooled[3:6]) == spool.raw(1)
    for chunk in (spooled[1:4], spooled[0:2], kept[0:3]):
        assert pickle.loads(pickled_fact_rows(chunk)) == [list(entity.fact_rows) for entity in chunk]
