"""Explanations for auditors: why and why not, cited and traced to the input rows.

Every case is built as CSV tables and run through the real pipeline; row numbers are the ones a
user sees in a spreadsheet (the header is row 1).
"""

import json

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.explain import UnknownId, UnknownTag, explain, explanation_texts, render
from engine.explain.model import EntityExplanation, RuleExplanation
from tests.support import koperasi, nik, run_tables, write_tables

N = 2024
NAME = "Sulastri Wahyuningtyas"  # a participant's name: personal data, never in an explanation


def rats(number, *days):
    return [{"nik": nik(number), "tanggal_rat": day} for day in days]


def business(number, skor="", year=N, volume="Rp 5.000.000"):
    return {"nik": nik(number), "tahun": year, "volume_usaha": volume, "melayani_anggota": "ya",
            "skor_kesehatan": skor}


ALL_THREE = ("2022-03-01", "2023-03-01", "2024-03-01")
TABLES = {
    "koperasi": [  # rows 2..8
        koperasi(nik(1)), koperasi(nik(2)), koperasi(nik(3)), koperasi(nik(4)),
        koperasi(nik(5), tanggal_bubar="15/06/2024"), koperasi(nik(6), tanggal_badan_hukum="2025-02-03"),
        koperasi(nik(7)),
    ],
    "rat": [  # nik 1: rows 2-3 (no RAT in 2023); nik 2: 4-6; nik 3: 7-9; nik 4: 10-12; nik 5: 13-15
        *rats(1, "2022-03-01", "2024-03-01"), *rats(2, *ALL_THREE), *rats(3, *ALL_THREE), *rats(4, *ALL_THREE),
        *rats(5, *ALL_THREE),
    ],
    "kinerja_koperasi": [  # rows 2..8
        business(1, "90"), business(2, "80"), business(3, "79,99"), business(4), business(5, "85"), business(7),
        business(2, "70", year=N - 1, volume="Rp 4.000.000"),
    ],
    "fasilitasi": [{"id_kukm": nik(1), "tahun": N, "bidang": "pemasaran"},
                   {"id_kukm": nik(2), "tahun": N, "bidang": "pemasaran"}],
    "diklat": [  # rows 2..4; the last participant's id is also a koperasi's NIK
        {"id_peserta": "P-75", "nama": NAME, "tahun": N, "skor": "75"},
        {"id_peserta": "P-7499", "nama": NAME, "tahun": N, "skor": "74,99"},
        {"id_peserta": nik(2), "nama": NAME, "tahun": N, "skor": "60"},
    ],
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run_tables(tmp_path_factory.mktemp("explain"), TABLES, year=N)


def entity(result, entity_id, tag=None, kind="koperasi") -> EntityExplanation:
    return next(item for item in explain(result, entity_id, tag) if getattr(item, "jenis", None) == kind)


def rule_of(result, entity_id, tag, kind="koperasi") -> RuleExplanation:
    return entity(result, entity_id, tag, kind).aturan[0]


def text_of(result, entity_id, tag=None, kind="koperasi"):
    return render(entity(result, entity_id, tag, kind))


def verdict(text):
    return next(line for line in text.splitlines() if line.startswith(("YA", "TIDAK")))


def clause_lines(text):
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("  Klausa ("))
    return lines[start + 1:]


def test_rat_gap_in_n_minus_1_is_named_first_with_its_regulation_and_rows(result):
    text = text_of(result, nik(1), "aktif_25_2015")
    assert verdict(text).startswith("TIDAK") and verdict(text).endswith(": tidak ada RAT pada tahun 2023")
    assert 'Permen KUKM No. 25/Per/M.KUKM/IX/2015, "Revitalisasi Koperasi", Pasal 1 angka 3' in text
    first, compared, row_2022, row_2024 = clause_lines(text)[:4]
    assert first.strip() == "[GAGAL]     tidak ada RAT pada tahun 2023"
    assert compared.strip() == "dibandingkan: tahun_rat = 2023"
    assert row_2022.strip() == "data: rat.csv baris 2: tanggal_rat 01-03-2022, tahun_rat 2022"
    assert row_2024.strip() == "data: rat.csv baris 3: tanggal_rat 01-03-2024, tahun_rat 2024"
    assert "Parameter: jendela_tahun_aktif = 3 (berlaku sejak 17-09-2015)" in text


