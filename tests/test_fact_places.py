"""The places a run record's citations name rows by, worked out column-wise (engine.fact_places)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from engine.fact_places import CitedRows, OwnRows, RowOwners, split
from engine.facts import ENTITY_TABLES, EntityFacts, fact_id
from engine.pipeline import run
from engine.runstore.writer import write_run_record
from tests.support import RULES, SAMPLES, rat_rows_of_the_next_koperasi

EVERY = {table for own, _, related in ENTITY_TABLES.values() for table in (own, *related)}


@pytest.fixture(scope="module")
def jatim():
    return run(SAMPLES / "jatim", "jatim", 2024, RULES)


def _koperasi(entity_id: str, row: int) -> EntityFacts:
    return EntityFacts("koperasi", entity_id, SimpleNamespace(table="koperasi", row=row), [])


def test_a_rows_place_is_its_rank_among_its_owners_rows_in_row_order_whatever_order_they_came_in():
    owners = RowOwners()  # B is the first koperasi, A the second; a row of C or of no one is not noted
    for row, position in [(9, 1), (4, 0), (3, 1), (5, 1), (2, 0)]:
        owners.note("koperasi", "rat", row, position)
    cited = CitedRows.of({"koperasi": [_koperasi("B", 2), _koperasi("A", 3)], "ukm": [], "peserta_diklat": []}, owners, EVERY)
    assert cited.nths("koperasi", 1, "rat", ["rat:9", "rat:3", "rat:5"]) == (2, 0, 1)
    assert cited.nths("koperasi", 0, "rat", ["rat:4", "rat:2"]) == (1, 0)
    assert cited.nths("koperasi", 1, "koperasi", ["koperasi:3"]) == (0,)  # the entity's own row


@pytest.mark.parametrize("evidence", ["rat:4", "rat:6", "rat:7", "rat:99", "rat:-1", "fasilitasi:9", "rat:x", "koperasi:2"])
def test_evidence_not_a_row_of_that_table_of_the_entity_itself_is_refused(evidence):
    owners = RowOwners()  # rows 6 and 7 (of no entity of the run) are not noted
    for row, position in [(9, 1), (4, 0)]:
        owners.note("koperasi", "rat", row, position)
    cited = CitedRows.of({"koperasi": [_koperasi("B", 2), _koperasi("A", 3)], "ukm": [], "peserta_diklat": []}, owners, EVERY)
    table = evidence.split(":")[0] if evidence.startswith("koperasi") else "rat"
    with pytest.raises(ValueError, match=f"bukti {evidence} bukan baris tabel {table} milik entitas ini"):
        cited.nths("koperasi", 1, table, [evidence])


@pytest.mark.parametrize("evidence", [["rat:9", "rat:4"], ["rat:-1", "rat:9"], ["rat:9", "rat:x"]])
def test_evidence_of_several_rows_is_refused_at_its_first_row_not_of_the_entity(evidence):
    owners = RowOwners()
    for row, position in [(9, 1), (4, 0)]:
        owners.note("koperasi", "rat", row, position)
    cited = CitedRows.of({"koperasi": [_koperasi("B", 2), _koperasi("A", 3)], "ukm": [], "peserta_diklat": []}, owners, EVERY)
    wrong = next(fact for fact in evidence if fact != "rat:9")
    with pytest.raises(ValueError, match=f"bukti {wrong} bukan baris tabel rat milik entitas ini"):
        cited.nths("koperasi", 1, "rat", evidence)


def test_the_places_noted_as_read_are_those_of_each_entitys_fact_rows_sorted(jatim):
    """Read column-wise (and row by row) in the pipeline, and from the facts: the same places, each
    the rank of the row among the entity's rows of its table by row number."""
    assert jatim.owners is not None
    noted, from_facts = CitedRows.of(jatim.entities, jatim.owners, EVERY), CitedRows.of(jatim.entities, None, EVERY)
    checked = 0
    for kind, group in jatim.entities.items():
        for position, entity in enumerate(group):
            for table in {fact[0] for fact in entity.fact_rows}:
                numbers = sorted(fact[1] for fact in entity.fact_rows if fact[0] == table)
                ids = [fact_id(table, number) for number in reversed(numbers)]
                expected = tuple(reversed(range(len(numbers))))
                assert noted.nths(kind, position, table, ids) == expected == from_facts.nths(kind, position, table, ids)
                checked += len(ids)
    assert checked > 1000 and {table for tables in noted.tables.values() for table in tables} >= {"rat", "fasilitasi", "kinerja_ukm"}


def test_the_record_refuses_evidence_that_names_another_entitys_row(jatim, tmp_path):
    """Every RAT row noted as another koperasi's: the evidence the rules found names rows not of
    the entity the record would cite them for."""
    kind = "koperasi"
    moved = rat_rows_of_the_next_koperasi(jatim)
    assert ENTITY_TABLES[kind][2]["rat"] == "nik"
    with pytest.raises(ValueError, match="bukan baris tabel rat milik entitas ini"):
        write_run_record(dataclasses.replace(jatim, owners=moved), tmp_path, SAMPLES / "jatim")



