"""`iku explain --run`: explanations from the run's record are exactly those made from the data —
text and JSON, for every entity and every indicator of both samples — without the data."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.explain import ResultSource, explain, render
from engine.outputs.run import execute_run
from engine.runstore.reader import StoreSource
from tests.support import RULES, SAMPLES, damage_table
from tests.test_province_scope import national
from tests.test_rules_compile import AKTIF

runner = CliRunner()


@pytest.fixture(scope="module", params=[("jatim", SAMPLES / "jatim"), ("jambi", SAMPLES / "jambi")], ids=["jatim", "jambi"])
def recorded(request, tmp_path_factory):
    profile, data = request.param
    out = tmp_path_factory.mktemp(profile)
    result = execute_run(data, profile, 2024, out, RULES)
    store = StoreSource(out)
    yield result, store, out
    store.close()


def as_json(explanations) -> str:
    return json.dumps([item.model_dump(mode="json") for item in explanations], ensure_ascii=False, indent=2)


def test_every_entity_and_indicator_is_explained_alike_from_the_record(recorded):
    result, store, _ = recorded
    in_memory = ResultSource(result)  # one for every call: its index of entities is made once
    wanted = [entity.entity_id for group in result.entities.values() for entity in group]
    wanted += [indicator.id for indicator in result.indicators]
    for item in dict.fromkeys(wanted):
        from_data, from_record = explain(in_memory, item), explain(store, item)
        assert as_json(from_record) == as_json(from_data), item
        assert [render(x) for x in from_record] == [render(x) for x in from_data], item
    assert len(wanted) > 500


@pytest.fixture(scope="module")
def scoped(tmp_path_factory):
    """A national data set (other provinces' entities outside jatim) under rules whose aktif 22/2007
    is not in force yet in 2024 (jatim-1 null with the reason)."""
    folder = tmp_path_factory.mktemp("scoped")
    rules = shutil.copytree(RULES, folder / "rules")
    criterion = rules / AKTIF
    criterion.write_text(criterion.read_text(encoding="utf-8").replace("{from: 2007-04-16}", "{from: 2099-01-01}"),
                         encoding="utf-8")
    result = execute_run(national("jatim", folder), "jatim", 2024, folder / "out", rules)
    store = StoreSource(folder / "out")
    yield result, store
    store.close()


def test_entities_outside_the_province_and_an_indicator_not_in_force_are_explained_alike(scoped):
    result, store = scoped
    in_memory = ResultSource(result)
    outside = [entity_id for ids in result.scope.outside.values() for entity_id in sorted(ids)]
    assert len(outside) > 10 and "5171000000000001" in outside
    inside = [group[0].entity_id for group in result.entities.values() if group]
    for item in dict.fromkeys([*outside, *inside, *(indicator.id for indicator in result.indicators)]):
        from_data, from_record = explain(in_memory, item), explain(store, item)
        assert as_json(from_record) == as_json(from_data), item
        assert [render(x) for x in from_record] == [render(x) for x in from_data], item
    bali = render(explain(store, "5171000000000001")[0])
    assert "di luar provinsi Jawa Timur (35): kode_wilayah 51.71 termasuk provinsi 51" in bali
    assert "di luar provinsi" not in render(explain(store, inside[0])[0])
    (jatim1,) = explain(store, "jatim-1")
    assert jatim1.nilai is None and "aturan koperasi_aktif_22_2007 belum berlaku pada tahun 2024" in jatim1.catatan
    assert jatim1.formulasi_dokumen and jatim1.dokumen and "Formulasi (dokumen):" in render(jatim1)


@pytest.mark.parametrize("year", [1990, 1995])  # no rule in force yet; only the koperasi population rule
def test_entities_of_a_year_before_their_rules_are_explained_alike(tmp_path, year):
    out = tmp_path / "out"
    result = execute_run(SAMPLES / "jatim", "jatim", year, out, RULES)
    store = StoreSource(out)
    try:
        in_memory = ResultSource(result)
        for item in [group[0].entity_id for group in result.entities.values()]:
            from_data, from_record = explain(in_memory, item), explain(store, item)
            assert as_json(from_record) == as_json(from_data), item
            assert [render(x) for x in from_record] == [render(x) for x in from_data], item
    finally:
        store.close()


def test_entities_outside_the_province_are_counted_and_marked(scoped):
    result, store = scoped
    db = store.db
    counts = {table: entities for table, province, entities in
              db.execute('SELECT "table", province, entities FROM outside_province') if province == "35"}
    assert counts == result.outside_province and sum(counts.values()) > 0
    marked = {(kind, entity_id) for kind, entity_id in db.execute("SELECT entity_type, entity_id FROM entity "
                                                                  "WHERE outside = 1")}
    assert marked == {(kind, entity_id) for kind, ids in result.scope.outside.items() for entity_id in ids}


def test_a_tag_is_explained_alike_and_unknown_ids_and_tags_get_the_same_suggestions(recorded):
    result, store, _ = recorded
    entity = result.entities["koperasi"][5].entity_id
    for tag in ("aktif_25_2015", "sehat", "populasi"):
        assert as_json(explain(store, entity, tag)) == as_json(explain(result, entity, tag))
    for call in (lambda source: explain(source, entity[:-1] + "x"), lambda source: explain(source, entity, "sehta")):
        with pytest.raises(LookupError) as from_data:
            call(result)
        with pytest.raises(LookupError) as from_record:
            call(store)
        assert str(from_record.value) == str(from_data.value)


def test_the_cli_explains_from_the_record_without_the_data_and_names_the_run(recorded, tmp_path):
    result, store, out = recorded
    moved = tmp_path / "out"
    shutil.copytree(out, moved)  # no data folder beside it: nothing can be evaluated again
    entity = result.entities["koperasi"][0].entity_id
    answer = runner.invoke(app, ["explain", entity, "--run", str(moved)])
    assert answer.exit_code == 0, answer.output
    heading, text = answer.stdout.split("\n\n", 1)
    assert store.info.id in heading and result.book.version in heading and "sha256" in heading
    assert all(source.sha256[:12] in heading for source in result.dataset.sources)
    assert text.rstrip("\n") == render(explain(result, entity)[0])
    answer = runner.invoke(app, ["explain", entity, "--run", str(moved), "--format", "json"])
    assert answer.exit_code == 0 and json.loads(answer.stdout) == json.loads(as_json(explain(result, entity)))


def test_explain_without_a_record_or_data_is_an_unusable_invocation(tmp_path):
    answer = runner.invoke(app, ["explain", "jatim-1", "--run", str(tmp_path)])
    assert answer.exit_code == 2 and "catatan run tidak ditemukan" in answer.output
    answer = runner.invoke(app, ["explain", "jatim-1"])
    assert answer.exit_code == 2 and "--run" in answer.output


def test_a_damaged_record_is_named_with_exit_2_not_a_traceback(recorded, tmp_path):
    result, _, out = recorded
    damaged = tmp_path / "out"
    shutil.copytree(out, damaged)
    damage_table((damaged / "run.sqlite").resolve(), "rule")  # opens, but its rules cannot be read
    entity = result.entities["koperasi"][0].entity_id
    for output in ("text", "json"):
        answer = runner.invoke(app, ["explain", entity, "--run", str(damaged), "--format", output])
        assert answer.exit_code == 2, answer.output
        assert f"catatan run {damaged} rusak atau tidak dapat dibaca" in answer.output


@pytest.mark.parametrize("removed", ["outcome", "verdict_rule"])
def test_a_record_missing_an_entitys_decision_rows_is_named_not_misread(recorded, tmp_path, removed):
    import sqlite3

    result, _, out = recorded
    damaged = tmp_path / "out"
    shutil.copytree(out, damaged)
    entity = result.entities["koperasi"][0].entity_id
    db = sqlite3.connect((damaged / "run.sqlite").resolve())
    key, verdict = db.execute("SELECT e.key, o.verdict FROM entity AS e JOIN outcome AS o ON o.entity = e.key "
                              "WHERE e.entity_id = ?", (entity,)).fetchone()
    if removed == "outcome":
        db.execute("DELETE FROM outcome WHERE entity = ?", (key,))
    else:  # one rule's clause outcomes of its verdict: the explanation would lack that rule
        db.execute("DELETE FROM verdict_rule WHERE verdict = ? AND rule = (SELECT max(rule) FROM verdict_rule "
                   "WHERE verdict = ?)", (verdict, verdict))
    db.commit()
    db.close()
    answer = runner.invoke(app, ["explain", entity, "--run", str(damaged)])
    assert answer.exit_code == 2, answer.output
    assert f"catatan run {damaged} rusak atau tidak dapat dibaca" in answer.output and f"koperasi {entity}" in answer.output
