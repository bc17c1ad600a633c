"""A rule whose definition changed over time: the version in force on 31 December n is used."""

import pytest

from engine.explain import explain
from tests.support import decision_of, koperasi, nik, run_tables

TAG = "aktif_peraturan_berlaku"


def tables(year: int) -> dict:
    """Koperasi 1: RAT only in year n. Koperasi 2: RAT in n-2..n and business serving members in n."""
    return {
        "koperasi": [koperasi(nik(1), tanggal_badan_hukum="2001-01-01"), koperasi(nik(2), tanggal_badan_hukum="2001-01-01")],
        "rat": [{"nik": nik(1), "tanggal_rat": f"{year}-03-01"},
                *({"nik": nik(2), "tanggal_rat": f"{y}-03-01"} for y in (year - 2, year - 1, year))],
        "kinerja_koperasi": [{"nik": nik(2), "tahun": year, "volume_usaha": "1.000.000", "melayani_anggota": "ya"}],
    }


@pytest.mark.parametrize(("year", "version", "only_rat_in_n_is_active"), [(2014, 1, True), (2016, 2, False)])
def test_the_version_in_force_decides(tmp_path, year, version, only_rat_in_n_is_active):
    result = run_tables(tmp_path, tables(year), year=year)
    first = decision_of(result, nik(1), TAG)
    assert first.rule_version == version
    assert first.given is only_rat_in_n_is_active
    assert decision_of(result, nik(2), TAG).given


def test_explanations_name_the_version_and_its_period(tmp_path):
    result = run_tables(tmp_path, tables(2016), year=2016)
    rule = explain(result, nik(1), TAG)[0].aturan[0]
    assert rule.versi == 2 and rule.berlaku_dari.isoformat() == "2015-09-17" and rule.berlaku_sampai is None
    old = explain(run_tables(tmp_path / "old", tables(2014), year=2014), nik(1), TAG)[0].aturan[0]
    assert old.versi == 1 and old.berlaku_sampai.isoformat() == "2015-09-16"
