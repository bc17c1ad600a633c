"""run.sqlite: the record of one run, written in one transaction and moved into place, answering an
auditor's questions in plain SQL and agreeing with tags.csv, indicators.json and the input files."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3

import pytest
from openpyxl import load_workbook

from engine.outputs.run import execute_run
from engine.explain.source import rule_views
from engine.pipeline import run
from engine.runstore import schema, writer
from engine.runstore.reader import StoreSource
from engine.runstore.schema import StoreError, open_store
from tests.support import RULES, SAMPLES, koperasi, nik, traced_statements, write_tables

TABLES = {"schema_version", "run", "run_year", "capaian", "input_file", "table_count", "outside_province", "reject", "region", "entity",
          "rule", "clause", "known_tag", "verdict", "verdict_rule", "citation", "outcome", "indicator", "member_role", "indicator_member", "stratum", "stratum_member", "src_koperasi", "src_rat",
          "src_kinerja_koperasi", "src_fasilitasi", "src_pembiayaan", "src_legalitas", "src_standardisasi",
          "src_diklat", "entity_name", "entity_name_data", "entity_name_idx", "entity_name_config"}
VIEWS = {"entity_named", "decision", "tag", "clause_outcome", "evidence", "indicator_member_named"}


@pytest.fixture(scope="module")
def jatim(tmp_path_factory):
    out = tmp_path_factory.mktemp("jatim")
    result = execute_run(SAMPLES / "jatim", "jatim", 2024, out, RULES)
    db = sqlite3.connect(out / "run.sqlite")
    yield result, out, db
    db.close()


def test_the_schema_is_versioned_and_complete(jatim):
    _, _, db = jatim
    names = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == TABLES
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(schema.SCHEMA_VERSION,)]
    views = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == VIEWS


def test_a_record_of_another_schema_version_is_refused_with_a_clear_message(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    db = sqlite3.connect(old / "run.sqlite")
    db.execute("CREATE TABLE schema_version (version INTEGER)")
    db.execute("INSERT INTO schema_version VALUES (5)")  # the version before the sample frame
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="skema catatan run versi 5; versi ini membaca versi 6"):
        open_store(old)
    db = sqlite3.connect(old / "run.sqlite")
    db.execute("INSERT INTO schema_version VALUES (6)")  # two versions: neither is believed
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="skema catatan run versi 5, 6; versi ini membaca versi 6"):
        open_store(old)
    db = sqlite3.connect(old / "run.sqlite")
    db.execute("DELETE FROM schema_version WHERE version = 5")
    db.execute("INSERT INTO schema_version VALUES (6)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="skema catatan run versi 6, 6; versi ini membaca versi 6"):
        open_store(old)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "run.sqlite").write_bytes(b"bukan sqlite" * 100)
    with pytest.raises(StoreError, match="bukan catatan run iku"):
        open_store(tmp_path / "junk")
    with pytest.raises(StoreError, match="tidak ditemukan"):
        open_store(tmp_path / "nothing")


def test_a_record_that_cannot_be_opened_is_refused_with_a_clear_message(jatim, monkeypatch):
    def refused(*_, **__):  # what SQLite answers for a file without read permission (root reads any)
        raise sqlite3.OperationalError("unable to open database file")

    _, out, _ = jatim
    monkeypatch.setattr(schema.sqlite3, "connect", refused)
    with pytest.raises(StoreError, match="tidak dapat dibuka untuk dibaca"):
        open_store(out)


def test_the_runs_id_is_its_folders_name(jatim):
    _, out, db = jatim
    assert db.execute("SELECT id FROM run").fetchone() == ((out / "current").readlink().name,)


def test_the_run_row_names_profile_year_rules_and_counts(jatim):
    result, _, db = jatim
    profile, year, version, data, started, finished, timings = db.execute(
        "SELECT profile, year, rules_version, data, started, finished, timings_json FROM run").fetchone()
    assert (profile, year, version, data) == ("jatim", 2024, result.book.version, str((SAMPLES / "jatim").resolve()))
    assert started <= finished and set(json.loads(timings)) >= {"ingest", "rules"}
    table_counts = db.execute('SELECT "table", source, read, used, rejected, blank FROM table_count').fetchall()
    assert [tuple(count.model_dump().values()) for count in result.dataset.counts] == table_counts
    assert all(read == used + rejected for _, _, read, used, rejected, _ in table_counts)


def test_input_files_are_recorded_with_their_sha256(jatim):
    _, _, db = jatim
    recorded = dict(db.execute("SELECT name, sha256 FROM input_file"))
    on_disk = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in (SAMPLES / "jatim").glob("*.csv")}
    assert recorded == on_disk


def test_tags_agree_with_tags_csv(jatim):
    _, out, db = jatim
    with (out / "tags.csv").open(encoding="utf-8") as handle:
        from_csv = sorted((row["entity_type"], row["entity_id"], row["tag"], row["rule_id"], int(row["year"]))
                          for row in csv.DictReader(handle))
    from_db = sorted(db.execute("SELECT entity_type, entity_id, tag, rule_id, year FROM tag"))
    assert from_db == from_csv and len(from_db) > 1000
    per_tag = dict(db.execute("SELECT tag, count(*) FROM tag GROUP BY tag"))
    assert per_tag["populasi"] == sum(1 for row in from_csv if row[2] == "populasi")


def test_indicators_agree_with_indicators_json(jatim):
    _, out, db = jatim
    document = json.loads((out / "indicators.json").read_text())
    rows = db.execute("SELECT id, nama, nilai, satuan, pembilang, penyebut, catatan FROM indicator").fetchall()
    assert [list(row) for row in rows] == [
        [item[key] for key in ("id", "nama", "nilai", "satuan", "pembilang", "penyebut", "catatan")]
        for item in document["indicators"]]


def test_an_auditor_finds_the_koperasi_of_a_numerator_with_plain_sql(jatim):
    result, _, db = jatim
    rows = db.execute("""SELECT entity_id, nama, kab_kota FROM indicator_member_named
                          WHERE indicator_id = 'jatim-1' AND role = 'numerator' AND entity_type = 'koperasi'
                          ORDER BY entity_id""").fetchall()
    assert len(rows) == result.indicators[0].pembilang
    with (SAMPLES / "jatim" / "koperasi.csv").open(encoding="utf-8-sig") as handle:
        names: dict[str, str] = {}
        for row in csv.DictReader(handle, delimiter=";"):
            names.setdefault(row["nik"], row["nama"])  # a duplicate nik further down is rejected
    assert all(nama == names[entity_id] and kab_kota for entity_id, nama, kab_kota in rows)
    # and the same answer from the tags: in the population, with a RAT in 2024 (aktif 22/2007)
    by_tags = db.execute("""SELECT entity_id FROM tag WHERE tag = 'aktif_22_2007' AND entity_id IN
                             (SELECT entity_id FROM tag WHERE tag = 'populasi') ORDER BY entity_id""").fetchall()
    assert [row[0] for row in rows] == [row[0] for row in by_tags]


def test_decisions_hold_every_clause_as_a_bit_and_the_evidence_as_source_rows(jatim):
    result, _, db = jatim
    assert db.execute("SELECT count(*) FROM decision").fetchone()[0] == len(result.decisions)
    recorded = {(kind, entity_id, rule_id, node): held for year, kind, entity_id, rule_id, _, node, _, held
                in db.execute("SELECT * FROM clause_outcome") if year == result.year}
    assert recorded == {(d.entity_type, d.entity_id, d.rule_id, c.node): int(c.held)
                        for d in result.decisions for c in d.clauses}
    cited = sorted(db.execute("SELECT entity_id, rule_id, node, source_table || ':' || row FROM evidence"))
    expected = sorted((d.entity_id, d.rule_id, c.node, fact) for d in result.decisions for c in d.clauses
                      for fact in c.evidence if not fact.startswith("$"))  # derived facts are implied by the tree
    assert cited == expected and any(fact.startswith("rat:") for *_, fact in cited)
    # each cited row is a kept source row of that entity
    missing = db.execute("""SELECT count(*) FROM evidence AS v JOIN entity AS e USING (entity_type, entity_id)
                             WHERE v.source_table = 'rat' AND NOT EXISTS
                             (SELECT 1 FROM src_rat AS s WHERE s.entity = e.key AND s.row = v.row)""").fetchone()
    assert missing == (0,)


def test_explanations_are_not_stored_as_text_and_the_record_stays_small(jatim):
    result, out, db = jatim
    assert not db.execute("SELECT name FROM sqlite_master WHERE name LIKE '%explanation%'").fetchall()
    entities = sum(len(group) for group in result.entities.values())
    # the jatim sample (1,150 entities, few rows each): well under a kilobyte per entity
    assert (out / "run.sqlite").stat().st_size / entities < 1_000


def test_growth_members_carry_both_years(tmp_path):
    tables = {"koperasi": [koperasi(nik(1), kode_wilayah="15.71"), koperasi(nik(2), kode_wilayah="15.71")],
              "kinerja_koperasi": [{"nik": nik(1), "tahun": 2023, "volume_usaha": "100"},
                                   {"nik": nik(1), "tahun": 2024, "volume_usaha": "150"},
                                   {"nik": nik(2), "tahun": 2024, "volume_usaha": "70"}]}
    out = tmp_path / "out"
    execute_run(write_tables(tmp_path / "data", tables), "jambi", 2024, out, RULES)
    db = sqlite3.connect(out / "run.sqlite")
    rows = db.execute("""SELECT role, entity_id, nilai_sebelum, nilai FROM indicator_member_named
                          WHERE indicator_id = 'jambi-2' ORDER BY role, entity_id""").fetchall()
    db.close()
    assert rows == [("denominator", nik(1), 100.0, 150.0), ("excluded", nik(2), None, 70.0),
                    ("numerator", nik(1), 100.0, 150.0)]


def small_result(tmp_path, year: int = 2024):
    data = write_tables(tmp_path / "data", {"koperasi": [koperasi(nik(1))],
                                            "rat": [{"nik": nik(1), "tanggal_rat": "2024-03-01"}]})
    return run(data=data, profile_id="jatim", year=year, rules=RULES), data


def test_everything_is_written_in_one_transaction(tmp_path, monkeypatch):
    statements = traced_statements(monkeypatch)
    result, data = small_result(tmp_path)
    writer.write_run_record(result, tmp_path / "out", data)
    # The PRAGMAs (no journal, no fsync per page: the file is a temporary one) come before it.
    # "-- …" are the statements the name index (FTS5) runs inside another, e.g. writing at COMMIT.
    verbs = [statement.split()[0].upper() for statement in statements
             if not statement.startswith(("PRAGMA", "-- "))]
    assert verbs[0] == "BEGIN" and verbs[-1] == "COMMIT"  # built in place: not copied packed after it
    assert verbs.count("BEGIN") == 1 and verbs.count("COMMIT") == 1 and "ROLLBACK" not in verbs
    assert verbs.index("CREATE") > 0 and "INSERT" in verbs
    # the indexes, built once the rows are in (the sample frame's among them), then the names' index
    written = [statement.strip() for statement in statements if not statement.startswith(("PRAGMA", "-- "))]
    last_row = max(index for index, statement in enumerate(written) if statement.startswith(
        ('INSERT INTO "entity"', 'INSERT INTO "indicator_member"', 'INSERT INTO "stratum_member"')))
    indexes = written.index("CREATE INDEX entity_id ON entity (entity_id)")
    assert last_row < indexes < written.index("INSERT INTO entity_name (entity_name) VALUES ('rebuild')")


def test_a_failure_midway_leaves_the_previous_record_and_no_temporary_file(tmp_path, monkeypatch):
    result, data = small_result(tmp_path)
    out = tmp_path / "out"
    writer.write_run_record(result, out, data)
    before = (out / "run.sqlite").read_bytes()

    def broken(db, _series, _keys):
        db.execute("INSERT INTO indicator_member VALUES (0, 0, 0, 0, NULL, NULL)")
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(writer, "_insert_members", broken)
    with pytest.raises(RuntimeError):
        writer.write_run_record(result, out, data)
    assert (out / "run.sqlite").read_bytes() == before
    assert sorted(path.name for path in out.iterdir()) == ["run.sqlite"]


def test_each_run_replaces_the_record_of_the_folder(tmp_path):
    out = tmp_path / "out"
    for year in (2023, 2024):
        result, data = small_result(tmp_path, year)
        writer.write_run_record(result, out, data)
    db = sqlite3.connect(out / "run.sqlite")
    assert db.execute("SELECT year FROM run").fetchall() == [(2024,)]
    assert db.execute("SELECT count(*) FROM entity").fetchone() == (1,)
    db.close()


def test_participant_names_stay_out_of_the_record(tmp_path):
    name = "Sulastri Wahyuningtyas"
    data = write_tables(tmp_path / "data", {
        "koperasi": [koperasi(nik(1))],
        "diklat": [{"id_peserta": "P-77", "nama": name, "tahun": 2024, "skor": "80"}],
    })
    execute_run(data, "jatim", 2024, tmp_path / "out", RULES)
    db = sqlite3.connect(tmp_path / "out" / "run.sqlite")
    assert db.execute("SELECT nama FROM entity WHERE entity_type = 'peserta_diklat'").fetchall() == [("",)]
    db.close()
    assert name.encode() not in (tmp_path / "out" / "run.sqlite").read_bytes()
    cells = [cell for sheet in load_workbook(tmp_path / "out" / "report.xlsx").worksheets
             for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "P-77" in cells and not any(name in str(cell) for cell in cells)  # .xlsx is zipped: read the cells


def test_every_compiled_rule_comes_back_from_the_record_unchanged(jatim):
    result, out, _ = jatim
    store = StoreSource(out)
    for kind in ("koperasi", "ukm", "peserta_diklat"):
        assert store.rules(kind) == rule_views(result, kind) and store.rules(kind)
    store.close()


def test_entities_share_verdicts_and_citations_and_years_come_from_dates(jatim):
    result, _, db = jatim
    entities = sum(len(group) for group in result.entities.values())
    verdicts, citations, outcomes = db.execute(
        "SELECT (SELECT count(*) FROM verdict), (SELECT count(DISTINCT citation) FROM outcome), "
        "(SELECT count(*) FROM outcome)").fetchone()
    assert outcomes == entities and verdicts * 5 < entities and citations * 2 < entities
    assert [name for _, name, *_ in db.execute("PRAGMA table_info(outcome)")] == ["year", "entity", "verdict", "citation"]
    stored = [name for _, name, *_ in db.execute("PRAGMA table_info(src_rat)")]
    assert "tanggal_rat" in stored and "tahun_rat" not in stored
    entity_id = db.execute("SELECT e.entity_id FROM entity AS e JOIN src_rat AS s ON s.entity = e.key").fetchone()[0]
    rat = [fact for fact in StoreSource(jatim[1]).entity("koperasi", entity_id).facts if fact["t"] == "rat"]
    assert rat and all(fact["tahun_rat"] == fact["tanggal_rat"] // 10_000 for fact in rat)


def _rows_of(path):
    db = sqlite3.connect(path)
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                             "'entity_name%' AND name != 'run' ORDER BY name")]
    return {table: sorted(db.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables}


def test_the_writer_holds_a_batch_of_entities_at_a_time(tmp_path, monkeypatch):
    data = SAMPLES / "jatim"
    result = run(data=data, profile_id="jatim", year=2024, rules=RULES)
    writer.write_run_record(result, tmp_path / "whole", data)
    inserted: list[tuple[str, int]] = []
    insert = writer.insert_columns

    def counted(db, table, columns, count):
        inserted.append((table, count))
        insert(db, table, columns, count)

    monkeypatch.setattr(writer, "BATCH", 3)
    monkeypatch.setattr(writer, "insert_columns", counted)
    writer.write_run_record(result, tmp_path / "batched", data)
    entity_batches = [count for table, count in inserted if table == "entity"]
    assert len(entity_batches) > 1 and max(entity_batches) <= 3
    member_batches = [count for table, count in inserted if table == "indicator_member"]
    assert len(member_batches) > 1 and max(member_batches) <= 3
    assert _rows_of(tmp_path / "batched" / "run.sqlite") == _rows_of(tmp_path / "whole" / "run.sqlite")
