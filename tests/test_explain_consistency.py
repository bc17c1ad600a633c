"""Over a whole run, explanations and the audit log never disagree with tags.csv.

The data is the Jawa Timur sample when it is there, otherwise a seeded dataset built here with the
helpers of tests/support.py (boundary scores, gaps in RAT, dissolved and future koperasi).
"""

import csv
import hashlib
import json
import random
from pathlib import Path

import pytest

from engine import log
from engine.explain import Explainer, explanation_texts
from engine.ingest.readers import DataError
from engine.outputs.run import execute_run
from tests.support import RULES, SAMPLES, koperasi, nib, nik, write_tables

N = 2024


def generated_tables(seed: int = 7, count: int = 60) -> dict[str, list[dict[str, object]]]:
    pick = random.Random(seed)
    tables: dict[str, list[dict[str, object]]] = {name: [] for name in (
        "koperasi", "rat", "kinerja_koperasi", "ukm", "kinerja_ukm", "fasilitasi", "diklat")}
    for number in range(1, count + 1):
        founded = pick.choice(["2001-05-02", "2015-07-01", f"{N}-03-04", f"{N + 1}-01-02"])
        dissolved = pick.choice(["", "", "", f"{N}-06-30", f"{N - 1}-12-31", f"{N + 1}-02-01"])
        tables["koperasi"].append(koperasi(nik(number), tanggal_badan_hukum=founded, tanggal_bubar=dissolved))
        for year in range(N - 3, N + 1):
            if pick.random() < 0.7:
                day = pick.choice([f"{year}-04-01", f"{year}-12-31"])  # 31 December: a boundary
                tables["rat"].append({"nik": nik(number), "tanggal_rat": day})
        for year in (N - 1, N):
            if pick.random() < 0.8:
                tables["kinerja_koperasi"].append({
                    "nik": nik(number), "tahun": year, "volume_usaha": pick.choice(["0", "Rp 2.500.000", ""]),
                    "melayani_anggota": pick.choice(["ya", "tidak"]),
                    "skor_kesehatan": pick.choice(["", "80", "79,99", "66", "65.99", "51", "50,99", "92"])})
        tables["ukm"].append({"nib": nib(number), "nama": f"UKM {number}", "kode_wilayah": "35.78"})
        tables["kinerja_ukm"].extend({"nib": nib(number), "tahun": year, "omset": str(pick.randint(1, 9) * 10**6)}
                                     for year in (N - 1, N) if pick.random() < 0.8)
        for kukm in (nik(number), nib(number)):
            if pick.random() < 0.4:
                tables["fasilitasi"].append({"id_kukm": kukm, "tahun": pick.choice([N - 1, N]),
                                             "bidang": pick.choice(["pemasaran", "legalitas"])})
        tables["diklat"].append({"id_peserta": f"P-{number}", "nama": f"Peserta {number}", "tahun": N,
                                 "skor": pick.choice(["75", "74,99", "90", "40"])})
    return tables


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("consistency")
    data = SAMPLES / "jatim"
    if not (data / "koperasi.csv").exists():
        data = write_tables(out / "data", generated_tables())
    log.configure(quiet=True)  # the console's level must not thin out the audit log
    result = execute_run(data, "jatim", N, out / "out", RULES)
    return result, data, out / "out"


def tagged(out: Path) -> set[tuple[str, str, str]]:
    with (out / "tags.csv").open(encoding="utf-8", newline="") as handle:
        return {(row["entity_type"], row["entity_id"], row["tag"]) for row in csv.DictReader(handle)}


def first_block(clauses):
    """The first top-level clause with everything shown beneath it."""
    block = [clauses[0]]
    for clause in clauses[1:]:
        if clause.tingkat == 0:
            break
        block.append(clause)
    return block


def test_every_verdict_agrees_with_tags_csv(run):
    result, _, out = run
    tags = tagged(out)
    explainer = Explainer(result)
    checked = 0
    for kind, group in result.entities.items():
        for entity in group:
            explanation = explainer.entity(kind, entity.entity_id)
            for rule in explanation.aturan:
                key = (kind, entity.entity_id, rule.tag)
                assert rule.diberikan == (key in tags), key
                checked += 1
                if not rule.diberikan:  # why not: something failed, and it is named first
                    deciding = [clause for clause in rule.klausa if clause.penentu]
                    assert deciding and any(clause.penentu for clause in first_block(rule.klausa)), rule.aturan
                    assert all(clause.teks in rule.ringkasan for clause in deciding), rule.ringkasan
    assert checked == len(result.decisions) > 0


