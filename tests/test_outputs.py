"""Every output of `iku run`: contract shapes, the xlsx, the run record, the page in a browser,
and hostile names shown as text everywhere."""

import csv
import gc
import json
import re
import shutil
import sqlite3
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engine.explain import explain, render
from engine.outputs.files import write_atomic
from engine.outputs import run as run_outputs
from engine.outputs.entities import entity_directory
from engine.outputs.report_html import EXPLAINED_PER_LIST, listed_keys
from engine.outputs.run import execute_run
from engine.runstore.reader import StoreSource
from tests.support import RULES, SAMPLES, koperasi, named_koperasi, nik, write_tables

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = ["<script>alert(1)</script>", '=HYPERLINK("http://x","klik")', "+cmd|' /C calc'!A0", "@SUM(1)",
           "Kop\x1fkontrol"]


@pytest.fixture(scope="module")
def jatim(tmp_path_factory):
    out = tmp_path_factory.mktemp("jatim")
    return execute_run(SAMPLES / "jatim", "jatim", 2024, out, RULES), out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    tables = {
        **named_koperasi(HOSTILE),
        "diklat": [{"id_peserta": "@SUM(1)", "nama": "Siti", "tahun": 2024, "skor": "80"}],
        "kinerja_koperasi": [{"nik": nik(0), "tahun": 2024, "volume_usaha": "=1+1"}],
    }
    data = write_tables(folder / "data", tables)
    return execute_run(data, "jatim", 2024, folder / "out", RULES), folder / "out"


def test_indicators_json_follows_the_contract(jatim):
    _, out = jatim
    document = json.loads((out / "indicators.json").read_text())
    assert set(document) == {"profile", "year", "rules_version", "indicators"}
    assert [item["id"] for item in document["indicators"]] == [f"jatim-{n}" for n in range(1, 8)]
    for item in document["indicators"]:
        assert set(item) == {"id", "nama", "nilai", "satuan", "pembilang", "penyebut", "catatan"}
        assert item["satuan"] in ("%", "unit")
        assert item["nilai"] is None or round(item["nilai"], 2) == item["nilai"]


def test_tags_csv_has_one_row_per_entity_and_tag(jatim):
    result, out = jatim
    rows = list(csv.DictReader((out / "tags.csv").open()))
    assert list(rows[0]) == ["entity_type", "entity_id", "tag", "rule_id", "year"]
    assert len(rows) == len({(row["entity_type"], row["entity_id"], row["tag"]) for row in rows})
    assert len(rows) == sum(decision.given for decision in result.decisions)


def test_rejects_csv_is_header_only_when_nothing_is_rejected(tmp_path):
    data = write_tables(tmp_path / "data", {"koperasi": [koperasi(nik(1))]})
    execute_run(data, "jatim", 2024, tmp_path / "out", RULES)
    assert (tmp_path / "out" / "rejects.csv").read_text() == "table,row,column,value,reason\n"


def test_xlsx_has_a_summary_and_a_sheet_per_indicator(jatim):
    result, out = jatim
    book = load_workbook(out / "report.xlsx")
    assert book.sheetnames == ["Ringkasan", "Capaian", "Dokumen IKU", *[indicator.id for indicator in result.indicators]]
    summary = book["Ringkasan"]
    assert summary.freeze_panes == "A3"
    assert [cell.value for cell in summary[2]][:3] == ["id", "indikator", "nilai"]
    assert summary["C3"].value == result.indicators[0].nilai
    sheet = book["jatim-1"]
    assert sheet.max_row - 2 == len(result.indicators[0].denominator)


