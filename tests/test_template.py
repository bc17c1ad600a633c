"""`iku template`: the input workbook's structure, and a workbook filled as a person would, run as it is."""

import csv
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from typer.testing import CliRunner

from engine.cli import app
from engine.ingest import values
from engine.ingest.tables import TABLES
from engine import load_rulebook
from engine.template import kinds
from engine.template.choices import FACILITATION_FIELDS
from engine.template.workbook import GUIDE_SHEET, LIST_SHEET, PROMPT_LIMIT
from tests.support import RULES

JATIM_CODES = 38
LEGAL_KINDS = ["koperasi_baru", "tambah_unit_usaha", "ukm_menjadi_koperasi"]


def make_template(folder: Path, *options: str) -> Path:
    path = folder / "templat-iku.xlsx"
    result = CliRunner().invoke(app, ["template", "--out", str(path), *options])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def jatim_template(tmp_path_factory) -> Path:
    return make_template(tmp_path_factory.mktemp("template"), "--profile", "jatim")


def validations(sheet) -> dict[str, object]:
    """Each column's data validation, by header name (the validation covering its row 2)."""
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row == 1_048_576
            found[headers[cell_range.coord.split(":")[0].rstrip("0123456789")]] = validation
    return found


def listed(book, validation) -> list[str]:
    """The values of a list validation, read from the list sheet it points to."""
    sheet_name, cells = validation.formula1.split("!")
    sheet = book[sheet_name.strip("'")]
    return [row[0].value for row in sheet[cells.replace("$", "")]]


def test_sheets_are_the_guide_then_one_per_table_then_the_hidden_lists(jatim_template):
    book = load_workbook(jatim_template)
    assert book.sheetnames == [GUIDE_SHEET, *(model.table for model in TABLES), LIST_SHEET]
    assert book[LIST_SHEET].sheet_state == "hidden"
    assert book.active.title == GUIDE_SHEET


@pytest.mark.parametrize("model", TABLES, ids=lambda model: model.table)
def test_each_table_sheet_has_its_headers_hints_formats_and_a_frozen_header(jatim_template, model):
    sheet = load_workbook(jatim_template)[model.table]
    assert [cell.value for cell in sheet[1]] == model.columns()
    assert sheet.max_row == 1  # nothing but the header: no example row is read as data
    assert sheet.freeze_panes == "A2"
    found = validations(sheet)
    assert set(found) == set(model.columns())  # every column has at least its input message
    for cell in sheet[1]:
        required = cell.value in model.required_columns()
        assert ("(wajib)" if required else "(boleh kosong)") in cell.comment.text
        assert "Contoh: " in cell.comment.text and "Format: " in cell.comment.text
        assert sheet.column_dimensions[cell.column_letter].width >= len(cell.value)
        validation = found[cell.value]
        assert validation.showInputMessage and "Contoh: " in validation.prompt
        assert len(validation.prompt) <= PROMPT_LIMIT and len(validation.promptTitle) <= 32


def test_ids_are_text_columns_and_dates_date_columns(jatim_template):
    book = load_workbook(jatim_template)
    for table, column in [("koperasi", "A"), ("ukm", "A"), ("rat", "A"), ("fasilitasi", "A"), ("diklat", "A"),
                          ("koperasi", "C")]:
        assert book[table].column_dimensions[column].number_format == "@", (table, column)
    assert book["koperasi"].column_dimensions["F"].number_format == kinds.DATE_FORMAT


