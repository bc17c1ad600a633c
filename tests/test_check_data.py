"""`iku check-data`: read and validate only — counts, rejected rows, rejects.csv, and the exit code."""

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from engine.check_data import check_data
from engine.ingest.policy import DataPolicy
from engine.cli import app
from tests.support import koperasi, nik, write_tables


def invoke(*arguments: str):
    return CliRunner().invoke(app, ["check-data", *arguments])


def rejects_in(folder: Path) -> list[dict[str, str]]:
    with (folder / "rejects.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def clean(tmp_path) -> Path:
    return write_tables(tmp_path / "bersih", {
        "koperasi": [koperasi(nik(1)), koperasi(nik(2))],
        "rat": [{"nik": nik(1), "tanggal_rat": "12 Maret 2024"}],
    })


@pytest.fixture
def dirty(tmp_path) -> Path:
    return write_tables(tmp_path / "kotor", {
        "koperasi": [koperasi(nik(1)), koperasi(nik(1)), koperasi("3.57801E+15")],
        "rat": [{"nik": nik(1), "tanggal_rat": "2024-03-12"}, {"nik": nik(9), "tanggal_rat": "2024-03-12"}],
        "diklat": [{"id_peserta": "P-1", "tahun": "2024", "skor": "75,5"},
                   {"id_peserta": "P-2", "tahun": "2024", "skor": "\x1b[2Jdelapan puluh"}],
    })


def test_clean_data_exits_0_with_a_header_only_rejects_csv(clean, tmp_path):
    result = invoke("--data", str(clean), "--out", str(tmp_path / "periksa"))
    assert result.exit_code == 0, result.output
    assert "koperasi: dibaca 2 = dipakai 2 + ditolak 0" in result.output
    assert "rat: dibaca 1 = dipakai 1 + ditolak 0" in result.output
    assert "Tidak ada baris ditolak" in result.output
    assert (tmp_path / "periksa" / "rejects.csv").read_text() == "table,row,column,value,reason\n"


def test_rejected_rows_exit_1_listed_and_written(dirty, tmp_path):
    out = tmp_path / "periksa"
    result = invoke("--data", str(dirty), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "koperasi: dibaca 3 = dipakai 1 + ditolak 2" in result.output
    assert "rat: dibaca 2 = dipakai 1 + ditolak 1" in result.output
    assert "diklat: dibaca 2 = dipakai 1 + ditolak 1" in result.output
    assert "Baris ditolak (4)" in result.output and "duplikat" in result.output and "notasi ilmiah" in result.output
    assert [(row["table"], row["row"], row["column"]) for row in rejects_in(out)] == [
        ("koperasi", "3", "nik"), ("koperasi", "4", "nik"), ("rat", "3", "nik"), ("diklat", "3", "skor"),
    ]
    assert f"rejects.csv ditulis ke {out / 'rejects.csv'}" in result.output


def test_control_characters_of_a_value_never_reach_the_terminal(dirty, tmp_path):
    result = invoke("--data", str(dirty), "--out", str(tmp_path))
    assert "\x1b" not in result.output and "\\x1b[2Jdelapan" in result.output


def test_without_out_rejects_csv_goes_to_a_folder_of_its_own(tmp_path, monkeypatch):
    """Checked where it lies, a folder holding one workbook stays a workbook folder for iku run."""
    workbook = tmp_path / "kerja" / "data.xlsx"
    write_workbook(workbook, {"koperasi": [koperasi(nik(1)), koperasi(nik(1))]})
    monkeypatch.chdir(workbook.parent)
    result = invoke("--data", ".")
    assert result.exit_code == 1 and len(rejects_in(workbook.parent / "periksa")) == 1
    assert sorted(path.name for path in workbook.parent.iterdir()) == ["data.xlsx", "periksa"]
    assert invoke("--data", ".").exit_code == 1  # still read as the workbook, not as a folder of CSV files


def write_workbook(path: Path, tables: dict[str, list[dict[str, object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        sheet.append(list(rows[0]))
        for row in rows:
            sheet.append([None if value == "" else value for value in row.values()])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def test_a_long_list_is_cut_on_the_terminal_but_whole_in_the_file(tmp_path):
    rows = [koperasi(nik(1))] + [koperasi(nik(1)) for _ in range(60)]
    data = write_tables(tmp_path / "data", {"koperasi": rows})
    result = invoke("--data", str(data), "--out", str(tmp_path))
    assert result.exit_code == 1 and "dan 10 baris ditolak lainnya" in result.output
    assert len(rejects_in(tmp_path)) == 60


@pytest.mark.parametrize("case", ["missing data", "missing required column", "out is a file"])
def test_unusable_invocations_exit_2(tmp_path, case):
    data = write_tables(tmp_path / "data", {"koperasi": [koperasi(nik(1))]})
    out = tmp_path / "periksa"
    if case == "missing data":
        data = tmp_path / "tidak-ada"
    elif case == "missing required column":
        write_tables(data, {"koperasi": [{"nik": nik(1), "nama": "Koperasi"}]})
    else:
        out.write_text("bukan folder")
    result = invoke("--data", str(data), "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "Galat:" in result.output and "Traceback" not in result.output


def test_the_check_keeps_no_records_but_every_count(dirty):
    check = check_data(dirty, DataPolicy.of((), None))
    assert check.dataset.records == {} and not check.passed
    assert [(count.table, count.read, count.used) for count in check.dataset.counts] == [
        ("koperasi", 3, 1), ("rat", 2, 1), ("diklat", 2, 1),
    ]


def test_the_check_rejects_what_a_run_rejects_by_the_rules_folder(tmp_path):
    """An unknown kode_wilayah and a legality kind the IKU document does not count are rejected by
    check-data exactly as by iku run: both come from the rules folder."""
    data = write_tables(tmp_path / "data", {
        "koperasi": [koperasi(nik(1)), koperasi(nik(2), kode_wilayah="99.01")],
        "legalitas": [{"id_kukm": nik(1), "tanggal": "2024-03-01", "jenis": "izin_usaha"}],
    })
    result = invoke("--data", str(data), "--out", str(tmp_path / "periksa"), "--year", "2024")
    assert result.exit_code == 1, result.output
    with (tmp_path / "periksa" / "rejects.csv").open(encoding="utf-8") as handle:
        rejected = {(row["table"], row["column"]) for row in csv.DictReader(handle)}
    assert rejected == {("koperasi", "kode_wilayah"), ("legalitas", "jenis")}