def test_run_record_answers_an_auditors_questions(jatim):
    result, out = jatim
    db = sqlite3.connect(out / "run.sqlite")
    numerator = db.execute("SELECT count(*) FROM indicator_member_named WHERE indicator_id='jatim-1' AND role='numerator'")
    assert numerator.fetchone()[0] == result.indicators[0].pembilang
    assert db.execute("SELECT count(*) FROM tag").fetchone()[0] == sum(d.given for d in result.decisions)
    assert db.execute("SELECT rules_version FROM run").fetchone()[0] == result.book.version
    assert db.execute("SELECT count(*) FROM input_file").fetchone()[0] == 11
    assert db.execute("SELECT count(*) FROM reject").fetchone()[0] == 12
    entity_id = db.execute("SELECT entity_id FROM entity WHERE entity_type = 'koperasi' LIMIT 1").fetchone()[0]
    db.close()
    store = StoreSource(out)
    assert "Dasar hukum" in render(explain(store, entity_id)[0])  # rendered from the record on demand
    store.close()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and re.match(r"^(https?:)?//", value):
                self.external.append(f"{tag} {name}={value}")


def test_report_html_is_self_contained(jatim):
    _, out = jatim
    html = (out / "report.html").read_text()
    parser = Links()
    parser.feed(html)
    assert parser.external == []
    assert "<link" not in html and "<script src" not in html
    assert "jatim-7" in html and "<svg" in html


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium tidak terpasang (jalankan .ci/install-chromium)")
def test_report_renders_in_chromium_without_errors_or_network(jatim, tmp_path):
    _, out = jatim
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=1",
               f"--screenshot={tmp_path / 'report.png'}", "--window-size=1280,2000",
               (out / "report.html").as_uri()]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000
    page_errors = [line for line in run.stderr.splitlines() if "CONSOLE" in line and ("Error" in line or "Uncaught" in line)]
    assert page_errors == []
    requests = [line for line in run.stderr.splitlines() if re.search(r"(Starting|Sending) request.*https?://", line)]
    assert requests == []