def test_validations_where_they_fit(jatim_template):
    book = load_workbook(jatim_template)
    koperasi = validations(book["koperasi"])
    assert (koperasi["nik"].type, koperasi["nik"].operator, koperasi["nik"].formula1) == ("textLength", "equal", "16")
    assert validations(book["ukm"])["nib"].formula1 == "13"
    assert validations(book["fasilitasi"])["id_kukm"].formula1 == "OR(LEN(A2)=16,LEN(A2)=13)"
    codes = listed(book, koperasi["kode_wilayah"])
    assert len(codes) == JATIM_CODES and all(code.startswith("35.") for code in codes) and "35.78" in codes
    assert koperasi["kode_wilayah"].errorStyle == "stop"
    assert "Kota Surabaya" in listed(book, koperasi["kab_kota"]) and koperasi["kab_kota"].errorStyle == "warning"
    assert listed(book, koperasi["jenis"])[0] == "KSP" and koperasi["jenis"].errorStyle == "warning"
    bidang = validations(book["fasilitasi"])["bidang"]
    assert listed(book, bidang) == list(FACILITATION_FIELDS) and bidang.errorStyle == "warning"
    legal = validations(book["legalitas"])["jenis"]
    assert listed(book, legal) == LEGAL_KINDS and legal.errorStyle == "stop"
    assert listed(book, validations(book["kinerja_koperasi"])["melayani_anggota"]) == ["ya", "tidak"]
    assert listed(book, validations(book["statistik"])["nama"]) == ["jumlah_kukm"]
    year = validations(book["diklat"])["tahun"]
    assert (year.type, year.operator, year.formula1, year.formula2) == ("whole", "between", "1900", "2100")
    score = validations(book["diklat"])["skor"]
    assert (score.type, score.formula1, score.formula2, score.errorStyle) == ("decimal", "0", "100", "stop")
    health = validations(book["kinerja_koperasi"])["skor_kesehatan"]
    assert (health.type, health.formula1, health.formula2) == ("decimal", "0", "100")
    day = validations(book["rat"])["tanggal_rat"]
    assert day.type == "date" and from_excel(int(day.formula1)).date() == date(1900, 1, 1)
    assert from_excel(int(day.formula2)).date() == date(2100, 12, 31)
    assert validations(book["kinerja_ukm"])["tenaga_kerja"].type == "whole"
    assert validations(book["koperasi"])["nama"].type is None  # free text: only the input message


def test_the_bounds_are_the_ones_ingest_accepts():
    low, high = kinds.YEARS
    assert values.parse_year(low) == low and values.parse_year(high) == high
    for outside in (low - 1, high + 1):
        with pytest.raises(ValueError):
            values.parse_year(outside)
    low, high = kinds.SCORES
    assert values.parse_score(low) == low and values.parse_score(high) == high
    for outside in (low - 0.01, high + 0.01):
        with pytest.raises(ValueError):
            values.parse_score(outside)


def test_the_guide_explains_in_bahasa_indonesia(jatim_template):
    sheet = load_workbook(jatim_template)[GUIDE_SHEET]
    text = "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert "Provinsi Jawa Timur" in text and "Cara mengisi" in text
    assert "iku check-data --data templat-iku.xlsx" in text and "--profile jatim" in text
    assert "Tempel Nilai" in text and "notasi ilmiah" in text
    assert "35.78" in text and "Kota Surabaya" in text and "15.71" not in text
    assert all(model.table in text for model in TABLES)
    assert "koperasi_baru, tambah_unit_usaha, ukm_menjadi_koperasi" in text


def test_without_a_profile_every_province_is_listed(tmp_path):
    book = load_workbook(make_template(tmp_path))
    codes = listed(book, validations(book["ukm"])["kode_wilayah"])
    assert "15.71" in codes and "35.78" in codes and len(codes) == len(load_rulebook(RULES).regions)
    assert "semua provinsi" in book[GUIDE_SHEET]["A1"].value


def test_legality_kinds_come_from_the_rules_parameter(tmp_path):
    assert load_rulebook(RULES).parameters["jenis_legalitas_dihitung"].type == "labels"
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    path = rules / "parameters" / "parameters.yaml"
    path.write_text(path.read_text().replace("tambah_unit_usaha, ukm_menjadi_koperasi]", "tambah_unit_usaha]"))
    book = load_workbook(make_template(tmp_path, "--rules", str(rules)))
    assert listed(book, validations(book["legalitas"])["jenis"]) == ["koperasi_baru", "tambah_unit_usaha"]


