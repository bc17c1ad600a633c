"""The indicators' index of tags and their reading of the yearly figures: the same members in the same
order as a plain filter of every entity, each input table read once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from engine.decisions import DecisionTable
from engine.indicators.compute import Member, TagIndex
from engine.indicators.model import EntitySet
from engine.pipeline import indicators_of, run
from tests.support import SAMPLES


def rows(*given: tuple[str, str, str]) -> DecisionTable:
    """Decisions giving each (entity type, id, tag), in this order, and one not given after each."""
    table = DecisionTable()
    for entity_type, entity_id, tag in given:
        table.append_row((entity_type, entity_id, 2024, f"rule_{tag}", 1, tag, True, ()))
        table.append_row((entity_type, entity_id, 2024, "rule_never", 1, "never", False, ()))
    return table


def ids(members: list[Member]) -> list[tuple[str, str]]:
    return [(member.entity_type, member.entity_id) for member in members]


def test_an_entity_whose_decisions_lie_apart_holds_all_its_tags():
    decisions = rows(("koperasi", "b", "aktif"), ("koperasi", "a", "aktif"), ("koperasi", "b", "sehat"))
    index = TagIndex(decisions, {"koperasi": ["b", "a", "c"]})
    assert ids(index.members(EntitySet(entity="koperasi", tags=["aktif", "sehat"]))) == [("koperasi", "b")]
    assert ids(index.members(EntitySet(entity="koperasi", tags=["aktif"]))) == [("koperasi", "a"), ("koperasi", "b")]
    assert ids(index.members(EntitySet(entity="koperasi", tags=["never"]))) == []


def test_no_tags_means_every_registered_entity_and_only_those():
    decisions = rows(("koperasi", "outside", "aktif"), ("ukm", "u2", "binaan"))
    index = TagIndex(decisions, {"koperasi": ["k1"], "ukm": ["u2", "u1"]})
    assert ids(index.members(EntitySet(entity="kukm"))) == [("koperasi", "k1"), ("ukm", "u1"), ("ukm", "u2")]
    assert ids(index.members(EntitySet(entity="koperasi", tags=["aktif"]))) == []


def test_the_union_of_sets_lists_each_entity_once_by_type_and_id():
    decisions = rows(("ukm", "u1", "binaan"), ("koperasi", "k2", "aktif"), ("ukm", "u1", "naik_kelas"),
                     ("ukm", "u0", "naik_kelas"), ("koperasi", "k1", "aktif"))
    index = TagIndex(decisions, {"koperasi": ["k2", "k1", "k3"], "ukm": ["u1", "u0"]})
    union = index.members_of_any([EntitySet(entity="ukm", tags=["binaan"]),
                                  EntitySet(entity="ukm", tags=["naik_kelas"]),
                                  EntitySet(entity="koperasi", tags=["aktif"])])
    assert ids(union) == [("koperasi", "k1"), ("koperasi", "k2"), ("ukm", "u0"), ("ukm", "u1")]
    listed = index.members(EntitySet(entity="ukm", tags=["binaan"]))
    assert listed[0] is union[-1]  # one member object per entity, shared by every list


def test_the_tags_gathered_while_appending_are_those_of_the_rows_also_once_forgotten(tmp_path, monkeypatch):
    """A large run's decisions are in the spool: the indicators' tags are gathered as they are appended."""
    from engine.spool import BlockSpool

    monkeypatch.setattr(DecisionTable, "BLOCK", 2)
    spooled = DecisionTable(spool=BlockSpool(tmp_path))
    given = [("koperasi", "k1", "aktif"), ("koperasi", "k2", "sehat"), ("ukm", "u1", "binaan"), ("koperasi", "k1", "sehat"),
             ("koperasi", "k3", "sehat")]
    for entity_type, entity_id, tag in sorted(given):  # a spooled table takes an entity's decisions together
        spooled.append_entity([(entity_type, entity_id, 2024, f"rule_{tag}", 1, tag, True, ()),
                               (entity_type, entity_id, 2024, "rule_never", 1, "never", False, ())])
    assert spooled.spooled
    expected = {"koperasi": {"k1": {"aktif", "sehat"}, "k2": {"sehat"}, "k3": {"sehat"}}, "ukm": {"u1": {"binaan"}}}
    first = spooled.given_tags()
    spooled.forget_given_tags()
    again = spooled.given_tags()  # gathered from the rows in the spool
    assert first == again == expected
    assert first["koperasi"]["k3"] is first["koperasi"]["k2"], "one frozenset per combination of tags"
    assert rows(*given).given_tags() == expected  # appended row by row, k1's decisions apart


class CountedReads(Sequence):
    """A table's records that count how often they are read through."""

    def __init__(self, records: Sequence):
        self.records, self.reads = records, 0

    def __iter__(self) -> Iterator:
        self.reads += 1
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self.records[index]


@pytest.fixture(scope="module")
def jambi():
    return run(SAMPLES / "jambi", "jambi", 2024)


def test_the_growth_indicators_read_each_yearly_table_once(jambi):
    """jambi sums omset, aset and tenaga_kerja of kinerja_ukm: one reading gives all three."""
    counted = {table: CountedReads(jambi.dataset.table(table)) for table in ("kinerja_ukm", "kinerja_koperasi")}
    dataset = jambi.dataset.with_records(counted)
    again = indicators_of(jambi.book, jambi.profile, dataset, jambi.entities, jambi.decisions, jambi.year)
    assert again == jambi.indicators
    assert {table: records.reads for table, records in counted.items()} == {"kinerja_ukm": 1, "kinerja_koperasi": 1}
