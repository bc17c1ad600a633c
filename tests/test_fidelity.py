"""Fidelity to the two IKU documents (issue 17): quoted words, citations, notes, and the warnings of
``iku rules check`` about a rule or indicator that does not say where it comes from."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from engine.cli import app
from engine.indicators.model import QUOTED_FIELDS
from engine.outputs.report_html import render_report
from engine.pipeline import data_policy
from engine.rules.load import load_rulebook
from tests.support import RULES, koperasi, nik, run_tables, write_tables

BOOK = load_rulebook(RULES)
SOURCES = RULES / "sources"


def _plain(text: str) -> str:
    """The document's words without the extraction's markup (HTML tags, LaTeX) and with single spaces."""
    text = re.sub(r"</?(i|b|math)>", " ", text)
    for latex, plain in ((r"\Sigma", "Σ"), (r"\times", "×"), (r"\%", "%"), (r"\{", "{"), (r"\}", "}"),
                         (r"\geq", "≥"), ("$", " ")):
        text = text.replace(latex, plain)
    text = re.sub(r"\\text\{([^}]*)\}", r"\1", text)
    return " ".join(text.split())


@pytest.mark.parametrize("profile_id", ["jatim", "jambi"])
def test_every_quoted_field_is_the_documents_own_words(profile_id):
    profile = BOOK.profiles[profile_id]
    document = _plain((SOURCES / profile.document.file).read_text(encoding="utf-8"))
    for indicator in profile.indicators:
        for field in QUOTED_FIELDS:
            value = getattr(indicator, field)
            assert (value is None) == (field in indicator.not_in_document), (indicator.id, field)
            if value is not None:
                assert " ".join(value.split()) in document, f"{indicator.id} {field} bukan kutipan dokumen: {value}"
    for part in (profile.document.institution, profile.document.date, profile.document.signatory):
        if part is not None:
            assert all(piece.strip() in document for piece in part.split(",")), part


def test_paraphrases_and_other_units_are_gone():
    jatim = {indicator.id: indicator for indicator in BOOK.profiles["jatim"].indicators}
    assert jatim["jatim-3"].responsible == jatim["jatim-4"].responsible == "Bidang Produksi dan Restrukturisasi Usaha"
    assert jatim["jatim-7"].name == "Persentase peserta diklat yang lulus dengan predikat baik"
    jambi = {indicator.id: indicator for indicator in BOOK.profiles["jambi"].indicators}
    assert jambi["jambi-4"].name == "Persentase pertumbuhan asset UMKM binaan"  # the document's spelling
    assert all(i.data_source is None and i.responsible is None for i in jambi.values())


def test_the_jambi_misalignment_note_describes_the_documents_shift():
    note = " ".join(" ".join(BOOK.profiles["jambi"].notes).split())
    for said in ("Baris 1 (Persentase Koperasi Berkualitas), baris 2 (Pertumbuhan volume usaha koperasi) dan baris "
                 "diklat sejajar", "baris omset memuat kriteria Koperasi Aktif Permen KUKM 25/2015 yang mendefinisikan "
                 "penyebut jambi-1", "baris aset memuat rumus omset", "baris tenaga kerja memuat rumus aset",
                 "tenaga kerja tidak punya rumus sendiri"):
        assert said in note
    jambi5 = next(i for i in BOOK.profiles["jambi"].indicators if i.id == "jambi-5")
    assert jambi5.document_formula is None and "analogi" in jambi5.formula_inferred


def test_citations_are_real():
    rules = {rule.id: rule for rule in BOOK.rules}
    legality = [basis.cite() for basis in rules["kukm_memperoleh_legalitas"].legal_basis]
    assert not any("PP" in cited or "Pasal 44" in cited for cited in legality)
    assert rules["koperasi_aktif_22_2007"].legal_basis[0].regulation.startswith("Dokumen IKU")
    assert "Jawa Timur" in rules["koperasi_aktif_22_2007"].legal_basis[0].regulation
    assert rules["koperasi_berkualitas"].legal_basis[0].regulation.startswith("Dokumen IKU")
    assert "Jambi" in rules["koperasi_berkualitas"].legal_basis[0].regulation
    every_basis = [basis for rule in BOOK.rules for basis in rule.legal_basis]
    assert not any((basis.article or "").startswith("Aspek badan usaha aktif") for basis in every_basis)
    chosen = rules["koperasi_aktif_peraturan_berlaku"]
    assert "bukan suksesi hukum" in chosen.description and "21/2015" in " ".join(chosen.notes)


def test_the_legality_kinds_are_a_named_dated_typed_parameter():
    parameter = BOOK.parameters["jenis_legalitas_dihitung"]
    assert parameter.type == "labels" and parameter.versions[0].effective.start is not None
    assert parameter.versions[-1].value == ["koperasi_baru", "tambah_unit_usaha", "ukm_menjadi_koperasi"]
    assert BOOK.parameters["mulai_sertifikat_halal_bpjph"].type == "date"


INTERPRETATIONS = {  # item 7: each choice, in the note of the rule that makes it
    "kukm_dibina": "Interpretasi (bidang)",
    "kukm_difasilitasi_pemasaran": "Interpretasi (populasi jatim-6)",
    "kukm_terstandardisasi": "Interpretasi (lembaga yang berwenang)",
    "koperasi_kesehatan_sehat": "Interpretasi (semua jenis)",
    "koperasi_kesehatan_cukup_sehat": "Interpretasi (semua jenis)",
}


def test_interpretations_are_written_where_they_are_made_and_shown_in_the_report(tmp_path):
    rules = {rule.id: rule for rule in BOOK.rules}
    for rule_id, said in INTERPRETATIONS.items():
        assert any(note.startswith(said) for note in rules[rule_id].notes), rule_id
    assert any("daftar tertutup" in note for note in rules["kukm_terstandardisasi"].notes)
    assert any("KAN" in note for note in rules["kukm_terstandardisasi"].notes)
    html = render_report(run_tables(tmp_path / "jatim", {"koperasi": [koperasi(nik(1))]}, year=2024))
    for said in ("Interpretasi (bidang)", "Interpretasi (populasi)", "Interpretasi (daftar tertutup)",
                 "Interpretasi (lembaga yang berwenang)", "formulasi (dokumen IKU)", "rumus iku"):
        assert said in html, said
    jambi = render_report(run_tables(tmp_path / "jambi", {"koperasi": [koperasi(nik(1), kode_wilayah="15.71")]},
                                     year=2024, profile="jambi"))
    for said in ("Interpretasi (semua jenis)", "tidak disebutkan dalam dokumen IKU", "rumus disimpulkan dengan analogi",
                 "Jambi, Desember 2017", "Drs. HARMEN RUSDI, ME"):
        assert said in jambi, said


# -- iku rules check: warnings, not errors ------------------------------------------------------


def _replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def test_rules_check_warns_about_uncited_bases_and_unmarked_metadata(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    rule = rules / "criteria/kukm/mengajukan_pembiayaan.yaml"
    _replace(rule, "regulation: Dokumen IKU Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Jawa Timur", "regulation: kebiasaan dinas")
    profile = rules / "profiles/jatim.yaml"
    _replace(profile, '    responsible: "Bidang Pembiayaan"\n', "")
    _replace(profile, '    data_source: "Laporan data"\n', "")
    result = CliRunner().invoke(app, ["rules", "check", str(rules)])
    assert result.exit_code == 0, result.output
    assert "Aturan sah" in result.output
    lines = [line.strip() for line in result.output.splitlines() if line.strip().startswith("peringatan:")]
    assert len(lines) == 3, result.output
    assert re.match(rf"peringatan: {re.escape(str(rule))}:\d+:\d+: aturan kukm_mengajukan_pembiayaan: dasar hukum "
                    "tidak menyebut peraturan", lines[0])
    assert any(re.match(rf"peringatan: {re.escape(str(profile))}:\d+:\d+: indikator jatim-5: penanggung jawab "
                        r"\(responsible\) kosong dan tidak ditandai 'not_in_document'", line) for line in lines)
    assert any("indikator jatim-4: sumber data (data_source)" in line for line in lines)


def test_an_empty_field_marked_as_not_stated_by_the_document_is_no_warning(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    profile = rules / "profiles/jatim.yaml"
    _replace(profile, '    data_source: "Laporan data"\n', "    not_in_document: [data_source]\n")
    result = CliRunner().invoke(app, ["rules", "check", str(rules)])
    assert result.exit_code == 0 and "peringatan" not in result.output, result.output


def test_the_repository_rules_give_no_warning():
    result = CliRunner().invoke(app, ["rules", "check", str(RULES)])
    assert result.exit_code == 0 and "peringatan" not in result.output.lower(), result.output


# -- outputs: outside the province, a declared denominator ---------------------------------------


def test_outputs_count_the_entities_outside_the_province_and_name_a_declared_denominators_source(tmp_path):
    tables = {"koperasi": [koperasi(nik(1)), koperasi(nik(2), kode_wilayah="15.71"),
                           koperasi(nik(3), kode_wilayah="51.71")],
              "fasilitasi": [{"id_kukm": nik(1), "tahun": "2024", "bidang": "usaha"}],
              "statistik": [{"nama": "jumlah_kukm", "tahun": "2024", "nilai": "400", "sumber": "BPS Jawa Timur"}]}
    out = tmp_path / "out"
    printed = CliRunner().invoke(app, ["run", "--data", str(write_tables(tmp_path / "data", tables)), "--profile",
                                       "jatim", "--year", "2024", "--out", str(out)])
    assert printed.exit_code == 0, printed.output
    said = " ".join(printed.output.split())  # the console wraps long lines
    assert "koperasi: 2 entitas di luar provinsi Jawa Timur (35), tidak dihitung dalam indikator" in said
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Di luar provinsi (tidak dihitung dalam indikator mana pun, tidak ditolak): koperasi 2, ukm 0" in html
    section = html[html.index('<h2 id="jatim-4">'):html.index('<h2 id="jatim-5">')]
    assert "sumber: BPS Jawa Timur" in section and "Penyebut:" not in section
    book = load_workbook(out / "report.xlsx", read_only=True)
    caption = [cell.value for cell in next(book["Ringkasan"].iter_rows(max_row=1))]
    assert "di luar provinsi Jawa Timur (tidak dihitung, tidak ditolak): koperasi 2, ukm 0" in caption
    document = [[cell.value for cell in row] for row in book["Dokumen IKU"].iter_rows(min_row=3)]
    assert ["jatim-4", "Persentase Koperasi UKM yang difasilitasi usahanya"] == document[3][:2]
    assert document[3][3] == "(Σ KUKM yang dibina pada tahun n / Σ KUKM di Jawa Timur) × 100%"
    book.close()
    db = sqlite3.connect(out / "run.sqlite")
    assert db.execute('SELECT "table", province, entities FROM outside_province').fetchall() == [
        ("koperasi", "35", 2), ("ukm", "35", 0)]
    assert db.execute("SELECT COUNT(*) FROM indicator_member_named WHERE indicator_id = 'jatim-4' "
                      "AND role = 'denominator'").fetchone() == (0,)
    assert "BPS Jawa Timur" in db.execute("SELECT statistik FROM indicator WHERE id = 'jatim-4'").fetchone()[0]
    db.close()


def test_a_year_before_the_legality_kinds_were_named_checks_no_kind_and_does_not_fail():
    assert data_policy(BOOK, 1999).legality_kinds is None
    assert data_policy(BOOK, 2024).legality_kinds == ("koperasi_baru", "tambah_unit_usaha", "ukm_menjadi_koperasi")
