"""The sample frame: strata numbered among every outcome and kabupaten/kota, kept where entities are."""

import pytest

from engine.runstore.strata import sample_frame

POSITIONS = {"koperasi": {"aktif": 0, "sehat": 1}, "ukm": {"binaan": 0}}
REGIONS = {"35.01": "Kabupaten Pacitan", "35.02": "Kabupaten Ponorogo"}


def _given(kind, entity_id, *rules):
    return kind, entity_id, tuple((f"tag-{rule}", rule, 2024) for rule in rules)


def test_strata_are_numbered_among_every_outcome_and_kabupaten_kota_and_kept_where_entities_are():
    entities = [("koperasi", "A", 0, "35.01"), ("koperasi", "B", 1, "35.02"), ("koperasi", "C", 2, None),
                ("ukm", "U", 3, "35.99"), ("peserta", "P", 4, "35.01")]  # no rule of peserta in force: no outcome
    given = [_given("koperasi", "A", "aktif"), _given("koperasi", "A", "sehat"),  # given in two parts (rows)
             _given("koperasi", "C", "aktif", "sehat"), _given("ukm", "U", "binaan")]
    frame = sample_frame(given, POSITIONS, entities, REGIONS)
    # outcomes (koperasi 0), (koperasi 3), (ukm 1) × the four kabupaten/kota in order: "(tanpa wilayah)",
    # "35.99" (a code the region table does not name), Pacitan, Ponorogo
    assert frame.strata == [(3, "koperasi", 0, "Kabupaten Ponorogo", 1), (4, "koperasi", 3, "(tanpa wilayah)", 1),
                            (6, "koperasi", 3, "Kabupaten Pacitan", 1), (9, "ukm", 1, "35.99", 1)]
    assert list(frame.members()) == [(3, 1), (4, 2), (6, 0), (9, 3)]


def test_a_strata_entities_are_in_key_order():
    entities = [("koperasi", name, key, "35.01") for key, name in enumerate("DCBA")]
    frame = sample_frame([_given("koperasi", "C", "aktif"), _given("koperasi", "A", "aktif")], POSITIONS, entities,
                         REGIONS)
    assert list(frame.members()) == [(0, 0), (0, 2), (1, 1), (1, 3)]


def test_tags_given_out_of_the_entities_order_are_refused():
    entities = [("koperasi", "A", 0, "35.01"), ("koperasi", "B", 1, "35.01")]
    with pytest.raises(ValueError, match="tidak dalam urutan entitas run"):
        sample_frame([_given("koperasi", "B", "aktif"), _given("koperasi", "A", "aktif")], POSITIONS, entities,
                     REGIONS)
