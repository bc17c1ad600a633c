"""Reading a data folder or workbook: every row accounted for, bad rows named precisely."""

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from engine.cli import app
from engine.ingest.dataset import load_dataset
from engine.ingest.readers import DataError
from tests.support import koperasi, nik, write_tables


def rejects_by_row(dataset, table):
    return {reject.row: reject for reject in dataset.rejects if reject.table == table}


def assert_balanced(dataset):
    for count in dataset.counts:
        assert count.read == count.used + count.rejected, count
        assert count.used == len(dataset.table(count.table))


def test_each_kind_of_bad_row_is_rejected_with_table_row_column_value_reason(tmp_path):
    data = write_tables(tmp_path, {
        "koperasi": [
            koperasi(nik(1)),
            koperasi(nik(2), nama=""),                              # row 3: missing required value
            koperasi("3.57801E+15"),                                # row 4: scientific notation
            koperasi(nik(1)),                                       # row 5: duplicate id
            koperasi(nik(5), tanggal_badan_hukum="kemarin"),        # row 6: unreadable date
        ],
        "kinerja_koperasi": [
            {"nik": nik(1), "tahun": "2024", "volume_usaha": "sejuta", "skor_kesehatan": "80"},  # row 2
            {"nik": nik(1), "tahun": "2023", "volume_usaha": "1.000", "skor_kesehatan": "-3"},   # row 3
            {"nik": nik(9), "tahun": "2023", "volume_usaha": "1.000", "skor_kesehatan": "70"},   # row 4
        ],
        "diklat": [{"id_peserta": "P-1", "tahun": "2024", "skor": "105"}],
    })
    dataset = load_dataset(data)
    koperasi_rejects = rejects_by_row(dataset, "koperasi")
    assert sorted(koperasi_rejects) == [3, 4, 5, 6]
    assert (koperasi_rejects[3].column, koperasi_rejects[3].value) == ("nama", "")
    assert "wajib" in koperasi_rejects[3].reason
    assert (koperasi_rejects[4].column, koperasi_rejects[4].value) == ("nik", "3.57801E+15")
    assert "notasi ilmiah" in koperasi_rejects[4].reason
    assert koperasi_rejects[5].column == "nik" and "baris 2" in koperasi_rejects[5].reason
    assert (koperasi_rejects[6].column, koperasi_rejects[6].value) == ("tanggal_badan_hukum", "kemarin")
    kinerja = rejects_by_row(dataset, "kinerja_koperasi")
    assert (kinerja[2].column, kinerja[2].value) == ("volume_usaha", "sejuta")
    assert (kinerja[3].column, kinerja[3].value) == ("skor_kesehatan", "-3")
    assert kinerja[4].column == "nik" and "tidak terdaftar" in kinerja[4].reason
    assert rejects_by_row(dataset, "diklat")[2].column == "skor"
    assert_balanced(dataset)


def test_a_row_pointing_to_a_rejected_parent_is_rejected_too(tmp_path):
    data = write_tables(tmp_path, {
        "koperasi": [koperasi(nik(1), kode_wilayah="3578")],
        "rat": [{"nik": nik(1), "tanggal_rat": "2024-03-01"}],
    })
    dataset = load_dataset(data)
    assert [(reject.table, reject.column) for reject in dataset.rejects] == [("koperasi", "kode_wilayah"), ("rat", "nik")]


def test_id_kukm_may_name_a_koperasi_or_a_ukm(tmp_path):
    data = write_tables(tmp_path, {
        "koperasi": [koperasi(nik(1))],
        "ukm": [{"nib": "0000000000001", "nama": "UD A", "kode_wilayah": "35.07"}],
        "fasilitasi": [
            {"id_kukm": nik(1), "tahun": "2024", "bidang": "Pemasaran"},
            {"id_kukm": "0000000000001", "tahun": "2024", "bidang": "usaha"},
            {"id_kukm": "0000000000002", "tahun": "2024", "bidang": "usaha"},
        ],
    })
    dataset = load_dataset(data)
    assert [record.bidang for record in dataset.table("fasilitasi")] == ["pemasaran", "usaha"]
    assert [(reject.row, reject.column) for reject in dataset.rejects] == [(4, "id_kukm")]


def test_semicolon_delimiter_bom_and_header_case_are_handled(tmp_path):
    (tmp_path / "Koperasi.CSV").write_bytes(
        "\ufeff NIK ;Nama;KODE_WILAYAH;tanggal_badan_hukum\n0012345678901234;Kop;35.78;1 Januari 2001\n\n".encode()
    )
    dataset = load_dataset(tmp_path)
    record = dataset.table("koperasi")[0]
    assert record.nik == "0012345678901234"
    assert record.tanggal_badan_hukum.isoformat() == "2001-01-01"
    assert dataset.counts[0].blank == 1


def test_a_row_with_more_cells_than_the_header_is_rejected(tmp_path):
    (tmp_path / "koperasi.csv").write_text(
        "nik,nama,kode_wilayah,tanggal_badan_hukum\n0012345678901234,Kop,35.78,2001-01-01,1.500,00\n"
    )
    dataset = load_dataset(tmp_path)
    assert dataset.rejects[0].row == 2 and "lebih banyak sel" in dataset.rejects[0].reason


