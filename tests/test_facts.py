"""Facts: what durable_rules is given for a record, kept as a compact row until it is needed."""

import pickle
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from engine.fact_chunks import FactChunks, SpooledRows, chunked_entities, pickled_fact_rows
from engine.facts import EntityFacts, build_entities, fact_dict, fact_layout, to_fact_row
from engine.ingest import columnar, value_exprs
from engine.ingest.columnar import AcceptedRows
from engine.ingest.polars_setup import pl
from engine.ingest import dataset as dataset_module
from engine.ingest.dataset import Dataset, _Validator as Validator, load_dataset
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


def _tables(count: int) -> dict:
    """Koperasi and UKM with related rows in no particular order, some shared between the two kinds."""
    rows = {"koperasi": [koperasi(nik(number)) for number in range(count)],
            "ukm": [{"nib": f"{number:013d}", "nama": f"UKM {number}", "kode_wilayah": "35.78"} for number in range(count)],
            "rat": [{"nik": nik(number), "tanggal_rat": f"{year}-03-15"} for year in (2023, 2024)
                    for number in reversed(range(count)) if number % 3],
            "kinerja_koperasi": [{"nik": nik(number), "tahun": 2024, "volume_usaha": "1.000"} for number in range(count)],
            "fasilitasi": [{"id_kukm": identifier, "tahun": 2024, "bidang": "pemasaran"}
                           for number in range(count) for identifier in (nik(number), f"{number:013d}")]}
    return rows


def _chunked(tmp_path, count: int, chunk: int, monkeypatch) -> tuple[Dataset, FactChunks]:
    monkeypatch.setattr(FactChunks, "FLUSH", 4)  # rows go to the spool in many small blocks
    chunks = FactChunks(BlockSpool(tmp_path), chunk, kept={"kinerja_koperasi"})
    return load_dataset(write_tables(tmp_path / "data", _tables(count)), chunks).with_records(chunks.set_aside), chunks


def test_facts_gathered_per_chunk_are_those_built_in_memory(tmp_path, monkeypatch):
    full = load_dataset(write_tables(tmp_path / "full", _tables(7)))
    dataset, chunks = _chunked(tmp_path, 7, 3, monkeypatch)
    for entity_type in ("koperasi", "ukm", "peserta_diklat"):
        built = build_entities(full, entity_type)
        spooled = chunked_entities(dataset, entity_type, chunks)
        assert [entity.entity_id for entity in spooled] == [entity.entity_id for entity in built]
        assert [list(entity.fact_rows) for entity in spooled] == [entity.fact_rows for entity in built]
        assert [entity.facts for entity in spooled] == [entity.facts for entity in built]
        assert all(type(entity.fact_rows) is SpooledRows for entity in spooled)
    assert [entity.fact_rows.block for entity in chunked_entities(dataset, "koperasi", chunks)][:4] != [0, 0, 0, 0]


def test_a_koperasi_id_is_one_object_in_its_record_its_key_and_its_place_among_the_entities(tmp_path, monkeypatch):
    kept = {}
    monkeypatch.setattr(dataset_module, "_Validator", lambda *args: kept.setdefault("validator", Validator(*args)))
    dataset, chunks = _chunked(tmp_path, 7, 3, monkeypatch)
    positions = chunks._positions["koperasi"]
    keys = kept["validator"].keys["koperasi"]
    for record in dataset.table("koperasi"):
        assert next(key for key in positions if key == record.nik) is record.nik
        assert next(key for key, in keys if key == record.nik) is record.nik


def test_the_tables_that_only_give_facts_are_counted_but_not_kept(tmp_path, monkeypatch):
    dataset, _ = _chunked(tmp_path, 7, 3, monkeypatch)
    assert {"koperasi", "ukm", "kinerja_koperasi"} <= set(dataset.records)
    assert "rat" not in dataset.records and "fasilitasi" not in dataset.records
    full = load_dataset(write_tables(tmp_path / "full", _tables(7)))
    assert list(dataset.table("kinerja_koperasi")) == list(full.table("kinerja_koperasi")), "set aside in the spool"
    counts = {count.table: count for count in dataset.counts}
    assert counts["rat"].used == counts["rat"].read == len(_tables(7)["rat"]) and counts["fasilitasi"].used == 14


