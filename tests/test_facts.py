"""Facts: what durable_rules is given for a record, kept as a compact row until it is needed."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from engine.facts import EntityFacts, fact_dict, fact_layout, to_fact_row
from engine.ingest.tables import TABLES, Koperasi, Rat

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