def test_hostile_names_are_text_in_the_page(hostile):
    _, out = hostile
    html = (out / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_names_are_not_formulas_in_the_workbook(hostile):
    _, out = hostile
    for sheet in load_workbook(out / "report.xlsx").worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@"), (sheet.title, cell.value)


def test_hostile_values_are_neutralised_in_csv_outputs(hostile):
    _, out = hostile
    for name in ("tags.csv", "rejects.csv"):
        for row in csv.reader((out / name).open()):
            for cell in row:
                assert not cell[:1] in ("=", "+", "@") and not cell.startswith("-"), (name, cell)
    assert "'=1+1" in (out / "rejects.csv").read_text()


def test_a_file_written_in_pieces_replaces_the_old_one_whole_or_not_at_all(tmp_path):
    target = tmp_path / "report.html"
    write_atomic(target, (piece.encode() for piece in ("<p>", "lama", "</p>")))
    assert target.read_bytes() == b"<p>lama</p>"

    def broken():
        yield b"<p>baru"
        raise RuntimeError("templat gagal di tengah jalan")

    with pytest.raises(RuntimeError):
        write_atomic(target, broken())
    assert target.read_bytes() == b"<p>lama</p>"
    assert [path.name for path in tmp_path.iterdir()] == ["report.html"]


def test_the_page_of_a_large_run_explains_only_the_first_members_of_each_list(jatim, tmp_path, monkeypatch):
    result, _ = jatim
    monkeypatch.setattr(run_outputs, "EXPLAIN_ALL_UP_TO", 100)  # the jatim sample (1,150 entities) counts as large
    run_outputs.write_outputs(result, tmp_path, SAMPLES / "jatim")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    explained = html.count("<summary>mengapa?</summary>")
    assert 0 < explained <= len(listed_keys(result, EXPLAINED_PER_LIST)) < len(listed_keys(result))
    assert "iku explain ID --run FOLDER" in html


def test_the_output_stage_runs_without_the_cyclic_collector_and_gives_it_back(jatim, tmp_path, monkeypatch):
    # its passes over every object the run holds cost ≈ 0.5–0.9 CPU-s at national; the writers make no cycles
    result, _ = jatim
    seen = []
    directory = run_outputs.entity_directory

    def noted(*args):
        seen.append(gc.isenabled())
        return directory(*args)

    monkeypatch.setattr(run_outputs, "entity_directory", noted)
    assert gc.isenabled()
    run_outputs.write_outputs(result, tmp_path, SAMPLES / "jatim")
    assert seen == [False] and gc.isenabled()

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(run_outputs, "write_run_record", broken)
    with pytest.raises(RuntimeError):  # given back when a writer fails too
        run_outputs.write_outputs(result, tmp_path / "again", SAMPLES / "jatim")
    assert gc.isenabled()


def test_the_entity_directory_shares_one_region_and_label_per_kabupaten_kota(jatim):
    # a national run holds a million entries: a Region and a label each would be ≈ 140 MB
    result, _ = jatim
    by_code: dict[str | None, list] = {}
    for info in entity_directory(result).values():
        by_code.setdefault(info.region.code, []).append(info)
    shared = [infos for infos in by_code.values() if len(infos) > 1]
    assert shared
    for infos in shared:
        assert all(info.region is infos[0].region and info.wilayah is infos[0].wilayah for info in infos)


def _entry_by_entity(result, entity_type, entity):
    """What the directory says of one entity, read entity by entity (the reference for the column-wise read)."""
    from engine.facts import record_value
    from engine.outputs.regions import RegionNames, most_written

    names = RegionNames(result.book.regions, most_written(
        (e.kode_wilayah, record_value(e.record, "kab_kota")) for group in result.entities.values() for e in group))
    region = names.region(entity.kode_wilayah)
    return (entity_type, entity.entity_id, entity.nama, region.label, entity.record.row, region)


def test_the_entity_directory_read_column_wise_says_what_each_entity_says(jatim):
    """Names (empty for training participants), rows and regions read per entity type in C are each entity's own."""
    result, _ = jatim
    directory = entity_directory(result)
    expected = {(kind, e.entity_id): _entry_by_entity(result, kind, e) for kind, group in result.entities.items() for e in group}
    assert list(directory) == list(expected)
    assert [(i.entity_type, i.entity_id, i.nama, i.wilayah, i.row, i.region) for i in directory.values()] == \
        list(expected.values())
    assert {info.nama for (kind, _), info in directory.items() if kind == "peserta_diklat"} == {""}
    assert any(info.nama for info in directory.values())


def test_the_entity_directory_reads_records_of_mixed_models_one_by_one(jatim):
    """An entity type whose records are of several models (not a run's: one table each) is read record by record."""
    from dataclasses import replace as replaced

    from engine.facts import EntityFacts

    result, _ = jatim
    koperasi = result.entities["koperasi"]
    other = next(e for e in result.entities["peserta_diklat"])
    mixed = [*koperasi, EntityFacts("koperasi", "lain", other.record)]  # a participant's record: no wilayah, no name
    result = replaced(result, entities={**result.entities, "koperasi": mixed})
    info = entity_directory(result)[("koperasi", "lain")]
    assert (info.nama, info.region.code, info.row) == ("", None, other.record.row)
    assert entity_directory(result)[("koperasi", koperasi[0].entity_id)].nama == koperasi[0].nama != ""


def test_members_are_charted_in_the_region_the_directory_gives_them(jatim):
    """``entity_regions`` is the directory's region of each entity by type and id; a member the directory
    lacks (or of a type it lacks) is charted "tanpa wilayah"."""
    from collections import Counter

    from engine.indicators.model import Count
    from engine.outputs.region_bars import NO_REGION, entity_regions, region_bars

    result, _ = jatim
    directory = entity_directory(result)
    regions = entity_regions(directory)
    assert {(kind, entity_id): region for kind, by_id in regions.items() for entity_id, region in by_id.items()} == \
        {key: info.region for key, info in directory.items()}
    counted = [(definition, computed) for definition, computed in zip(result.profile.indicators, result.indicators)
               if isinstance(definition.formula, Count) and len(computed.numerator) > 1]
    assert counted
    for definition, computed in counted:
        first = computed.numerator[0]
        partial = {key: info for key, info in directory.items() if key != (first.entity_type, first.entity_id)}
        expected = Counter(partial[(m.entity_type, m.entity_id)].region.label if m is not first else NO_REGION
                           for m in computed.numerator)
        bars = region_bars(definition, computed, entity_regions(partial))
        assert {bar.wilayah: bar.value for bar in bars} == dict(expected)
    assert region_bars(counted[0][0], counted[0][1], entity_regions({}))[0].wilayah == NO_REGION
