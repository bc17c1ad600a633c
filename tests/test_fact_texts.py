"""Facts as ready JSON texts (``engine.fact_texts``): made column-wise at ingest, byte for byte the
texts the evaluator makes of the fact rows one by one, and the same decisions either way."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import fact_chunks, parallel, pipeline
from engine.fact_chunks import FactChunks, pickled_fact_texts
from engine.fact_columns import fact_rows_of
from engine.durable_host import EngineError
from engine.fact_projection import Projection, fact_text, projections_of
from engine.fact_texts import OWNER, TEXT, NotFinite, fact_frame, fact_texts, owned_texts, relevant_expr
from engine.facts import ENTITY_TABLES, fact_layout
from engine.ingest import values
from engine.ingest.columnar import ROW, AcceptedRows
from engine.ingest.compact import Compactor
from engine.ingest.dataset import load_dataset
from engine.ingest.polars_setup import pl
from engine.ingest.tables import TABLE_BY_NAME
from engine.lean_evaluate import LeanEvaluator
from engine.pipeline import data_policy, entities_of, evaluate_entities, fact_projections, profile_of, tables_still_read
from engine.rules.compiler import YEAR_FIELDS, CompiledRuleset, compile_ruleset
from engine.rules.load import load_rulebook
from engine.rules.nodes import Test as YearTest
from engine.spool import BlockSpool
from tests.support import REPO, RULES, SAMPLES

FACT_TABLES = sorted({table for own, _, related in ENTITY_TABLES.values() if related for table in (own, *related)})
_DTYPES = {values.parse_date: pl.Date, values.parse_year: pl.Int64, values.parse_count: pl.Int64,
           values.parse_amount: pl.Float64, values.parse_score: pl.Float64, values.parse_bool: pl.Boolean}
# strings JSON must escape, and text that looks like the parts of a fact's JSON
_TRICKY = st.lists(st.sampled_from(['"', "\\", "\x00", "\x1f", "\x7f", "\n", "\t", "\u2028", "é", "日", "😀", ",", ":",
                                    "null", "id", "sid", "{", "}", '"id":"', ',"nama":null', ',"omset":null']),
                   max_size=8).map("".join)
_FLOATS = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-2**60, 2**60).map(float),
                    st.sampled_from([0.0, -0.0, 1e16, 1e-7, 2.5e-05, 123456789.0, 1.7976931348623157e308, 5e-324]))
_VALUES = {pl.Date: st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
           pl.Int64: st.one_of(st.integers(1990, 2035), st.integers(-2**63, 2**63 - 1)),
           pl.Float64: _FLOATS, pl.Boolean: st.booleans(), pl.String: st.one_of(st.text(), _TRICKY)}
_OPS = ["=", "<", "<=", ">", ">="]


def _dtype(model, column: str) -> pl.DataType:
    return _DTYPES.get(model.cell_parser(column).parse, pl.String)


@st.composite
def _tables(draw):
    """A table's accepted rows (some clean as parsed columns, some accepted row by row as records,
    a column perhaps absent from the header) and a projection of its facts (values read, a year filter)."""
    table = draw(st.sampled_from(FACT_TABLES))
    model = TABLE_BY_NAME[table]
    columns = model.columns()
    present = [column for column in columns if draw(st.booleans()) or draw(st.booleans())]
    count = draw(st.integers(0, 12))
    numbers = sorted(draw(st.sets(st.integers(2, 10**7), min_size=count, max_size=count)))
    rows = [{column: draw(st.none() | _VALUES[_dtype(model, column)]) for column in columns} for _ in numbers]
    checked = {number for number in numbers if draw(st.integers(0, 4)) == 0}
    clean = pl.DataFrame({ROW: [number for number in numbers if number not in checked],
                          **{column: [row[column] for number, row in zip(numbers, rows) if number not in checked]
                             for column in present}},
                         schema={ROW: pl.Int64, **{column: _dtype(model, column) for column in present}})
    records = [model.model_construct(row=number, **{column: row[column] if column in present else None
                                                    for column in columns})
               for number, row in zip(numbers, rows) if number in checked]
    accepted = AcceptedRows(model, clean, set(), records, Compactor())
    layout = fact_layout(table)
    read = set(draw(st.lists(st.sampled_from([*layout, "row"]), unique=True)))
    years = [name for name in layout if name in YEAR_FIELDS]
    tests = draw(st.none() | st.lists(st.lists(st.builds(YearTest, st.sampled_from(years), st.sampled_from(_OPS),
                                                          st.integers(1990, 2035)), min_size=1, max_size=3)
                                      .map(tuple), min_size=1, max_size=3)) if years else None
    compiled = CompiledRuleset("koperasi", 2024, [], {}, {}, year_tests={table: tests} if tests else {})
    return accepted, Projection(table, read, compiled.relevant_rows(table), compiled.year_tests.get(table))


@settings(max_examples=300)
@given(_tables())
def test_a_fact_made_column_wise_is_the_text_the_row_by_row_encoder_makes(case):
    rows, projection = case
    expected = [fact_text(projection, row) for row in fact_rows_of(rows)]
    assert fact_texts(rows, fact_frame(rows), projection) == expected
    for text in filter(None, expected):  # what the rows give is JSON the evaluator would assert
        assert json.loads(text)["sid"] == "w"


@settings(max_examples=200)
@given(_tables(), st.data())
def test_a_table_s_texts_with_their_owner_are_its_rows_that_have_a_text(case, data):
    """``owned_texts``: the rows with a text (``fact_texts`` not None), in row order, each with the id
    its owner column names, as a frame (no row's text made a Python string in between)."""
    rows, projection = case
    owner = data.draw(st.sampled_from([column for column in rows.model.columns() if _dtype(rows.model, column) == pl.String]))
    owned = owned_texts(rows, fact_frame(rows), projection, owner)
    assert owned.columns == [OWNER, TEXT]
    expected = [(who, text) for who, text in zip(rows.column(owner), fact_texts(rows, fact_frame(rows), projection))
                if text is not None]
    assert owned.rows() == expected


@settings(max_examples=200)
@given(st.lists(st.lists(st.builds(YearTest, st.sampled_from(["tahun_rat", "tahun_buku"]), st.sampled_from(_OPS),
                                   st.integers(2019, 2026)), min_size=1, max_size=3).map(tuple), min_size=1, max_size=4),
       st.lists(st.tuples(st.none() | st.integers(2018, 2027), st.none() | st.integers(2018, 2027)), max_size=30))
def test_the_polars_relevance_filter_is_the_compiled_one(tests, years):
    """``relevant_expr`` mirrors ``CompiledRuleset.relevant_rows`` (empty years fail every test)."""
    compiled = CompiledRuleset("koperasi", 2024, [], {}, {}, year_tests={"rat": tests})
    projection = Projection("rat", set(), compiled.relevant_rows("rat"), compiled.year_tests["rat"])
    layout = fact_layout("rat")
    frame = pl.DataFrame({"tahun_rat": [year for year, _ in years], "tahun_buku": [other for _, other in years]},
                         schema={"tahun_rat": pl.Int64, "tahun_buku": pl.Int64})
    rows = [("rat", 2, *(dict(tahun_rat=year, tahun_buku=other).get(name) for name in layout)) for year, other in years]
    assert frame.select(relevant_expr(projection)).to_series().to_list() == [projection.relevant(row) for row in rows]


def test_a_value_json_cannot_write_makes_no_text():
    """NaN and infinities: the ingest refuses them, but if one came, no text is made (the rows are
    sent and the worker refuses the fact, as it always did)."""
    model = TABLE_BY_NAME["kinerja_ukm"]
    projection = Projection("kinerja_ukm", {"omset"}, None)
    for bad in (float("nan"), float("inf")):
        clean = pl.DataFrame({ROW: [2], "omset": [bad]}, schema={ROW: pl.Int64, "omset": pl.Float64})
        rows = AcceptedRows(model, clean, set(), [], Compactor())
        with pytest.raises(NotFinite):
            fact_texts(rows, fact_frame(rows), projection)
        checked = AcceptedRows(model, clean.clear(), set(), [model.model_construct(row=3, nib="1200000000000", tahun=2024, omset=bad,
                                                                                       aset=None, tenaga_kerja=None)], Compactor())
        with pytest.raises(NotFinite):
            fact_texts(checked, fact_frame(checked), projection)


def _sample(name: str, year: int = 2024, projections=True, columnar=True):
    book = load_rulebook(RULES)
    spool = BlockSpool(None)
    chunks = FactChunks(spool, parallel.CHUNK, kept=tables_still_read(profile_of(book, name)),
                        projections=fact_projections(book, [year]) if projections else None)
    dataset = load_dataset(SAMPLES / name, chunks, data_policy(book, [year]), columnar=columnar)
    return book, chunks, entities_of(dataset.with_records(chunks.set_aside), chunks)


@pytest.mark.parametrize("name", ["jatim", "jambi"])
def test_each_entity_s_texts_are_what_the_evaluator_makes_of_its_rows_and_decide_the_same(name):
    book, chunks, entities = _sample(name)
    for entity_type in ("koperasi", "ukm"):
        evaluator = LeanEvaluator(book, entity_type, 2024)
        for entity in entities[entity_type]:
            rows = entity.fact_rows
            year, texts = chunks.spool.read(rows.texts)
            text = texts[rows.index]
            assert year == 2024
            assert evaluator._texts(text) == evaluator._facts(list(rows))
            assert evaluator.outcome(entity.entity_id, text) == evaluator.outcome(entity.entity_id, list(rows))
    assert all(entity.fact_rows.texts is None for entity in entities["peserta_diklat"])


def test_texts_joined_a_band_of_chunks_at_a_time_are_each_entity_s_texts_in_the_order_of_its_rows(monkeypatch):
    """Small chunks and bands (and flushes): every entity's text is its fact rows' texts, joined in
    their order (own row, then each related table's in input order), none for a row no leaf can match."""
    monkeypatch.setattr(FactChunks, "FLUSH", 7)
    monkeypatch.setattr(FactChunks, "BAND", 2)
    monkeypatch.setattr(parallel, "CHUNK", 3)
    book = load_rulebook(RULES)
    chunks = FactChunks(BlockSpool(None), 3, kept=tables_still_read(profile_of(book, "jambi")),
                        projections=fact_projections(book, [2024]))
    projections = fact_projections(book, [2024]).by_type
    dataset = load_dataset(SAMPLES / "jambi", chunks, data_policy(book, [2024]))
    entities = entities_of(dataset.with_records(chunks.set_aside), chunks)
    for entity_type in ("koperasi", "ukm"):
        assert len(entities[entity_type]) > 3 * 2 * 2  # more than two bands
        for entity in entities[entity_type]:
            _, texts = chunks.spool.read(entity.fact_rows.texts)
            made = (fact_text(projections[entity_type][row[0]], row) if projections[entity_type].get(row[0]) else None
                    for row in entity.fact_rows)
            assert texts[entity.fact_rows.index] == ",".join(text for text in made if text is not None)


def test_workers_given_texts_decide_as_workers_given_rows(monkeypatch):
    book, _, rows_only = _sample("jatim", projections=False)
    book, chunks, entities = _sample("jatim")
    sent = []
    monkeypatch.setattr(parallel, "pickled_fact_texts",
                        lambda chunk: sent.append((chunk[0].entity_type, pickled_fact_texts(chunk))) or sent[-1][1])
    with_texts = evaluate_entities(book, entities, 2024, workers=2, spool=chunks.spool)
    assert {(entity_type, texts is not None) for entity_type, texts in sent} == \
        {("koperasi", True), ("ukm", True), ("peserta_diklat", False)}  # training participants by their rows
    assert pickle.loads(sent[0][1]) == chunks.spool.read(entities["koperasi"][0].fact_rows.texts)
    assert with_texts == evaluate_entities(book, rows_only, 2024, workers=2)


def test_a_worker_refuses_texts_made_for_another_year(monkeypatch):
    """Which facts and values a text holds depend on the year's rules: texts made for 2024 would
    decide 2023 wrongly, silently."""
    book, chunks, entities = _sample("jambi")
    chunk = entities["koperasi"][:parallel.CHUNK]
    texts = pickled_fact_texts(chunk)
    assert texts is not None
    monkeypatch.setattr(parallel, "_book", book)  # as in a worker
    monkeypatch.setattr(parallel, "_evaluators", {})
    ids = [entity.entity_id for entity in chunk]
    assert parallel._evaluate_chunk("koperasi", 2024, ids, texts, "lean", True) == \
        parallel._evaluate_chunk("koperasi", 2024, ids, fact_chunks.pickled_fact_rows(chunk), "lean")
    with pytest.raises(EngineError, match="tahun 2024"):
        parallel._evaluate_chunk("koperasi", 2023, ids, texts, "lean", True)


def test_rows_alone_for_a_series_one_worker_a_row_by_row_read_and_training_participants(monkeypatch):
    book = load_rulebook(RULES)
    assert fact_projections(book, [2023, 2024]) is None  # what a fact carries depends on the year's rules
    assert set(fact_projections(book, [2024]).by_type) == {"koperasi", "ukm"}
    made = []
    monkeypatch.setattr(pipeline, "FactChunks", lambda *args, **kwargs: made.append(kwargs) or FactChunks(*args, **kwargs))
    pipeline.run(SAMPLES / "jambi", "jambi", 2024, workers=1)
    pipeline.run(SAMPLES / "jambi", "jambi", 2024, workers=2)
    assert made[0]["projections"] is None and made[1]["projections"] is not None
    _, chunks, entities = _sample("jambi", columnar=False)
    assert chunks.projections == {} and all(entity.fact_rows.texts is None for group in entities.values()
                                            for entity in group)


def test_a_run_s_texts_are_given_up_for_a_value_json_cannot_write(monkeypatch):
    def refused(*args):
        raise NotFinite("kinerja_koperasi")

    monkeypatch.setattr(fact_chunks, "owned_texts", refused)
    book, chunks, entities = _sample("jambi")
    assert chunks.projections is None
    assert all(entity.fact_rows.texts is None for group in entities.values() for entity in group)


def test_the_projection_is_the_evaluator_s():
    book = load_rulebook(RULES)
    for entity_type in ("koperasi", "ukm"):
        evaluator = LeanEvaluator(book, entity_type, 2024)
        for table, projection in projections_of(compile_ruleset(book, entity_type, 2024)).items():
            mine = evaluator._projection(table)
            assert (mine is None) == (projection is None)
            if projection is not None:
                assert (mine.names, mine.row, mine.prefix, mine.year_tests) == \
                    (projection.names, projection.row, projection.prefix, projection.year_tests)


def test_the_facts_layer_does_not_import_durable_rules_nor_the_evaluator():
    """What reads the data makes the texts from the projection alone (``fact_projection``), not from
    the evaluator, which would bring durable_rules into the ingest."""
    probe = ("import sys, engine.fact_chunks, engine.fact_texts, engine.fact_columns\n"
             "print(sorted(m for m in sys.modules if 'durable' in m or m in ('engine.lean_evaluate', "
             "'engine.rules.compiler', 'engine.evaluate')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    done = subprocess.run([sys.executable, "-c", "import sys, engine.fact_projection; print('polars' in sys.modules)"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False"
