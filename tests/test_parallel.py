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
