"""Rule coverage: the feature files must exercise every rule, clause and indicator both ways.

The completeness check reads what the feature scenarios of this same session recorded (tests/conftest.py
orders it after them), so the suite runs the features once. Run on its own, it runs the features in a
subprocess instead.
"""

import subprocess
import sys

import pytest

from tests import coverage_rules
from tests.support import REPO, koperasi, nik, run_tables


def _recorded(tmp_path, runs) -> coverage_rules.Seen:
    seen = coverage_rules.Seen()
    for index, (tables, year, profile) in enumerate(runs):
        coverage_rules.record(run_tables(tmp_path / str(index), tables, year=year, profile=profile), seen)
    return seen


def test_one_assessment_leaves_rules_clauses_and_indicators_uncovered(tmp_path):
    seen = _recorded(tmp_path, [({"koperasi": [koperasi(nik(1))]}, 2024, "jatim")])
    coverage = coverage_rules.report(seen)
    assert coverage.line.startswith("cakupan aturan: 0/17 aturan, ")
    assert not coverage.complete
    assert ("rules/criteria/koperasi/aktif_22_2007.yaml:1 aturan koperasi_aktif_22_2007: belum diuji saat diberikan"
            in coverage.missing)
    assert any(item.startswith("rules/criteria/koperasi/aktif_22_2007.yaml:") and
               item.endswith("klausa rat_tahun_n: belum diuji saat terpenuhi") for item in coverage.missing)
    # only "tidak dapat dihitung" was seen (no rat data); jambi was not run at all
    assert any(item.endswith("indikator jatim-1: belum diuji saat dihitung") for item in coverage.missing)
    assert any(item.endswith("indikator jambi-1: belum diuji saat dihitung dan tidak dapat dihitung")
               for item in coverage.missing)


def test_yearly_clauses_count_once_and_rule_versions_count_apart(tmp_path):
    rat = [{"nik": nik(1), "tanggal_rat": "2014-03-01"}, {"nik": nik(1), "tanggal_rat": "2016-03-01"}]
    tables = {"koperasi": [koperasi(nik(1)), koperasi(nik(2))], "rat": rat}
    seen = _recorded(tmp_path, [(tables, 2014, "jatim"), (tables, 2016, "jatim")])
    missing = "\n".join(coverage_rules.report(seen).missing)
    # version 1 (22/2007) was given to one koperasi and refused to the other; its RAT clause went both ways
    assert "aturan koperasi_aktif_peraturan_berlaku versi 1:" not in missing
    assert "versi 1 klausa rat_tahun_n:" not in missing
    # version 2 (25/2015): 2014 and 2015 held in no window, 2016 held — one clause rat_{y}, seen both ways
    assert "versi 2 klausa rat_{y}:" not in missing
    assert "aturan koperasi_aktif_peraturan_berlaku versi 2: belum diuji saat diberikan" in missing
    assert "versi 2 klausa usaha_melayani_anggota: belum diuji saat terpenuhi" in missing
    # a clause is listed with the line where it is written
    assert "rules/criteria/koperasi/aktif_peraturan_berlaku.yaml:28 aturan koperasi_aktif_peraturan_berlaku versi 1 " \
           "klausa populasi: belum diuji saat gagal" in missing


def test_the_feature_files_cover_every_rule_clause_and_indicator(request):
    features_ran = any(item.path.name == "test_features.py" for item in request.session.items)
    if not features_ran:
        command = [sys.executable, "-m", "pytest", "tests/test_features.py", "-q", "-p", "no:cacheprovider"]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"features/ gagal atau belum tercakup penuh:\n{done.stdout[-4000:]}"
        assert "cakupan aturan:" in done.stdout
        return
    if hasattr(request.config, "workerinput"):
        pytest.skip("pytest-xdist: tiap pekerja hanya melihat sebagian skenario; proses induk menilai cakupan "
                    "seluruhnya di akhir sesi (tests/conftest.py)")
    if coverage_rules.features_partial(request.session):
        pytest.skip("hanya sebagian skenario features/ yang dijalankan; cakupan dinilai pada run lengkap")
    coverage = coverage_rules.report()
    assert coverage.complete, coverage.line + "\n" + "\n".join(f"tidak tercakup: {item}" for item in coverage.missing)


def test_worker_shares_merge_into_what_one_process_would_have_seen(tmp_path):
    """Under pytest-xdist each worker exports what its scenarios saw; the controller's merge loses nothing."""
    tables = {"koperasi": [koperasi(nik(1)), koperasi(nik(2))],
              "rat": [{"nik": nik(1), "tanggal_rat": "2016-03-01"}]}
    runs = [(tables, 2016, "jatim"), (tables, 2016, "jambi")]
    together = _recorded(tmp_path / "together", runs)
    merged = coverage_rules.Seen()
    for index, run in enumerate(runs):
        share = _recorded(tmp_path / f"worker{index}", [run])
        share.partial = index == 1
        merged.merge(share.export())
    assert (merged.clauses, merged.rules, merged.indicators) == (together.clauses, together.rules, together.indicators)
    assert merged.runs == 2 and merged.partial
    assert coverage_rules.report(merged).missing == coverage_rules.report(together).missing
