"""Each criterion at its boundaries, through ingest, compiler and durable_rules (year n = 2024)."""

import pytest

from tests.support import decision_of, koperasi, nik, run_tables, tags_of

N = 2024


def rat(number: int, *dates: str) -> list[dict[str, object]]:
    return [{"nik": nik(number), "tanggal_rat": day} for day in dates]


def kinerja(number: int, tahun: int = N, volume: str = "1.000.000", melayani: str = "ya", skor: str = "") -> dict:
    return {"nik": nik(number), "tahun": tahun, "volume_usaha": volume, "melayani_anggota": melayani,
            "skor_kesehatan": skor}


FULL_RAT = ("2022-04-01", "2023-04-01", "2024-04-01")


@pytest.fixture(scope="module")
def koperasi_run(tmp_path_factory):
    tables = {
        "koperasi": [
            koperasi(nik(1)),                                      # RAT every year, business
            koperasi(nik(2)),                                      # RAT gap in n-1
            koperasi(nik(3)),                                      # RAT on 31 Dec n
            koperasi(nik(4)),                                      # RAT on 1 Jan n+1 only (for year n)
            koperasi(nik(5)),                                      # two RATs in n
            koperasi(nik(6), tanggal_badan_hukum="2024-12-31"),    # founded in n
            koperasi(nik(7), tanggal_badan_hukum="2025-01-01"),    # founded after n
            koperasi(nik(8), tanggal_bubar="2024-12-31"),          # dissolved in n
            koperasi(nik(9), tanggal_bubar="2025-01-01"),          # dissolved after n
            koperasi(nik(10)),                                     # volume 0
            koperasi(nik(11)),                                     # not serving members
            koperasi(nik(12)),                                     # no RAT at all, business
            koperasi(nik(13)),                                     # RAT in one year only, no business
        ],
        "rat": [
            *rat(1, *FULL_RAT), *rat(2, "2022-04-01", "2024-04-01"), *rat(3, "2022-04-01", "2023-04-01", "2024-12-31"),
            *rat(4, "2022-04-01", "2023-04-01", "2025-01-01"), *rat(5, "2022-04-01", "2023-04-01", "2024-02-01", "2024-06-01"),
            *rat(6, "2024-12-31"), *rat(7, "2025-02-01"), *rat(8, *FULL_RAT), *rat(9, *FULL_RAT),
            *rat(10, *FULL_RAT), *rat(11, *FULL_RAT), *rat(13, "2023-05-05"),
        ],
        "kinerja_koperasi": [
            kinerja(1, skor="80"), kinerja(2, skor="79,99"), kinerja(3, skor="66"), kinerja(4, skor="65.99"),
            kinerja(5, skor="51"), kinerja(6, skor="50,99"), kinerja(8), kinerja(9, skor="100"),
            kinerja(10, volume="0", skor="90"), kinerja(11, melayani="tidak", skor="90"), kinerja(12),
            kinerja(13, volume="0"),
        ],
    }
    return run_tables(tmp_path_factory.mktemp("koperasi"), tables, year=N)


@pytest.mark.parametrize(
    ("number", "expected", "absent"),
    [
        (1, {"populasi", "aktif_22_2007", "aktif_25_2015", "sehat", "berkualitas"}, {"tidak_aktif_25_2015"}),
        (2, {"populasi", "aktif_22_2007", "cukup_sehat"}, {"aktif_25_2015", "tidak_aktif_25_2015", "berkualitas"}),
        (3, {"aktif_22_2007", "aktif_25_2015", "cukup_sehat", "berkualitas"}, {"sehat"}),
        (4, {"populasi", "dalam_pengawasan"}, {"aktif_22_2007", "aktif_25_2015", "cukup_sehat"}),
        (5, {"aktif_22_2007", "aktif_25_2015", "dalam_pengawasan"}, {"berkualitas"}),
        (6, {"populasi", "aktif_22_2007", "dalam_pengawasan_khusus"}, {"aktif_25_2015", "dalam_pengawasan"}),
        (7, set(), {"populasi", "aktif_22_2007"}),
        (8, set(), {"populasi", "aktif_22_2007", "aktif_25_2015", "tidak_aktif_25_2015"}),
        (9, {"populasi", "aktif_22_2007", "aktif_25_2015", "sehat", "berkualitas"}, set()),
        (10, {"aktif_22_2007", "tidak_aktif_25_2015", "sehat"}, {"aktif_25_2015", "berkualitas"}),
        (11, {"aktif_22_2007", "sehat"}, {"aktif_25_2015", "tidak_aktif_25_2015", "berkualitas"}),
        (12, {"populasi", "tidak_aktif_25_2015"}, {"aktif_22_2007", "aktif_25_2015"}),
        (13, {"populasi", "tidak_aktif_25_2015"}, {"aktif_22_2007", "aktif_25_2015"}),
    ],
    ids=["rat-each-year-skor-80", "rat-gap-n-1-skor-79.99", "rat-31-dec-skor-66", "rat-1-jan-next-skor-65.99",
         "two-rats-skor-51", "founded-in-n-skor-50.99", "founded-after-n", "dissolved-in-n", "dissolved-after-n",
         "volume-0", "not-serving-members", "no-rat", "one-rat-no-business"],
)
def test_koperasi_tags_at_the_boundaries(koperasi_run, number, expected, absent):
    tags = tags_of(koperasi_run, nik(number))
    assert expected <= tags, f"missing {expected - tags}"
    assert not absent & tags, f"unexpected {absent & tags}"