def test_a_worker_gets_a_spooled_block_as_written_and_other_chunks_pickled_whole(tmp_path, monkeypatch):
    dataset, chunks = _chunked(tmp_path, 7, 3, monkeypatch)
    spooled = chunked_entities(dataset, "koperasi", chunks)
    assert pickled_fact_rows(spooled[3:6]) == chunks.spool.raw(spooled[3].fact_rows.block)
    kept = build_entities(load_dataset(write_tables(tmp_path / "full", _tables(7))), "koperasi")
    for chunk in (spooled[1:4], spooled[0:2], kept[0:3]):
        assert pickle.loads(pickled_fact_rows(chunk)) == [list(entity.fact_rows) for entity in chunk]


def _hostile(count: int) -> dict:
    """Rows the column checks flag and the row-by-row check accepts (full-width digits, a no-break
    space), mixed with clean ones, and clean rows repeating the key of such a row."""
    tables = _tables(count)
    tables["rat"][1:1] = [{"nik": nik(1), "tanggal_rat": "１２/03/2024", "tahun_buku": "２０２３"},
                          {"nik": nik(2), "tanggal_rat": "2024-03-12", "tahun_buku": "2023"}]
    tables["kinerja_koperasi"][2:2] = [{"nik": nik(2), "tahun": "２０３０", "volume_usaha": "Rp\u00a01.000"},
                                       {"nik": nik(2), "tahun": "2030", "volume_usaha": "2.000"},
                                       {"nik": nik(3), "tahun": "2031", "volume_usaha": "1"},
                                       {"nik": nik(3), "tahun": "２０３１", "volume_usaha": "2"}]
    tables["fasilitasi"][3:3] = [{"id_kukm": nik(4), "tahun": "2024", "bidang": "usaha\u00a0mikro"}]
    return tables


def _read(tmp_path, tables: dict, columnar: bool) -> tuple[Dataset, dict]:
    data = write_tables(tmp_path / "data", tables)
    chunks = FactChunks(BlockSpool(tmp_path), 3, kept={"kinerja_koperasi"})
    dataset = load_dataset(data, chunks, columnar=columnar).with_records(chunks.set_aside)
    facts = {entity_type: [(entity.entity_id, [[(type(value), value) for value in row] for row in entity.fact_rows])
                           for entity in chunked_entities(dataset, entity_type, chunks)]
             for entity_type in ("koperasi", "ukm", "peserta_diklat")}
    return dataset, facts


def test_the_sink_takes_parsed_columns_and_gives_the_row_by_row_facts_and_rejects(tmp_path, monkeypatch):
    monkeypatch.setattr(FactChunks, "FLUSH", 5)  # a table's rows taken a part at a time
    columnar, facts = _read(tmp_path / "columnar", _hostile(7), columnar=True)
    row_by_row, expected = _read(tmp_path / "rows", _hostile(7), columnar=False)
    assert facts == expected
    assert columnar.rejects == row_by_row.rejects and len(columnar.rejects) == 2  # the two repeated keys
    assert columnar.counts == row_by_row.counts
    assert list(columnar.table("kinerja_koperasi")) == list(row_by_row.table("kinerja_koperasi"))
    assert [record.model_fields_set for record in columnar.table("kinerja_koperasi")] == \
        [record.model_fields_set for record in row_by_row.table("kinerja_koperasi")]


def test_a_table_checked_a_few_rows_at_a_time_gives_the_row_by_row_facts_and_rejects(tmp_path, monkeypatch):
    """Cells parsed and keys put in the checker's keys ``SLICE`` rows at a time: a parser never sees more
    rows at once, and flagged rows and repeated keys fall on either side of a slice's end."""
    monkeypatch.setattr(columnar, "SLICE", 2)
    lengths = []
    parsers = {parse: (lambda cells, parser=parser: lengths.append(len(cells)) or parser(cells))
               for parse, parser in value_exprs.PARSERS.items()}
    monkeypatch.setattr(value_exprs, "PARSERS", parsers)
    sliced, facts = _read(tmp_path / "sliced", _hostile(7), columnar=True)
    row_by_row, expected = _read(tmp_path / "rows", _hostile(7), columnar=False)
    assert max(lengths) == 2
    assert facts == expected and sliced.rejects == row_by_row.rejects and len(sliced.rejects) == 2
    assert sliced.counts == row_by_row.counts
    assert [(r.__dict__, r.model_fields_set) for r in sliced.table("kinerja_koperasi")] == \
        [(r.__dict__, r.model_fields_set) for r in row_by_row.table("kinerja_koperasi")]