def test_every_entity_has_a_text_explanation_in_bahasa_indonesia(run):
    result, _, _ = run
    texts = explanation_texts(result)
    assert len(texts) == sum(len(group) for group in result.entities.values())
    for (kind, entity_id), text in texts.items():
        assert text.startswith(f"{kind} {entity_id}") and "Tahun penilaian" in text


def test_rat_rows_cited_by_explanations_exist_in_the_input(run):
    """Every "rat.csv baris k" an explanation cites is a real row of that file with that NIK."""
    result, data, _ = run
    if not (data / "rat.csv").exists():
        pytest.skip("no rat.csv in this dataset")
    with (data / "rat.csv").open(encoding="utf-8-sig", newline="") as handle:
        dialect = csv.Sniffer().sniff(handle.readline())
        handle.seek(0)
        rows = list(csv.DictReader(handle, dialect=dialect))
    explainer = Explainer(result)
    for entity in result.entities["koperasi"][:80]:
        for rule in explainer.entity("koperasi", entity.entity_id).aturan:
            for clause in rule.klausa:
                for fact in clause.fakta:
                    if fact.sumber == "rat.csv":
                        assert rows[fact.baris - 2]["nik"] == entity.entity_id, fact  # row 1 is the header


def audit_events(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def test_the_audit_log_is_the_log_of_the_run_not_a_copy_of_its_decisions(run):
    result, data, out = run
    events = audit_events(out)
    by_kind: dict[str, list[dict]] = {}
    for event in events:
        by_kind.setdefault(event["event"], []).append(event)
    assert events[0]["event"] == "run_dimulai" and events[-1]["event"] == "run_selesai"
    assert events[-1]["status"] == 0 and events[-1]["keputusan"] == len(result.decisions)
    rules = by_kind["aturan"][0]
    assert rules["versi"] == result.book.version
    assert {parameter["id"] for parameter in rules["parameter"]} >= {"batas_predikat_baik", "jendela_tahun_aktif"}
    files = sorted(data.iterdir()) if data.is_dir() else [data]
    hashes = {event["nama"]: event["sha256"] for event in by_kind["berkas_masukan"]}
    assert hashes == {file.name: hashlib.sha256(file.read_bytes()).hexdigest() for file in files if file.name in hashes}
    assert len(hashes) == len(result.dataset.sources) > 0
    counts = {event["table"]: (event["read"], event["used"], event["rejected"]) for event in by_kind["tabel"]}
    assert counts == {c.table: (c.read, c.used, c.rejected) for c in result.dataset.counts}
    assert {event["table"]: event["entitas"] for event in by_kind["di_luar_provinsi"]} == result.outside_province
    assert [event["id"] for event in by_kind["indikator"]] == [indicator.id for indicator in result.indicators]
    # kilobytes: a line per table, file and indicator, none per decision or rejected row
    assert "keputusan" not in by_kind and "baris_ditolak" not in by_kind
    assert len(events) < 60 and (out / "audit.jsonl").stat().st_size < 20_000


def test_a_failed_run_leaves_no_log_of_its_own(tmp_path):
    """Its folder, audit log included, is removed; the previous run's log stays the one shown."""
    data = write_tables(tmp_path / "data", {"rat": [{"nik": nik(1), "tanggal_rat": "2024-03-01"}]})  # no koperasi
    with pytest.raises(DataError):
        execute_run(data, "jatim", N, tmp_path / "out", RULES)
    assert not (tmp_path / "out" / "audit.jsonl").exists()  # the name is a link to no run
    assert not [path for path in (tmp_path / "out" / "runs").rglob("*") if path.name.startswith("audit.jsonl")]


def test_the_audit_log_holds_no_participant_names(run):
    result, _, out = run
    audit = (out / "audit.jsonl").read_text(encoding="utf-8")
    names = {record.nama for record in result.dataset.table("diklat") if record.nama}
    assert names and not [name for name in names if name in audit]
