"""An auditor's sample of a run: reproducible, stratified by tag outcome and by kabupaten/kota.

Every entity belongs to an outcome (its type and the set of tags it got) and to a kabupaten/kota.
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


def draw(db: sqlite3.Connection, size: int, seed: int) -> Sample:
    cells: dict[Outcome, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    # The few verdicts and regions are looked up here rather than joined: at 1M entities the joins and
    # the sort they forced cost more than the scan itself (outcome is already in entity order).
    given_of = dict(db.execute("SELECT key, given FROM verdict"))
    kab_kota = dict(db.execute("SELECT kode_wilayah, kab_kota FROM region"))
    rows = db.execute("SELECT o.entity, e.entity_type, e.kode_wilayah, o.verdict FROM outcome AS o "
                      "JOIN entity AS e ON e.key = o.entity WHERE o.year = (SELECT year FROM run) ORDER BY o.entity")
    population = 0
    for key, entity_type, kode_wilayah, verdict in rows:
        region = kab_kota.get(kode_wilayah, kode_wilayah) if kode_wilayah is not None else "(tanpa wilayah)"
        cells[(entity_type, given_of[verdict])][region].append(key)
        population += 1
    rng = random.Random(seed)
    per_outcome = _shares({outcome: sum(map(len, regions.values())) for outcome, regions in cells.items()}, size,
                          minimum_one=True)
    tags = _tag_names(db)
    keys: list[int] = []
    strata: list[Stratum] = []
    for outcome in sorted(cells):
        regions = cells[outcome]
        per_region = _shares({region: len(members) for region, members in regions.items()}, per_outcome[outcome],
                             minimum_one=False)
        entity_type, given = outcome
        for region in sorted(regions):
            picked = rng.sample(regions[region], per_region[region])
            keys.extend(picked)
            strata.append(Stratum(entity_type, _given_tags(tags[entity_type], given), region, len(regions[region]),
                                  len(picked)))
    return Sample(seed, len(keys), population, tuple(keys), tuple(strata))


def _given_tags(tags: Sequence[str], given: int) -> tuple[str, ...]:
    return tuple(tag for position, tag in enumerate(tags) if given >> position & 1)
