"""The feature files in features/ are executable regulations: each scenario runs the real rules.

Below the binding: how a failing check reads, since policy staff act on that message.
"""

import re

import pytest
from pytest_bdd import scenarios

from tests.steps.common import *  # noqa: F401,F403 — the step library
from tests.steps.common import Assessment, explanation_contains, given_table, tag_verdict
from tests.support import koperasi, nik, run_tables

scenarios(".")


def _assessed(tmp_path, tables) -> Assessment:
    # built without the coverage record: these runs must not count as scenarios exercising a rule
    return Assessment(tmp_path, result=run_tables(tmp_path, tables, year=2024, profile="jambi"))


def test_a_failing_tag_check_says_which_entity_got_which_tag_and_why(tmp_path):
    rats = [{"nik": nik(1), "tanggal_rat": day} for day in ("2022-03-01", "2024-03-01")]
    work = [{"nik": nik(1), "tahun": "2024", "volume_usaha": "1.000.000", "melayani_anggota": "ya"}]
    assessment = _assessed(tmp_path, {"koperasi": [koperasi(nik(1))], "rat": rats, "kinerja_koperasi": work})

    with pytest.raises(AssertionError) as failure:
        tag_verdict(assessment, "koperasi", nik(1), "mendapat", "aktif_25_2015")
    message = str(failure.value)
    assert message.startswith(f"koperasi {nik(1)} tidak mendapat tag aktif_25_2015 karena: tidak ada RAT pada tahun 2023")
    assert "Permen KUKM No. 25/Per/M.KUKM/IX/2015" in message  # the full explanation follows

    with pytest.raises(AssertionError) as failure:
        tag_verdict(assessment, "koperasi", nik(1), "tidak mendapat", "populasi")
    assert str(failure.value).startswith(
        f"koperasi {nik(1)} mendapat tag populasi karena: Berbadan hukum paling lambat 31 Desember 2024; "
        "Belum bubar pada 31 Desember 2024")


def test_a_tag_check_on_a_rejected_entity_says_it_was_rejected(tmp_path):
    assessment = _assessed(tmp_path, {"koperasi": [koperasi("3.57801E+15")]})
    with pytest.raises(AssertionError, match=r"tidak ada dalam data yang dinilai; baris ditolak: koperasi baris 2 kolom nik"):
        tag_verdict(assessment, "koperasi", "3.57801E+15", "mendapat", "populasi")


def test_an_explanation_check_shows_the_explanation_it_searched(tmp_path):
    assessment = _assessed(tmp_path, {"koperasi": [koperasi(nik(1))]})
    with pytest.raises(AssertionError, match=r"(?s)tidak memuat 'RAT 2024'.*tidak ada RAT pada tahun 2024"):
        explanation_contains(assessment, "koperasi", nik(1), "aktif_22_2007", "memuat", "RAT 2024")


def test_a_misspelt_table_or_column_is_named_not_ignored(tmp_path):
    assessment = Assessment(tmp_path)
    header = ["nik", "tahun", "skor_keshatan"]
    with pytest.raises(AssertionError, match=re.escape("kolom 'skor_keshatan' tidak ada di tabel kinerja_koperasi "
                                                       "(maksudnya 'skor_kesehatan'?); ")):
        given_table(assessment, "kinerja_koperasi", [header, [nik(1), "2024", "80"]])
    with pytest.raises(AssertionError, match=re.escape("tabel 'kinerja_koprasi' tidak ada dalam kontrak data "
                                                       "(maksudnya 'kinerja_koperasi'?); ")):
        given_table(assessment, "kinerja_koprasi", [["nik"], [nik(1)]])
