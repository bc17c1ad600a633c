"""The record's sample frame (``stratum``, ``stratum_member``): the last year's outcomes by kabupaten/kota.

``iku sample`` draws from it (``engine.runstore.sample``). An outcome is an entity type and the rules
whose tags its entities got, as a mask of the rules' positions (a verdict's ``given``); a stratum is an
outcome and a kabupaten/kota, numbered in the order of (entity type, mask, kabupaten/kota) among
every outcome of the year and every kabupaten/kota of the run's entities, whether or not an entity
holds that pair; only strata with entities are kept, each with its entities in key order. An entity
without a region code is in "(tanpa wilayah)", a code the region table does not name under the code
itself.

Worked out here, from the tags each entity was given, while the record's other rows are written: made
with SQL from the outcomes, it could only begin once a large run's outcomes were copied in from the
output stage's other process, and took ≈ 0.8 s after that, at the end of the stage's critical path
(bench/README.md, "seventh session"). A number or two per entity is held meanwhile (arrays, not
tuples: a million entities' frame is 20 MB, where the run has no room for more).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from engine.decisions import Given, TagTriple
from engine.outputs.regions import NO_REGION

Row = tuple[object, ...]
Placed = tuple[str, str, int, str | None]  # an entity's type, id, key in the record and region code
Cell = tuple[str, int, str]  # entity type, mask of the rules given, kabupaten/kota


@dataclass(frozen=True)
class SampleFrame:
    """The strata (``stratum``'s rows) and, stratum after stratum, their entities' keys in key order."""

    strata: list[Row]
    keys: array  # of every stratum's members, the strata in order, each one's keys ascending

    def members(self) -> Iterator[tuple[int, int]]:
        """``stratum_member``'s rows (stratum, entity), in order."""
        keys = iter(self.keys)
        for stratum, *_, population in self.strata:
            for _ in range(population):  # type: ignore[call-overload]
                yield stratum, next(keys)  # type: ignore[misc]


def sample_frame(given: Iterable[Given], positions: Mapping[str, Mapping[str, int]], entities: Iterable[Placed],
                 regions: Mapping[str, str]) -> SampleFrame:
    """The sample frame of the last year: ``given``, each entity's tags given that year (in the order of
    ``entities``, those given none left out); ``positions``, per entity type with rules in force that
    year, each rule's position among them; ``entities``, every entity of the run in key order;
    ``regions``, the region table (code → kabupaten/kota)."""
    cells: dict[Cell, int] = {}  # each (type, mask, kabupaten/kota) held, numbered as first met
    held, keys = array("i"), array("q")  # per entity with an outcome: its cell's number, its key
    every_region: set[str] = set()
    for (kind, key, region), mask in _masks(given, positions, entities, regions):
        every_region.add(region)
        if mask is not None:
            held.append(cells.setdefault((kind, mask, region), len(cells)))
            keys.append(key)
    order = sorted((kind, mask, region) for kind, mask in {(kind, mask) for kind, mask, _ in cells}
                   for region in every_region)
    number = {cell: at for at, cell in enumerate(order)}  # as a window's dense_rank() over the cells numbered them
    stratum = array("i", (number[cell] for cell in cells))  # by the cell's number as first met
    population, members = _by_stratum(array("i", map(stratum.__getitem__, held)), keys)
    return SampleFrame([(each, *order[each], count) for each, count in population.items()], members)


def _by_stratum(strata: array, keys: array) -> tuple[dict[int, int], array]:
    """Each stratum's number of entities (the strata in order), and the entities' ``keys`` (ascending) put
    stratum after stratum, each stratum's in their order: a counting sort, a number per entity."""
    population = dict.fromkeys(sorted(set(strata)), 0)
    for each in strata:
        population[each] += 1
    start, at = {}, 0
    for each, count in population.items():
        start[each], at = at, at + count
    members = array("q", bytes(8 * len(keys)))
    for each, key in zip(strata, keys):
        members[start[each]] = key
        start[each] += 1
    return population, members


def _masks(given: Iterable[Given], positions: Mapping[str, Mapping[str, int]], entities: Iterable[Placed],
           regions: Mapping[str, str]) -> Iterator[tuple[tuple[str, int, str], int | None]]:
    """Each entity (type, key, kabupaten/kota) with the mask of its rules given (None: no rule of its type
    in force, no outcome): ``given`` read beside ``entities``, in their order, an entity given its tags in
    several parts (rows) getting them all."""
    known: dict[tuple[str, tuple[TagTriple, ...]], int] = {}  # a compact outcome's tags: one tuple, many entities
    items = iter(given)
    item = next(items, None)
    for kind, entity_id, key, code in entities:
        mask = None
        if kind in positions:
            mask = 0
            while item is not None and item[0] == kind and item[1] == entity_id:
                part = known.get((kind, item[2]))
                if part is None:
                    at = positions[kind]
                    part = known[(kind, item[2])] = sum({1 << at[rule_id] for _, rule_id, _ in item[2]})
                mask |= part
                item = next(items, None)
        yield (kind, key, NO_REGION if code is None else regions.get(code, code)), mask
    if item is not None:
        raise ValueError(f"tag {item[0]} {item[1]} tidak dalam urutan entitas run")