def test_not_assessed_has_no_health_predicate(koperasi_run):
    tags = tags_of(koperasi_run, nik(12))
    assert not tags & {"sehat", "cukup_sehat", "dalam_pengawasan", "dalam_pengawasan_khusus", "berkualitas"}
    decision = decision_of(koperasi_run, nik(12), "sehat")
    assert not decision.clause("koperasi_kesehatan_sehat.dinilai").held


def test_rat_gap_is_the_failed_clause_of_year_n_minus_1(koperasi_run):
    decision = decision_of(koperasi_run, nik(2), "aktif_25_2015")
    assert not decision.given
    failed = [clause.node for clause in decision.clauses if not clause.held and "#" not in clause.node]
    assert "koperasi_aktif_25_2015.rat_2023" in failed
    assert decision.clause("koperasi_aktif_25_2015.rat_2022").held
    assert decision.clause("koperasi_aktif_25_2015.rat_2024").held


def test_two_rats_in_one_year_are_both_evidence(koperasi_run):
    decision = decision_of(koperasi_run, nik(5), "aktif_22_2007")
    evidence = decision.clause("koperasi_aktif_22_2007.rat_tahun_n").evidence
    assert len(evidence) == 2 and all(item.startswith("rat:") for item in evidence)


def test_the_25_2015_gap_is_neither_active_nor_inactive(koperasi_run):
    tags = tags_of(koperasi_run, nik(2))
    assert "populasi" in tags and not tags & {"aktif_25_2015", "tidak_aktif_25_2015"}


def test_every_koperasi_has_a_decision_for_every_rule(koperasi_run):
    rules = {decision.rule_id for decision in koperasi_run.decisions if decision.entity_type == "koperasi"}
    for number in range(1, 14):
        assert {d.rule_id for d in koperasi_run.decisions if d.entity_id == nik(number)} == rules


@pytest.fixture(scope="module")
def diklat_run(tmp_path_factory):
    tables = {
        "koperasi": [koperasi(nik(1))],
        "diklat": [
            {"id_peserta": "P-75", "tahun": N, "skor": "75"},
            {"id_peserta": "P-7499", "tahun": N, "skor": "74,99"},
            {"id_peserta": "P-100", "tahun": N, "skor": "100"},
            {"id_peserta": "P-lalu", "tahun": N - 1, "skor": "90"},
            {"id_peserta": "P-dua", "tahun": N, "skor": "80", "program": "A"},
            {"id_peserta": "P-dua", "tahun": N, "skor": "60", "program": "B"},
        ],
    }
    return run_tables(tmp_path_factory.mktemp("diklat"), tables, year=N)


@pytest.mark.parametrize(
    ("entity_id", "baik"),
    [("P-75", True), ("P-7499", False), ("P-100", True), ("P-lalu", False), ("P-dua#6", True), ("P-dua#7", False)],
)
def test_predikat_baik_at_75(diklat_run, entity_id, baik):
    assert ("predikat_baik" in tags_of(diklat_run, entity_id)) is baik


def test_jatim_7_counts_rows_of_year_n(diklat_run):
    indicator = next(item for item in diklat_run.indicators if item.id == "jatim-7")
    assert (indicator.pembilang, indicator.penyebut, indicator.nilai) == (3, 5, 60.0)


@pytest.fixture(scope="module")
def kukm_run(tmp_path_factory):
    nib = "0000000000001"
    tables = {
        "koperasi": [koperasi(nik(1)), koperasi(nik(2))],
        "ukm": [{"nib": nib, "nama": "UD A", "kode_wilayah": "35.07"}],
        "fasilitasi": [
            {"id_kukm": nik(1), "tahun": N, "bidang": "pemasaran"},
            {"id_kukm": nib, "tahun": N, "bidang": "sdm"},
            {"id_kukm": nik(2), "tahun": N - 1, "bidang": "pemasaran"},
        ],
        "pembiayaan": [{"id_kukm": nib, "tanggal_pengajuan": "31/12/2024", "lembaga": "BRI", "nilai": "Rp 5.000.000"}],
        "legalitas": [{"id_kukm": nik(2), "tanggal": "1 Januari 2024", "jenis": "tambah_unit_usaha"}],
        "standardisasi": [
            {"id_kukm": nik(1), "standar": "ISO 9001", "lembaga": "Sucofindo", "tanggal_terbit": "2024-06-01"},
            {"id_kukm": nib, "standar": "SNI", "lembaga": "BSN", "tanggal_terbit": "2024-06-01"},
            {"id_kukm": nik(2), "standar": "halal", "lembaga": "BPJPH", "tanggal_terbit": "2023-12-31"},
        ],
    }
    return run_tables(tmp_path_factory.mktemp("kukm"), tables, year=N)


def test_kukm_criteria(kukm_run):
    assert {"dibina", "difasilitasi_pemasaran", "terstandardisasi"} <= tags_of(kukm_run, nik(1))
    ukm = tags_of(kukm_run, "0000000000001")
    assert {"dibina", "mengajukan_pembiayaan"} <= ukm and not ukm & {"difasilitasi_pemasaran", "terstandardisasi"}
    second = tags_of(kukm_run, nik(2))
    assert "memperoleh_legalitas" in second and not second & {"dibina", "terstandardisasi"}


def test_a_non_recognised_standard_fails_on_the_standard_clause(kukm_run):
    decision = decision_of(kukm_run, "0000000000001", "terstandardisasi")
    assert decision.clause("kukm_terstandardisasi.sertifikat_tahun_n").held
    assert not decision.clause("kukm_terstandardisasi.iso_diakui").held
    assert not decision.clause("kukm_terstandardisasi.halal_bpjph").held
