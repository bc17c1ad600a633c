"""One table given twice is refused with every candidate named; a name as tools leave it still counts."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from engine.cli import app

from engine.ingest.dataset import load_dataset
from engine.ingest.readers import DataError
from engine.ingest.table_names import table_key
from tests.support import koperasi, nik, write_tables

MINIMAL = {"koperasi": [koperasi(nik(1))]}


@pytest.mark.parametrize("second", ["Koperasi.CSV", "koperasi (1).csv", "KOPERASI - Salinan.csv", " koperasi .csv"])
def test_a_second_file_for_koperasi_is_refused_naming_both(tmp_path, second):
    data = write_tables(tmp_path, MINIMAL)
    (data / second).write_bytes((data / "koperasi.csv").read_bytes())
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    message = str(caught.value)
    assert "tabel koperasi" in message and "koperasi.csv" in message and second in message
    assert "lebih dari sekali" in message


def test_every_table_given_twice_is_listed_at_once(tmp_path):
    data = write_tables(tmp_path, {**MINIMAL, "rat": [{"nik": nik(1), "tanggal_rat": "2024-03-01"}]})
    (data / "koperasi (1).csv").write_bytes((data / "koperasi.csv").read_bytes())
    (data / "RAT.csv").write_bytes((data / "rat.csv").read_bytes())
    with pytest.raises(DataError, match=r"tabel koperasi: koperasi \(1\).csv, koperasi.csv; tabel rat: RAT.csv, rat.csv"):
        load_dataset(data)


def test_a_file_named_as_a_download_left_it_is_still_its_table(tmp_path):
    data = write_tables(tmp_path, MINIMAL)
    (data / "koperasi.csv").rename(data / "Koperasi (1).csv")
    dataset = load_dataset(data)
    assert len(dataset.table("koperasi")) == 1 and dataset.counts[0].source == "Koperasi (1).csv"


def test_files_of_a_data_folder_no_table_is_read_from_are_named_with_why(tmp_path):
    """Not read, never passed over unseen: a CSV file named as no table (a table's data under another name
    would otherwise be missed without a word) and a workbook beside the CSV files."""
    data = write_tables(tmp_path, MINIMAL)
    (data / "kinerja koperasi lama.csv").write_bytes((data / "koperasi.csv").read_bytes())
    Workbook().save(data / "Data Dinas.xlsx")
    (data / "catatan.txt").write_text("bukan data")
    assert load_dataset(data).not_read == {
        "Data Dinas.xlsx": "workbook di samping berkas CSV; untuk membacanya, sebutkan workbook itu dengan --data",
        "kinerja koperasi lama.csv": "namanya bukan nama tabel"}
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--data", str(data), "--profile", "jatim", "--year", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "berkas kinerja koperasi lama.csv: tidak dibaca (namanya bukan nama tabel)" in " ".join(result.output.split())
    warnings = [json.loads(line)["pesan"] for line in (out / "audit.jsonl").read_text().splitlines()
                if json.loads(line)["event"] == "peringatan"]
    assert "berkas Data Dinas.xlsx tidak dibaca (workbook di samping berkas CSV; untuk membacanya, sebutkan " \
           "workbook itu dengan --data)" in warnings


def test_two_sheets_for_one_table_are_refused_naming_both(tmp_path):
    book = Workbook()
    for index, title in enumerate(["koperasi", "Koperasi "]):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(list(koperasi(nik(1))))
        sheet.append(list(koperasi(nik(index + 1)).values()))
    book.save(tmp_path / "data.xlsx")
    with pytest.raises(DataError, match=r"tabel koperasi: data.xlsx#koperasi, data.xlsx#Koperasi "):
        load_dataset(tmp_path / "data.xlsx")


@pytest.mark.parametrize(("name", "key"), [
    ("koperasi", "koperasi"), ("Koperasi ", "koperasi"), ("koperasi (12)", "koperasi"),
    ("kinerja_koperasi - Copy", "kinerja_koperasi"), ("kinerja_koperasi", "kinerja_koperasi"),
    ("koperasi 2024", "koperasi 2024"),
])
def test_table_key_leaves_out_case_spaces_and_copy_marks_only(name, key):
    assert table_key(name) == key


HEADER_TWICE = ["nik", "Nama", "kode_wilayah", "tanggal_badan_hukum", " nama ", "catatan", "Catatan"]
ROW_TWICE = [nik(1), "Koperasi Lama", "35.78", "2010-01-01", "Koperasi Baru", "a", "b"]


@pytest.mark.parametrize("columnar", [True, False])
def test_a_column_of_the_table_given_twice_in_a_header_is_refused_naming_both_places(tmp_path, columnar):
    # "Nama" and " nama " are both the column nama: reading one of them would drop the other's values unseen
    data = tmp_path / "data"
    data.mkdir()
    (data / "koperasi.csv").write_text(",".join(HEADER_TWICE) + "\n" + ",".join(ROW_TWICE) + "\n", encoding="utf-8")
    book = Workbook()
    book.active.title = "koperasi"
    book.active.append(HEADER_TWICE)
    book.active.append(ROW_TWICE)
    book.save(tmp_path / "data.xlsx")
    for path, source in ((data, "koperasi.csv"), (tmp_path / "data.xlsx", "data.xlsx#koperasi")):
        with pytest.raises(DataError) as caught:
            load_dataset(path, columnar=columnar)
        assert str(caught.value).startswith(f"{source}: kolom nama ada lebih dari sekali (kolom ke-2 dan ke-5)")


def test_a_column_no_table_has_given_twice_changes_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    header, row = HEADER_TWICE[:4] + HEADER_TWICE[5:], ROW_TWICE[:4] + ROW_TWICE[5:]
    (data / "koperasi.csv").write_text(",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    (record,) = load_dataset(data).table("koperasi")
    assert record.nama == "Koperasi Lama"
