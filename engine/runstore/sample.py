"""An auditor's sample of a run: reproducible, stratified by tag outcome and by kabupaten/kota.

Every entity belongs to an outcome (its type and the set of tags it got) and to a kabupaten/kota: the
record keeps these strata, with each one's entities in key order (``stratum``, ``stratum_member``).
The sample size is shared out over the outcomes — one entity for each outcome first (the largest
outcomes first, as far as the size allows), the rest in proportion to their size — and each
outcome's share over its kabupaten/kota in proportion (largest remainder). Within each cell the
entities are drawn at random with ``random.Random(seed)``: the same record and seed give the same
sample.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Outcome = tuple[str, int]  # entity type, mask of the rules given (by position)


@dataclass(frozen=True)
class Stratum:
    entity_type: str
    tags: tuple[str, ...]  # the tags given
    kab_kota: str
    population: int
    drawn: int


@dataclass(frozen=True)
class Sample:
    seed: int
    size: int
    population: int
    keys: tuple[int, ...]  # entity keys in the record, in the order drawn (stratum by stratum)
    strata: tuple[Stratum, ...]


def _shares(sizes: Mapping[object, int], total: int, minimum_one: bool) -> dict[object, int]:
    """``total`` shared over groups in proportion to their sizes (largest remainder); with
    ``minimum_one``, first one for each group, largest first, while ``total`` allows."""
    order = sorted(sizes, key=lambda group: (-sizes[group], str(group)))
    shares = dict.fromkeys(order, 0)
    left = min(total, sum(sizes.values()))
    if minimum_one:
        for group in order[:left]:
            shares[group] = 1
        left -= min(left, len(order))
    room = {group: sizes[group] - shares[group] for group in order}
    weight = sum(room.values())
    if left <= 0 or weight == 0:
        return shares
    exact = {group: left * room[group] / weight for group in order}
    for group in order:
        shares[group] += int(exact[group])
    remaining = left - sum(int(value) for value in exact.values())
    by_remainder = sorted(order, key=lambda group: (-(exact[group] - int(exact[group])), order.index(group)))
    for group in by_remainder[:remaining]:
        shares[group] += 1
    return shares


def _tag_names(db: sqlite3.Connection) -> dict[str, list[str]]:
    names: dict[str, list[str]] = defaultdict(list)
    for entity_type, tag in db.execute("SELECT entity_type, tag FROM rule WHERE year = (SELECT year FROM run) "
                                       "ORDER BY entity_type, position"):
        names[entity_type].append(tag)
    return names


def _strata(db: sqlite3.Connection) -> dict[Outcome, dict[str, tuple[int, int]]]:
    """The run's sample frame: per outcome and kabupaten/kota, the stratum's key and its population."""
    strata: dict[Outcome, dict[str, tuple[int, int]]] = defaultdict(dict)
    for key, entity_type, given, region, population in db.execute(
            "SELECT key, entity_type, given, kab_kota, population FROM stratum"):
        strata[(entity_type, given)][region] = (key, population)
    return strata


def draw(db: sqlite3.Connection, size: int, seed: int) -> Sample:
    # The record keeps each stratum's entities in key order (``stratum_member``), so an index drawn
    # from range(n) names the entity that the same draw from the list of n members would pick.
    strata = _strata(db)
    per_outcome = _shares({outcome: sum(population for _, population in regions.values())
                           for outcome, regions in strata.items()}, size, minimum_one=True)
    rng = random.Random(seed)
    tags = _tag_names(db)
    keys: list[int] = []
    rows: list[Stratum] = []
    member = "SELECT entity FROM stratum_member WHERE stratum = ? ORDER BY entity LIMIT 1 OFFSET ?"
    for outcome in sorted(strata):
        regions = strata[outcome]
        per_region = _shares({region: population for region, (_, population) in regions.items()},
                             per_outcome[outcome], minimum_one=False)
        entity_type, given = outcome
        for region in sorted(regions):
            stratum, population = regions[region]
            picked = [db.execute(member, (stratum, index)).fetchone()[0]
                      for index in rng.sample(range(population), per_region[region])]
            keys.extend(picked)
            rows.append(Stratum(entity_type, _given_tags(tags[entity_type], given), region, population, len(picked)))
    return Sample(seed, len(keys), sum(row.population for row in rows), tuple(keys), tuple(rows))


def _given_tags(tags: Sequence[str], given: int) -> tuple[str, ...]:
    return tuple(tag for position, tag in enumerate(tags) if given >> position & 1)
