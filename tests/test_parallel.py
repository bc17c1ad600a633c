"""The parallel path gives exactly the tags and indicators of the single-process path."""

import gc
import random

from engine.decisions import DecisionTable
from engine.fact_chunks import FactChunks, SpooledRows
from engine.ingest.dataset import load_dataset
from engine.parallel import CHUNK
from engine.pipeline import entities_of, evaluate_entities, indicators_of, profile_of
from engine.rules.load import load_rulebook
from engine.spool import BlockSpool
from tests.support import RULES, koperasi, nik, write_tables


def synthetic_tables(count: int) -> dict:
    rng = random.Random(7)
    tables = {"koperasi": [], "rat": [], "kinerja_koperasi": [], "diklat": []}
    for number in range(count):
        tables["koperasi"].append(koperasi(nik(number), tanggal_badan_hukum=f"{rng.randint(2015, 2025)}-06-01"))
        for year in (2022, 2023, 2024):
            if rng.random() < 0.8:
                tables["rat"].append({"nik": nik(number), "tanggal_rat": f"{year}-0{rng.randint(1, 9)}-15"})
            tables["kinerja_koperasi"].append({"nik": nik(number), "tahun": year, "volume_usaha": rng.choice(["0", "1.000.000"]),
                                               "melayani_anggota": rng.choice(["ya", "tidak"]),
                                               "skor_kesehatan": rng.choice(["", "50", "66", "79,99", "80"])})
        tables["diklat"].append({"id_peserta": f"P-{number}", "tahun": 2024, "skor": rng.choice(["74,99", "75", "90"])})
    return tables


def test_two_workers_give_the_same_decisions_and_indicators(tmp_path, monkeypatch):
    monkeypatch.setattr(DecisionTable, "BLOCK", 1000)  # the parallel path's decisions go to its spool in blocks
    book = load_rulebook(RULES)
    dataset = load_dataset(write_tables(tmp_path, synthetic_tables(1200)))
    entities = entities_of(dataset)
    single = evaluate_entities(book, entities, 2024, workers=1)
    spool = BlockSpool(tmp_path)
    chunks = FactChunks(spool, CHUNK, kept=())  # as a large run keeps them: facts in the spool, read back by the workers
    spooled = entities_of(load_dataset(tmp_path, chunks), chunks)
    parallel = evaluate_entities(book, spooled, 2024, workers=2, spool=spool)
    assert isinstance(spooled["koperasi"][0].fact_rows, SpooledRows) and parallel.spooled and not single.spooled
    assert parallel == single
    assert evaluate_entities(book, entities, 2024, workers=2) == single
    for profile in ("jatim", "jambi"):
        assert indicators_of(book, profile_of(book, profile), dataset, spooled, parallel, 2024) == \
            indicators_of(book, profile_of(book, profile), dataset, entities, single, 2024)


def test_only_a_few_chunks_per_worker_are_in_flight(tmp_path, monkeypatch):
    """Each chunk sent carries its facts: sending all at once would hold a whole run's facts in the queue."""
    import engine.parallel as parallel

    book = load_rulebook(RULES)
    entities = entities_of(load_dataset(write_tables(tmp_path, synthetic_tables(1200))))
    monkeypatch.setattr(parallel, "CHUNK", 50)
    sent, outstanding = [], []
    pickled, take = parallel.pickled_fact_rows, parallel._Receiver.take
    monkeypatch.setattr(parallel, "pickled_fact_rows", lambda chunk: sent.append(1) or pickled(chunk))

    def taking(self, chunk, answered):
        outstanding.append(len(sent) - len(outstanding))
        take(self, chunk, answered)

    monkeypatch.setattr(parallel._Receiver, "take", taking)
    decisions = evaluate_entities(book, entities, 2024, workers=2)
    assert len(sent) == len(outstanding) == 2 * 1200 // 50  # the koperasi and the peserta diklat in chunks of 50
    assert max(outstanding) <= parallel.IN_FLIGHT_PER_WORKER * 2 + 1
    assert decisions == evaluate_entities(book, entities, 2024, workers=1)


def test_the_parent_refuses_outcomes_it_does_not_know(tmp_path):
    import pytest
    from engine.durable_host import EngineError
    from engine.parallel import Outcomes, _Receiver
    from engine.rules.compiler import compile_ruleset
    book = load_rulebook(RULES)
    entities = entities_of(load_dataset(write_tables(tmp_path, synthetic_tables(3))))["koperasi"]
    receiver = _Receiver(compile_ruleset(book, "koperasi", 2024), DecisionTable())
    assert receiver.tree is not None
    order = receiver.tree.order
    receiver.take(entities, Outcomes(order, [(0, ())] * 3))  # no leaf held: a row per rule in force
    assert len(receiver.table) == 3 * len(receiver.rules)
    for wrong in (Outcomes(order[:-1], [(0, ())] * 3), Outcomes(order, [(0, ())] * 2)):
        with pytest.raises(EngineError, match="tidak dikenal"):
            receiver.take(entities, wrong)
    with pytest.raises(EngineError, match="tidak dikenal"):
        receiver.take(entities, Outcomes(order, [(1 << len(order), ())] * 3))
    with pytest.raises(ValueError):  # a leaf held without its evidence
        receiver.take(entities, Outcomes(order, [(1, ())] * 3))