def test_rat_gap_as_json(result):
    rule = rule_of(result, nik(1), "aktif_25_2015").model_dump(mode="json")
    assert rule["diberikan"] is False and rule["berlaku_dari"] == "2015-09-17"
    failed = rule["klausa"][0]
    assert failed["klausa"] == "rat_2023" and failed["penentu"] and not failed["terpenuhi"]
    assert [(fact["sumber"], fact["baris"]) for fact in failed["fakta"]] == [("rat.csv", 2), ("rat.csv", 3)]
    assert [clause["klausa"] for clause in rule["klausa"] if clause["penentu"]] == ["rat_2023"]


def test_the_25_2015_gap_is_said_not_forced(result):
    explanation = entity(result, nik(1))
    given = {rule.tag for rule in explanation.aturan if rule.diberikan}
    assert not given & {"aktif_25_2015", "tidak_aktif_25_2015"}
    assert any("tidak memenuhi definisi aktif (Pasal 1 angka 3) maupun tidak aktif (Pasal 1 angka 4)" in note
               for note in explanation.catatan)
    text = text_of(result, nik(1), "tidak_aktif_25_2015")
    assert "Catatan: tidak memenuhi definisi aktif (Pasal 1 angka 3) maupun tidak aktif" in text
    assert "Pasal 1 angka 4" in text
    # why not tidak aktif: what it did have, concretely
    assert verdict(text).endswith(": Menyelenggarakan RAT pada tahun 2022; Menyelenggarakan RAT pada tahun 2024; "
                                  "Melakukan kegiatan usaha pada tahun 2024 (volume usaha lebih dari nol)")
    assert "data: rat.csv baris 2: tanggal_rat 01-03-2022" in text


def test_the_gap_note_is_absent_when_a_definition_is_met(result):
    assert not any("celah" in note for note in entity(result, nik(2)).catatan)


def test_no_rat_in_three_years_is_tidak_aktif_with_the_structure_shown(result):
    rule = rule_of(result, nik(7), "tidak_aktif_25_2015")
    assert rule.diberikan and rule.ringkasan.endswith(
        ": Termasuk populasi koperasi tahun 2024; Tidak menyelenggarakan RAT pada tahun 2022, 2023 maupun 2024")
    assert 'Permen KUKM No. 25/Per/M.KUKM/IX/2015, "Revitalisasi Koperasi", Pasal 1 angka 4' in rule.dasar_hukum
    shown = [(clause.tingkat, clause.jenis, clause.terpenuhi, clause.teks) for clause in rule.klausa]
    assert (1, "bukan", True, "Tidak menyelenggarakan RAT pada tahun 2022, 2023 maupun 2024") in shown
    assert (2, "klausa", False, "tidak ada RAT pada tahun 2023") in shown
    text = text_of(result, nik(7), "tidak_aktif_25_2015")
    assert "      [GAGAL]     tidak ada RAT pada tahun 2023" in text
    assert "tidak ada baris rat untuk entitas ini" in text and "data entitas: koperasi.csv baris 8" in text


def test_score_exactly_80_is_sehat_with_the_compared_values(result):
    text = text_of(result, nik(2), "sehat")
    assert verdict(text).startswith("YA") and "Skor kesehatan tahun 2024 paling rendah 80" in verdict(text)
    assert "dibandingkan: tahun = 2024; skor_kesehatan ≥ 80" in text
    assert "data: kinerja_koperasi.csv baris 3: tahun 2024, skor_kesehatan 80" in text
    assert "Perdep Deputi Bidang Pengawasan No. 06/Per/Dep.6/IV/2016" in text
    assert "Parameter: batas_sehat = 80 (berlaku sejak 01-04-2016)" in text


def test_score_79_99_is_cukup_sehat_not_sehat(result):
    sehat = render(entity(result, nik(3), "sehat"))
    assert verdict(sehat).endswith(": skor kesehatan tahun 2024 di bawah 80")
    assert "data: kinerja_koperasi.csv baris 4: tahun 2024, skor_kesehatan 79,99" in sehat
    assert "Perdep Deputi Bidang Pengawasan No. 06/Per/Dep.6/IV/2016" in sehat
    cukup = rule_of(result, nik(3), "cukup_sehat")
    assert cukup.diberikan and "Skor kesehatan tahun 2024 paling rendah 66 dan di bawah 80" in cukup.ringkasan