def test_an_entitys_own_rows_give_the_places_the_run_noted(jatim):
    """Worked out from one entity's fact rows (the other output process's way): the places ``CitedRows``
    gives, evidence in any order, a row number written otherwise (``rat:012``) read as the same row."""
    noted = CitedRows.of(jatim.entities, jatim.owners, EVERY)
    checked = 0
    for kind, group in jatim.entities.items():
        for position, entity in enumerate(group):
            own = OwnRows(entity.fact_rows, EVERY)
            for table in {fact[0] for fact in entity.fact_rows}:
                numbers = [fact[1] for fact in entity.fact_rows if fact[0] == table]
                for ids in ([fact_id(table, number) for number in reversed(numbers)],
                            [f"{table}:0{number}" for number in numbers]):
                    assert own.places((table,), (ids,)) == noted.nths(kind, position, table, ids)
                    checked += len(ids)
            assert own.places(("rat",), ((),)) == () == own.places((), ())
    assert checked > 2000


def test_an_entitys_own_rows_refuse_what_the_run_refuses():
    facts = [("koperasi", 3), ("rat", 9), ("fasilitasi", 11)]  # the second koperasi of the tests above
    for evidence in ["rat:4", "rat:6", "rat:99", "rat:-1", "fasilitasi:9", "rat:x", "koperasi:2", "rat:11"]:
        table = evidence.split(":")[0] if evidence.startswith("koperasi") else "rat"
        for given in ([evidence], ["koperasi:3" if table == "koperasi" else "rat:9", evidence]):
            with pytest.raises(ValueError, match=f"bukti {evidence} bukan baris tabel {table} milik entitas ini"):
                OwnRows(facts, EVERY).places((table,), (given,))
    assert OwnRows(facts, {"koperasi"}).places(("koperasi",), (["koperasi:3"],)) == (0,)
    with pytest.raises(ValueError, match="bukti rat:9 bukan baris tabel rat"):  # a table no clause cites
        OwnRows(facts, {"koperasi"}).places(("rat",), (["rat:9"],))


def test_an_entitys_own_rows_give_every_tables_places_at_once_as_the_run_noted(jatim):
    """All the evidence an outcome cites asked in one call (``OwnRows.places``, the other output process's
    way), tables mixed and repeated, evidence of several rows, none, or a row written ``table:0N``: the
    places ``CitedRows`` gives for each table alone, one after another in the order asked."""
    noted = CitedRows.of(jatim.entities, jatim.owners, EVERY)
    checked = 0
    for kind, group in jatim.entities.items():
        for position, entity in enumerate(group):
            numbers = {}
            for fact in entity.fact_rows:
                numbers.setdefault(fact[0], []).append(fact[1])
            tables, evidence = [], []
            for table, rows in numbers.items():
                tables += [table, table, "rat", table]
                evidence += [[fact_id(table, number) for number in reversed(rows)], [f"{table}:0{rows[-1]}"], [],
                             [fact_id(table, rows[0])]]
            expected = tuple(noted.nths(kind, position, table, ids) for table, ids in zip(tables, evidence))
            flat = tuple(place for places in expected for place in places)
            assert OwnRows(entity.fact_rows, EVERY).places(tables, evidence) == flat
            assert noted.of_entity(kind, position)(tables, evidence) == flat
            assert split(flat, map(len, evidence)) == expected
            checked += len(tables)
    assert checked > 2000


def test_evidence_asked_at_once_is_refused_at_its_first_row_not_the_entitys_in_the_order_asked():
    facts = [("koperasi", 3), ("rat", 9), ("rat", 12), ("fasilitasi", 11)]
    own = OwnRows(facts, EVERY)
    assert own.places(["rat", "fasilitasi", "koperasi"], [["rat:12", "rat:9"], ["fasilitasi:11"], ["koperasi:3"]]) \
        == (1, 0, 0, 0)
    for tables, evidence, wrong, table in [
            (["rat", "fasilitasi"], [["rat:9"], ["rat:12"]], "rat:12", "fasilitasi"),  # a row of the entity's, another table
            (["rat", "rat"], [["rat:12", "rat:4"], ["fasilitasi:11"]], "rat:4", "rat"),  # the first wrong one asked
            (["fasilitasi", "rat"], [["fasilitasi:011", "fasilitasi:x"], ["rat:4"]], "fasilitasi:x", "fasilitasi")]:
        with pytest.raises(ValueError, match=f"^bukti {wrong} bukan baris tabel {table} milik entitas ini$"):
            own.places(tables, evidence)


def test_an_outcome_citing_nothing_does_not_read_the_entitys_rows():
    class Unread:
        def __iter__(self):
            raise AssertionError("fact rows read")

    assert OwnRows(Unread(), EVERY).places((), ()) == ()