def test_the_objects_alive_before_are_left_out_of_full_collections_while_the_answers_come(tmp_path):
    """What the run holds (the data set, the facts) is frozen while the parent makes the rows, and
    let go again afterwards (``parallel._frozen``)."""
    book = load_rulebook(RULES)
    entities = entities_of(load_dataset(write_tables(tmp_path, synthetic_tables(300))))
    frozen_during: list[int] = []
    before = gc.get_freeze_count()
    evaluate_entities(book, entities, 2024, progress=lambda *_: frozen_during.append(gc.get_freeze_count()),
                      workers=2)
    assert before == 0 and frozen_during and min(frozen_during) > 0
    assert gc.get_freeze_count() == 0


def test_a_worker_does_not_import_the_readers():
    """A worker imports engine.parallel for its functions; the facts' chunks (readers, polars, openpyxl) are
    the parent's (≈ 0.35 CPU-s per worker at each run's start)."""
    import subprocess
    import sys

    code = "import sys, engine.parallel; print(sorted({'polars', 'openpyxl', 'engine.fact_chunks'} & set(sys.modules)))"
    answer = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert answer.stdout.strip() == "[]"


def _series_events(tmp_path, monkeypatch, years, workers, events=None):
    """``run_series`` over the synthetic tables, noting each chunk made (spooled) and each chunk sent to a
    worker, in order: ("made", entity type) and ("sent", entity type)."""
    import engine.fact_chunks as fact_chunks
    import engine.parallel as parallel
    from engine.pipeline import run_series

    events = [] if events is None else events
    spool_facts, texts, rows = fact_chunks.spool_facts, parallel.pickled_fact_texts, parallel.pickled_fact_rows
    monkeypatch.setattr(fact_chunks, "spool_facts",
                        lambda entities, *rest: events.append(("made", entities[0].entity_type))
                        or spool_facts(entities, *rest))
    monkeypatch.setattr(parallel, "pickled_fact_texts",
                        lambda chunk: events.append(("sent", chunk[0].entity_type)) or texts(chunk))
    monkeypatch.setattr(parallel, "pickled_fact_rows", lambda chunk: rows(chunk))  # the texts' call notes the send
    data = tmp_path / "data"
    if not data.exists():
        write_tables(data, synthetic_tables(1200))
    series = run_series(data, "jatim", years, workers=workers)
    return series, events


def test_the_first_year_s_workers_evaluate_each_chunk_while_the_facts_are_still_made(tmp_path, monkeypatch):
    """The chunks go to the workers as the facts stage makes them, in order, not after the last one:
    the decisions, the tags and the indicators are those of one process, year by year (a series: the
    first year so, the later ones after the facts as before)."""
    import engine.parallel as parallel
    import engine.pipeline as pipeline

    monkeypatch.setattr(parallel, "CHUNK", 100)
    monkeypatch.setattr(pipeline, "CHUNK", 100)  # the facts stage's chunks
    for years in ((2024,), (2023, 2024)):
        alone, _ = _series_events(tmp_path, monkeypatch, years, workers=1)
        series, events = _series_events(tmp_path, monkeypatch, years, workers=2)
        made = [index for index, (what, _) in enumerate(events) if what == "made"]
        sent = [index for index, (what, _) in enumerate(events) if what == "sent"]
        chunks = 2 * 1200 // 100  # the koperasi and the peserta diklat
        assert len(made) == chunks and len(sent) == chunks * len(years)
        # sent meanwhile: as many as may be in flight at least (the workers are still starting)
        assert sum(index < made[-1] for index in sent) >= parallel.IN_FLIGHT_PER_WORKER * 2 + 1
        # in the facts' order: each chunk sent after it is made
        assert [kind for what, kind in events if what == "sent"][:chunks] == [kind for what, kind in events
                                                                               if what == "made"]
        assert all(sent[number] > made[number] for number in range(chunks))
        for one, other in zip(alone.results, series.results, strict=True):
            assert other.decisions == one.decisions and other.indicators == one.indicators
            assert list(other.tag_rows()) == list(one.tag_rows())
        assert {"facts", "rules"} <= set(series.timings) and series.results[0].timings["facts"] > 0


def test_a_rule_that_does_not_compile_stops_the_run_after_the_facts_as_before(tmp_path, monkeypatch):
    """The workers of the first year are not started then: the rules stage says why, as it always did."""
    import pytest

    import engine.parallel as parallel
    from engine.rules.compiler import CompileError

    def refused(*args):
        raise CompileError("aturan X: tidak dapat dikompilasi", "X")

    started, events = [], []
    monkeypatch.setattr(parallel, "compile_ruleset", refused)
    monkeypatch.setattr(parallel, "process_pool", lambda *args: started.append(1))
    with pytest.raises(CompileError, match="aturan X"):
        _series_events(tmp_path, monkeypatch, (2024,), workers=2, events=events)
    assert not started and events == [("made", "koperasi")] * 3 + [("made", "peserta_diklat")] * 3  # facts first