def test_not_assessed_says_so(result):
    text = text_of(result, nik(4), "cukup_sehat")
    assert ("(Koperasi berpredikat Cukup Sehat): tidak dinilai kesehatannya pada tahun 2024 "
            "(skor_kesehatan kosong atau tidak ada data kinerja)") in verdict(text)
    assert "data: kinerja_koperasi.csv baris 5: tahun 2024, skor_kesehatan (kosong)" in text
    assert "Penetapan predikat tingkat kesehatan" in text
    berkualitas = rule_of(result, nik(4), "berkualitas")
    assert not berkualitas.diberikan and "tidak berpredikat Sehat pada tahun 2024" in berkualitas.ringkasan


def test_predikat_baik_at_exactly_75(result):
    text = text_of(result, "P-75", "predikat_baik", kind="peserta_diklat")
    assert verdict(text).startswith("YA")
    assert "dibandingkan: skor ≥ 75" in text and "data: diklat.csv baris 2: skor 75" in text
    assert 'Formulasi indikator 7 ("berpredikat baik, jika skor ≥ 75")' in text


def test_predikat_baik_not_at_74_99(result):
    text = text_of(result, "P-7499", "predikat_baik", kind="peserta_diklat")
    assert verdict(text).startswith("TIDAK") and verdict(text).endswith(": skor di bawah 75")
    assert "data: diklat.csv baris 3: skor 74,99" in text
    assert 'Formulasi indikator 7 ("berpredikat baik, jika skor ≥ 75")' in text


def test_participants_names_never_appear(result):
    for kind_id in ("P-75", "P-7499", nik(2)):
        for explanation in explain(result, kind_id):
            assert NAME not in render(explanation) and NAME not in explanation.model_dump_json()


def test_a_dissolved_koperasi_is_outside_the_population_first(result):
    explanation = entity(result, nik(5))
    assert explanation.catatan[0] == (
        "di luar populasi koperasi tahun 2024: Bubar paling lambat 31 Desember 2024 "
        "(koperasi.csv baris 6: tanggal_badan_hukum 01-01-2010, tanggal_bubar 15-06-2024)")
    text = render(explanation)
    assert text.splitlines()[2].startswith("Catatan: di luar populasi koperasi tahun 2024")
    populasi = render(entity(result, nik(5), "populasi"))
    assert verdict(populasi).endswith(": Bubar paling lambat 31 Desember 2024")
    assert "UU No. 25 Tahun 1992 tentang Perkoperasian, Pasal 9" in populasi
    aktif = render(entity(result, nik(5), "aktif_22_2007"))
    assert "tidak termasuk populasi koperasi tahun 2024" in verdict(aktif)
    assert "data: koperasi.csv baris 6: tanggal_badan_hukum 01-01-2010, tanggal_bubar 15-06-2024" in aktif
    assert "Permenkop UKM No. 22/PER/M.KUKM/IV/2007" in aktif


def test_a_koperasi_not_yet_legal_is_outside_the_population_with_its_date(result):
    note = entity(result, nik(6)).catatan[0]
    assert note == ("di luar populasi koperasi tahun 2024: belum berbadan hukum pada 31 Desember 2024 "
                    "(koperasi.csv baris 7: tanggal_badan_hukum 03-02-2025)")


def test_an_id_of_two_entity_types_explains_both(result):
    explanations = explain(result, nik(2))
    assert [item.jenis for item in explanations] == ["koperasi", "peserta_diklat"]
    peserta = explanations[1]
    assert peserta.nama == "" and peserta.sumber == "diklat.csv baris 4"


def test_a_tag_of_another_entity_type_says_so(result):
    explanation = entity(result, nik(1), "predikat_baik")
    assert explanation.aturan == []
    assert "tidak ada aturan yang memberi tag predikat_baik untuk koperasi pada tahun 2024" in explanation.catatan


def test_percentage_indicator_lists_its_members(result):
    text = render(explain(result, "jatim-7")[0])
    assert "Rumus iku: pembilang ÷ penyebut × 100" in text
    assert "Pembilang: peserta_diklat dengan tag peserta_tahun_n, predikat_baik" in text
    assert "Entitas dalam pembilang (1):\n  peserta_diklat P-75\n" in text
    assert "Entitas dalam penyebut (3):" in text