def test_keys_sharing_a_hash_are_told_apart_by_the_row_by_row_check(tmp_path, monkeypatch):
    monkeypatch.setattr(columnar, "_hashed", lambda *columns: pl.struct(columns).hash() * 0)  # one hash for all
    colliding, facts = _read(tmp_path / "colliding", _hostile(7), columnar=True)
    row_by_row, expected = _read(tmp_path / "rows", _hostile(7), columnar=False)
    assert facts == expected and colliding.rejects == row_by_row.rejects and colliding.counts == row_by_row.counts


def test_no_record_is_made_for_a_clean_row_of_a_table_that_only_gives_facts(tmp_path, monkeypatch):
    made = []
    original = AcceptedRows.records
    monkeypatch.setattr(AcceptedRows, "records", lambda self: made.append(self.model.table) or original(self))
    _read(tmp_path, _hostile(7), columnar=True)
    assert set(made) == {"koperasi", "ukm"}


def test_every_date_a_record_holds_becomes_a_day_number_and_no_other_value_does():
    """``to_fact_row`` converts the columns parsed as dates (``_layout``), not each value it meets:
    every column a table types as a date is one of them, and the derived years are those dates' years."""
    for model in TABLES:
        dates = {column for column in model.columns() if "date" in str(model.model_fields[column].annotation)}
        day = date(2023, 4, 5)
        record = model.model_construct(row=9, **{column: day if column in dates else None for column in model.columns()})
        row = to_fact_row(record)
        by_name = dict(zip(fact_layout(model.table), row[2:]))
        assert {name for name, value in by_name.items() if value == 20230405} == dates, model.table
        assert all(value == 2023 for name, value in by_name.items() if name not in model.columns()), model.table
        assert row[:2] == (model.table, 9)


def test_related_rows_follow_the_own_row_table_by_table_in_input_order(tmp_path, monkeypatch):
    """``build_entities`` groups every related table's rows in one pass: an entity's rows are still its
    own row, then each related table's (in ``ENTITY_TABLES`` order) in input order, whatever the chunk."""
    dataset, chunks = _chunked(tmp_path, 7, 3, monkeypatch)
    tables = ["koperasi", "rat", "kinerja_koperasi", "fasilitasi", "pembiayaan", "legalitas", "standardisasi"]
    for entity in chunked_entities(dataset, "koperasi", chunks):
        rows = list(entity.fact_rows)
        assert rows[0] == to_fact_row(entity.record)
        order = [(tables.index(row[0]), row[1]) for row in rows]
        assert order == sorted(order) and len({row[0] for row in rows[1:]}) > 1


def test_entities_spread_over_bands_get_their_rows_in_order_whichever_way_a_row_was_taken(tmp_path, monkeypatch):
    """Clean rows kept as columns and rows accepted by the row-by-row check kept as rows, in bands of a
    few chunks: each entity's rows are those of reading every row one by one, in the same order."""
    monkeypatch.setattr(FactChunks, "FLUSH", 5)
    monkeypatch.setattr(FactChunks, "BAND", 2)  # bands of 2 chunks of 3 entities
    columnar, facts = _read(tmp_path / "columnar", _hostile(14), columnar=True)
    row_by_row, expected = _read(tmp_path / "rows", _hostile(14), columnar=False)
    assert facts == expected and columnar.rejects == row_by_row.rejects
    built = build_entities(load_dataset(write_tables(tmp_path / "full", _hostile(14))), "koperasi")
    assert [[tuple(value for _, value in row) for row in rows] for _, rows in facts["koperasi"]] == \
        [entity.fact_rows for entity in built]


def test_a_clean_related_row_becomes_a_python_row_only_when_its_band_is_made(tmp_path, monkeypatch):
    """While reading, the clean rows of the tables that only give facts stay columns (no tuple per row,
    none pickled and read back); the facts stage makes each band's rows once."""
    made = []
    original = AcceptedRows.tuples
    monkeypatch.setattr(AcceptedRows, "tuples", lambda self, *args, **kwargs: made.append(self.model.table)
                        or original(self, *args, **kwargs))
    chunks = FactChunks(BlockSpool(tmp_path), 3, kept=())
    dataset = load_dataset(write_tables(tmp_path / "data", _tables(7)), chunks)
    assert made == []
    bands = []
    band_rows = FactChunks._band_rows
    monkeypatch.setattr(FactChunks, "_band_rows", lambda self, *args: bands.append(args) or band_rows(self, *args))
    entities = chunked_entities(dataset, "koperasi", chunks)
    assert len(entities) == 7 and bands == [("koperasi", 0)]  # three chunks, one band: its rows made once