def test_labels_no_longer_in_force_are_offered_from_their_latest_version(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    path = rules / "parameters" / "parameters.yaml"
    text = path.read_text()
    start = text.index("  - id: jenis_legalitas_dihitung")
    path.write_text(text[:start] + text[start:].replace("effective: {from: 2000-01-01}",
                                                        "effective: {from: 2000-01-01, to: 2020-12-31}", 1))
    book = load_workbook(make_template(tmp_path, "--rules", str(rules)))
    assert listed(book, validations(book["legalitas"])["jenis"]) == LEGAL_KINDS


def test_a_rules_folder_without_the_legality_kinds_is_named(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    path = rules / "parameters" / "parameters.yaml"
    text = path.read_text()
    start = text.index("  - id: jenis_legalitas_dihitung")
    path.write_text(text[:start] + text[text.index("  - id:", start + 1):])
    result = CliRunner().invoke(app, ["template", "--out", str(tmp_path / "t.xlsx"), "--rules", str(rules)])
    assert result.exit_code == 1 and "jenis_legalitas_dihitung" in result.output
    assert not (tmp_path / "t.xlsx").exists()


@pytest.mark.parametrize(("out", "options", "message"), [
    ("t.csv", [], ".xlsx"),
    ("t.xlsx", ["--profile", "bali"], "profil 'bali' tidak dikenal"),
])
def test_unusable_invocations_exit_2(tmp_path, out, options, message):
    result = CliRunner().invoke(app, ["template", "--out", str(tmp_path / out), *options])
    assert result.exit_code == 2 and message in result.output


def test_an_output_that_cannot_be_written_is_named_in_indonesian(tmp_path):
    (tmp_path / "berkas").write_text("")  # a file where the workbook's folder should be
    result = CliRunner().invoke(app, ["template", "--out", str(tmp_path / "berkas" / "t.xlsx")])
    assert result.exit_code == 2 and "tidak dapat ditulis" in result.output
    assert "File exists" not in result.output and "Not a directory" not in result.output


# -- the test: filled as a person would, run as it is --------------------------------------------

def fill(template: Path, target: Path) -> Path:
    """Typed the way a person types into the workbook: ids and codes as text (the columns are Text),
    dates as date cells, years and amounts as numbers — and two values the validation forbids,
    written anyway (openpyxl, like a paste, does not enforce it)."""
    book = load_workbook(template)
    rows = {
        "koperasi": [
            ["0035780100000001", "Koperasi Wanita Mitra Usaha", "35.78", "Kota Surabaya", "KSP",
             datetime(2010, 5, 4), None],
            ["3507010000000002", "KUD Sumber Makmur", "35.07", "Kabupaten Malang", "Produsen",
             datetime(2015, 1, 20), None],
            ["357801000000003", "Koperasi Lima Belas Digit", "35.78", None, None, datetime(2012, 1, 1), None],
        ],
        "rat": [["0035780100000001", datetime(2024, 3, 12), 2023], ["3507010000000002", datetime(2024, 4, 2), 2023]],
        "kinerja_koperasi": [["0035780100000001", 2024, 1_500_000, "ya", 82.5]],
        "legalitas": [["3507010000000002", datetime(2024, 6, 1), "tambah_unit_usaha"]],
        "diklat": [["P-2024-001", "Siti Aminah", 2024, "Manajemen Koperasi", 80],
                   ["P-2024-002", "Budi Santoso", 2024, "Manajemen Koperasi", 70.5],
                   ["P-2024-003", "Rina Wati", 2024, "Manajemen Koperasi", 150]],
    }
    for table, table_rows in rows.items():
        for row in table_rows:
            book[table].append(row)
    book.save(target)
    return target


@pytest.fixture(scope="module")
def filled(jatim_template, tmp_path_factory) -> Path:
    return fill(jatim_template, tmp_path_factory.mktemp("filled") / "data-dinas.xlsx")


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_filled_template_runs_as_it_is_good_rows_used_bad_ones_rejected(filled, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--data", str(filled), "--profile", "jatim", "--year", "2024",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "koperasi: dibaca 3 = dipakai 2 + ditolak 1" in result.output
    assert "diklat: dibaca 3 = dipakai 2 + ditolak 1" in result.output
    assert "rat: dibaca 2 = dipakai 2 + ditolak 0" in result.output
    rejects = read_rejects(out / "rejects.csv")
    assert [(r["table"], r["row"], r["column"], r["value"]) for r in rejects] == [
        ("koperasi", "4", "nik", "357801000000003"),
        ("diklat", "4", "skor", "150"),
    ]
    assert "16 digit" in rejects[0]["reason"] and "0 dan 100" in rejects[1]["reason"]
    indicators = {item["id"]: item for item in json.loads((out / "indicators.json").read_text())["indicators"]}
    assert indicators["jatim-1"]["nilai"] == 100.0 and indicators["jatim-1"]["penyebut"] == 2  # both held a RAT
    assert indicators["jatim-2"]["nilai"] == 1  # the legality of 3507010000000002
    assert indicators["jatim-7"]["nilai"] == 50.0 and indicators["jatim-7"]["penyebut"] == 2
    with (out / "tags.csv").open(encoding="utf-8") as handle:
        ids = {row["entity_id"] for row in csv.DictReader(handle)}
    assert "0035780100000001" in ids  # the leading zeros kept