def test_missing_koperasi_table_is_a_clear_error(tmp_path):
    write_tables(tmp_path, {"rat": [{"nik": nik(1), "tanggal_rat": "2024-01-01"}]})
    with pytest.raises(DataError, match="koperasi"):
        load_dataset(tmp_path)


def test_missing_required_column_names_the_file_and_column(tmp_path):
    write_tables(tmp_path, {"koperasi": [{"nik": nik(1), "nama": "A", "tanggal_badan_hukum": "2001-01-01"}]})
    with pytest.raises(DataError, match=r"koperasi\.csv.*kode_wilayah"):
        load_dataset(tmp_path)


def test_absent_optional_tables_are_listed(tmp_path):
    write_tables(tmp_path, {"koperasi": [koperasi(nik(1))]})
    dataset = load_dataset(tmp_path)
    assert "diklat" in dataset.absent and not dataset.has("diklat")


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx_with_real_date_cells_and_text_ids(tmp_path):
    path = workbook(tmp_path / "data.xlsx", {
        "KOPERASI": [
            ["nik", "nama", "kode_wilayah", "tanggal_badan_hukum"],
            ["0012345678901234", "Kop A", "15.71", datetime(2003, 5, 17)],
            [None, None, None, None],
            [3.57801e15, "Kop B", 15.1, "17/05/2003"],
        ],
        "rat": [["nik", "tanggal_rat"], ["0012345678901234", datetime(2024, 3, 1)]],
    })
    dataset = load_dataset(path)
    record = dataset.table("koperasi")[0]
    assert (record.nik, record.tanggal_badan_hukum.isoformat()) == ("0012345678901234", "2003-05-17")
    assert dataset.table("rat")[0].tanggal_rat.isoformat() == "2024-03-01"
    assert [(reject.row, reject.column) for reject in dataset.rejects] == [(4, "nik")]
    assert dataset.counts[0].source == "data.xlsx#KOPERASI"
    assert_balanced(dataset)


MINIMAL = {"koperasi": [["nik", "nama", "kode_wilayah", "tanggal_badan_hukum"],
                        ["3578000000000001", "Kop A", "35.78", "2010-01-01"]]}


def test_a_folder_holding_one_workbook_is_read_as_that_workbook(tmp_path):
    workbook(tmp_path / "data" / "data.xlsx", MINIMAL)
    (tmp_path / "data" / "~$data.xlsx").write_bytes(b"Excel's lock file, not a workbook")
    dataset = load_dataset(tmp_path / "data")
    assert [record.nik for record in dataset.table("koperasi")] == ["3578000000000001"]
    assert dataset.counts[0].source == "data.xlsx#koperasi"


def test_csv_files_win_over_a_workbook_beside_them(tmp_path):
    workbook(tmp_path / "data" / "laporan.xlsx", MINIMAL)
    write_tables(tmp_path / "data", {"koperasi": [koperasi(nik(7))]})
    assert [record.nik for record in load_dataset(tmp_path / "data").table("koperasi")] == [nik(7)]


def test_a_folder_of_several_workbooks_names_them(tmp_path):
    workbook(tmp_path / "data" / "2023.xlsx", MINIMAL)
    workbook(tmp_path / "data" / "2024.xlsx", MINIMAL)
    with pytest.raises(DataError, match=r"2 workbook \(2023.xlsx, 2024.xlsx\)"):
        load_dataset(tmp_path / "data")


def test_cli_exit_code_2_for_missing_column_without_traceback(tmp_path):
    write_tables(tmp_path / "data", {"koperasi": [{"nik": nik(1), "nama": "A"}]})
    result = CliRunner().invoke(app, ["run", "--data", str(tmp_path / "data"), "--profile", "jatim",
                                      "--year", "2024", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "kode_wilayah" in result.output


def test_cli_exit_code_2_for_a_missing_data_folder(tmp_path):
    result = CliRunner().invoke(app, ["run", "--data", str(tmp_path / "nope"), "--profile", "jatim",
                                      "--year", "2024", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "tidak ditemukan" in result.output


def test_a_huge_rejected_value_is_shown_abridged_with_its_length(tmp_path):
    volume = "x" + "9" * 99_999  # not a number
    data = write_tables(tmp_path, {"koperasi": [koperasi(nik(1))],
                                   "kinerja_koperasi": [{"nik": nik(1), "tahun": 2024, "volume_usaha": volume}]})
    (reject,) = load_dataset(data).rejects
    assert (reject.table, reject.row, reject.column) == ("kinerja_koperasi", 2, "volume_usaha")
    assert reject.value == volume[:200] + "… (100.000 karakter)"


def test_rows_under_one_header_share_one_set_of_given_fields(tmp_path):
    tables = {"koperasi": [koperasi(nik(number)) for number in range(3)],
              "rat": [{"nik": nik(number), "tanggal_rat": "2024-03-01"} for number in range(3)]}
    dataset = load_dataset(write_tables(tmp_path, tables))
    for table in ("koperasi", "rat"):
        records = dataset.table(table)
        assert len({id(record.model_fields_set) for record in records}) == 1
        assert records[0].model_fields_set == set(tables[table][0]) | {"row"}
        copied = records[0].model_copy(update={"row": 99})  # copies the set before changing it
        assert copied.row == 99 and records[1].model_fields_set == records[0].model_fields_set
