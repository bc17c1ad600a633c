"""The rule-coverage report finds what scenarios left untested (the features' own run is checked
at the end of the session, tests/conftest.py)."""

from tests import coverage_rules
from tests.support import koperasi, nik, run_tables


def test_one_scenario_leaves_rules_and_clauses_uncovered(tmp_path):
    seen = coverage_rules.Seen()
    coverage_rules.record(run_tables(tmp_path, {"koperasi": [koperasi(nik(1))]}), seen)
    line, missing = coverage_rules.report(seen)
    assert line.startswith("cakupan aturan: 0/")
    assert any("koperasi/aktif_22_2007.yaml aturan koperasi_aktif_22_2007: belum diuji saat terpenuhi" in item
               for item in missing)
    assert any("klausa rat_tahun_n: belum diuji saat terpenuhi" in item for item in missing)
    assert any(item.endswith("indikator jatim-7: belum pernah dihitung") for item in missing)  # no diklat data