def test_growth_indicator_shows_sums_values_and_excluded(result):
    explanation = explain(result, "jatim-6")[0]
    assert explanation.nilai == 25
    text = render(explanation)
    assert "Σ2023 = 4.000.000, Σ2024 = 5.000.000" in text
    assert f"  koperasi {nik(2)} — Koperasi 0002 (2023: 4.000.000; 2024: 5.000.000)" in text
    assert f"Dikecualikan (nilai 2023 atau 2024 tidak ada) (1):\n  koperasi {nik(1)} — Koperasi 0001 (" in text
    assert "(2023: tidak ada; 2024: 5.000.000)" in text


def test_statistic_used_or_not_is_said(result, tmp_path):
    explanation = explain(result, "jatim-4")[0]
    assert explanation.statistik == ("statistik jumlah_kukm tahun 2024 tidak ada; "
                                     "penyebut dihitung dari entitas di bawah")
    declared = run_tables(tmp_path, {**TABLES, "statistik": [{"nama": "jumlah_kukm", "tahun": N - 1, "nilai": "7"},
                                                             {"nama": "jumlah_kukm", "tahun": N, "nilai": "1250000"}]})
    explanation = explain(declared, "jatim-4")[0]
    assert explanation.penyebut == ("statistik jumlah_kukm tahun n bila ada, selain itu koperasi dengan tag populasi"
                                    " + semua ukm terdaftar")
    assert explanation.statistik.startswith("penyebut dari statistik jumlah_kukm tahun 2024 = 1.250.000 "
                                            "(statistik.csv baris 3; sumber tidak diisi)")
    assert explanation.anggota_penyebut == []  # the declared figure has no members; the registered KUKM are not its
    assert "Statistik: penyebut dari statistik jumlah_kukm tahun 2024 = 1.250.000" in render(explanation)


def test_unknown_id_suggests_the_closest(result):
    with pytest.raises(UnknownId) as error:
        explain(result, nik(1) + "0")  # a digit too many
    assert error.value.suggestions[0] == nik(1) and "mungkin maksudnya" in str(error.value)
    with pytest.raises(UnknownId) as error:
        explain(result, "jatim-99")
    assert "jatim-1" in error.value.suggestions


def test_unknown_tag_suggests_the_closest(result):
    with pytest.raises(UnknownTag) as error:
        explain(result, nik(1), "aktif_25_2051")
    assert "aktif_25_2015" in error.value.suggestions


def test_explanation_texts_cover_every_entity(result):
    texts = explanation_texts(result)
    expected = {(kind, item.entity_id) for kind, group in result.entities.items() for item in group}
    assert set(texts) == expected
    assert texts[("koperasi", nik(1))] == text_of(result, nik(1))
    assert texts[("peserta_diklat", nik(2))] == text_of(result, nik(2), kind="peserta_diklat")


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    data = write_tables(tmp_path_factory.mktemp("cli") / "data", TABLES)
    base = ["--data", str(data), "--profile", "jatim", "--year", str(N)]
    return lambda *args: CliRunner().invoke(app, ["explain", *args, *base])


def test_cli_text(cli):
    done = cli(nik(1), "--tag", "aktif_25_2015")
    assert done.exit_code == 0
    assert "TIDAK — tidak mendapat tag aktif_25_2015" in done.stdout and "rat.csv baris 2" in done.stdout


def test_cli_json_parses_with_a_stable_key_order(cli):
    done = cli(nik(2), "--format", "json")
    assert done.exit_code == 0
    document = json.loads(done.stdout)
    assert [item["jenis"] for item in document] == ["koperasi", "peserta_diklat"]
    assert list(document[0]) == list(EntityExplanation.model_fields)
    assert list(document[0]["aturan"][0]) == list(RuleExplanation.model_fields)
    assert json.loads(cli(nik(2), "--format", "json").stdout) == document
    indicator = json.loads(cli("jatim-6", "--format", "json").stdout)[0]
    assert indicator["nilai"] == 25 and indicator["dikecualikan"][0]["id"] == nik(1)


def test_cli_unknown_id_exits_2_with_suggestions(cli):
    done = cli(nik(1) + "0")
    assert done.exit_code == 2
    assert "tidak ditemukan" in done.output and nik(1) in done.output


def test_cli_unknown_tag_and_format_exit_2(cli):
    assert cli(nik(1), "--tag", "aktif").exit_code == 2
    done = cli(nik(1), "--format", "xml")
    assert done.exit_code == 2 and "format 'xml'" in done.output
