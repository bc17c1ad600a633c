"""A CSV file read to its last line: a stray quote, a stray byte or a giant cell stops the run with the
row named; a real value holding a line break is read, and every line of the file is accounted for."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.ingest.csv_lines import MAX_VALUE_LINES, swallowed_rows
from engine.ingest.dataset import TableCount, load_dataset
from engine.ingest.readers import FIELD_LIMIT, DataError
from tests.support import nik

HEADER = "nik,nama,kode_wilayah,kab_kota,tanggal_badan_hukum"


def koperasi_lines(count: int) -> list[str]:
    return [HEADER] + [f"{nik(number)},Koperasi {number},35.78,Kota Surabaya,2010-01-01"
                       for number in range(1, count + 1)]


def write(folder, lines: list[str], newline: str = "\n", encoding: str = "utf-8"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "koperasi.csv").write_bytes((newline.join(lines) + newline).encode(encoding))
    return folder


def test_an_unclosed_quote_on_row_6_of_1000_refuses_the_file_naming_row_6(tmp_path):
    lines = koperasi_lines(1000)
    lines[5] = lines[5].replace("Koperasi 5", '"Koperasi 5')  # line 6 = row 6
    data = write(tmp_path / "data", lines)
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    message = str(caught.value)
    assert message.startswith("koperasi.csv baris 6: tanda kutip")
    assert "kolom nama" in message and "995 baris" in message and "baris ke-1001" in message
    result = CliRunner().invoke(app, ["run", "--data", str(data), "--profile", "jatim", "--year", "2024",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "baris 6" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("lines", [[""], ["", "", *koperasi_lines(3)]], ids=["empty", "blank lines above the header"])
def test_a_table_without_a_header_on_row_1_is_refused_saying_where_the_header_belongs(tmp_path, lines):
    with pytest.raises(DataError, match=r"^koperasi.csv: baris 1 kosong, padahal baris judul harus di baris 1 "
                                        r"\(tabel koperasi\); hapus baris kosong di atas judul"):
        load_dataset(write(tmp_path / "data", lines))


def test_a_stray_quote_closed_by_another_far_below_is_found_too(tmp_path):
    lines = koperasi_lines(40)
    lines[5] = lines[5].replace("Koperasi 5", '"Koperasi 5')
    lines[30] = lines[30].replace("Koperasi 30", 'Koperasi "30')  # closes the quote opened on row 6
    with pytest.raises(DataError, match=r"^koperasi.csv baris 6: tanda kutip"):
        load_dataset(write(tmp_path, lines))


def test_a_quoted_value_spanning_more_lines_than_anyone_types_is_refused(tmp_path):
    lines = ["nik,nama,kode_wilayah,tanggal_badan_hukum", f'{nik(1)},"Koperasi'] + \
        ["tanpa pemisah"] * MAX_VALUE_LINES + ['A",35.78,2010-01-01']
    with pytest.raises(DataError, match=r"baris 2: tanda kutip \(\"\) di kolom nama"):
        load_dataset(write(tmp_path, lines))


def test_a_real_value_with_a_line_break_is_read_and_every_line_is_accounted(tmp_path):
    lines = koperasi_lines(3)
    lines[2] = f'{nik(2)},"Koperasi Dua\r\nUnit Simpan Pinjam, Cabang Utara",35.78,Kota Surabaya,2010-01-01'
    lines.insert(3, "")  # a blank row
    dataset = load_dataset(write(tmp_path, lines, newline="\r\n"))
    assert [record.row for record in dataset.table("koperasi")] == [2, 3, 5]
    (count,) = dataset.counts
    assert (count.read, count.blank, count.lines, count.continued) == (3, 1, 5, 1)
    assert count.balanced
    assert dataset.table("koperasi")[1].nama == "Koperasi Dua Unit Simpan Pinjam, Cabang Utara"


def test_rows_after_a_value_with_a_line_break_keep_their_spreadsheet_row_in_messages(tmp_path):
    lines = koperasi_lines(6)
    lines[2] = f'{nik(2)},"Koperasi\nDua",35.78,Kota Surabaya,2010-01-01'
    lines[5] = lines[5].replace("Koperasi 5", '"Koperasi 5')  # row 6, the file's line 7
    with pytest.raises(DataError, match=r"baris 6 \(baris ke-7 dalam berkas teks\)"):
        load_dataset(write(tmp_path, lines))



@pytest.mark.parametrize("final_newline", ["\n", ""])
def test_a_quote_left_open_on_the_last_row_is_refused_not_read_into_one_cell(tmp_path, final_newline):
    # pembiayaan's optional lembaga swallows the optional nilai: the row would be accepted without it
    folder = tmp_path / "data"
    write(folder, koperasi_lines(2))
    rows = ["id_kukm;tanggal_pengajuan;lembaga;nilai", f"{nik(1)};2024-02-01;BRI;Rp 19.000.000",
            f'{nik(2)};2024-03-01;"Bank Jatim;Rp 25.000.000']
    (folder / "pembiayaan.csv").write_text("\n".join(rows) + final_newline, encoding="utf-8")
    for columnar in (True, False):
        with pytest.raises(DataError) as caught:
            load_dataset(folder, columnar=columnar)
        assert str(caught.value).startswith('pembiayaan.csv baris 3: tanda kutip (") di kolom lembaga dibuka tetapi '
                                            "tidak ditutup sampai akhir berkas")


def test_a_quoted_value_closed_on_the_last_row_is_read(tmp_path):
    lines = koperasi_lines(2)
    lines[2] = f'{nik(2)},"Koperasi Dua, Unit ""Maju""",35.78,Kota Surabaya,2010-01-01'
    for newline in ("\n", "\r\n"):
        dataset = load_dataset(write(tmp_path / newline.encode().hex(), lines, newline=newline))
        assert dataset.table("koperasi")[1].nama == 'Koperasi Dua, Unit "Maju"'


def test_old_mac_line_endings_are_lines(tmp_path):
    dataset = load_dataset(write(tmp_path, koperasi_lines(3), newline="\r"))
    assert len(dataset.table("koperasi")) == 3 and dataset.counts[0].lines == 3


def test_a_windows_1252_byte_after_the_first_64_kib_names_its_row(tmp_path):
    lines = koperasi_lines(1500)
    assert sum(len(line) + 1 for line in lines[:1200]) > 65536
    lines[1199] = lines[1199].replace("Koperasi 1199", "Koperasi Bu\u2019s")  # row 1200; cp1252 writes the quote as 0x92
    data = tmp_path / "data"
    data.mkdir()
    (data / "koperasi.csv").write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    with pytest.raises(DataError) as caught:
        load_dataset(data)
    message = str(caught.value)
    assert message.startswith("koperasi.csv baris 1200: byte 0x92 bukan UTF-8")
    assert "Windows-1252" in message and "CSV UTF-8" in message and "codec" not in message


def test_a_non_utf8_header_is_named_too(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "koperasi.csv").write_bytes("nik,nama\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"^koperasi.csv baris 1: byte 0xE9 bukan UTF-8"):
        load_dataset(data)


def test_a_cell_over_the_csv_field_limit_names_its_row_in_indonesian(tmp_path):
    lines = koperasi_lines(4)
    lines[3] = f'{nik(3)},"{"x" * (FIELD_LIMIT + 1)}",35.78,Kota Surabaya,2010-01-01'  # row 4
    with pytest.raises(DataError) as caught:
        load_dataset(write(tmp_path, lines))
    message = str(caught.value)
    assert message.startswith("koperasi.csv baris 4: satu sel lebih panjang dari 16.777.216 karakter")
    assert "field larger" not in message


@pytest.mark.parametrize(("cells", "width", "found"), [
    (["1", "Kop\nA"], 5, False),                                  # an address on two lines
    (["1", "Kop, Jl. A, RT 1\nRW 2"], 5, False),
    (["1", "Kop\n2,B,35.78,Kab,2010-01-01\n"], 5, True),          # a whole row inside a value
    (["1", "a\n" * (MAX_VALUE_LINES + 1)], 5, True),
    (["1", "a\n" * (MAX_VALUE_LINES - 1)], 5, False),
    (["1", "Kop\n2;B;35.78;Kab;2010"], 5, False),                  # another delimiter: not a row of this file
])
def test_swallowed_rows_tells_a_swallowed_row_from_a_typed_value(cells, width, found):
    assert (swallowed_rows(cells, width, ",") is not None) is found


def test_a_count_whose_text_lines_are_not_all_rows_blank_rows_or_value_lines_is_not_balanced():
    # The stray-quote case as the old reader counted it: 5 rows read of a file of 1,000 lines.
    swallowed = TableCount(table="koperasi", source="koperasi.csv", read=5, used=4, rejected=1, blank=0,
                           lines=1000, continued=0)
    assert not swallowed.balanced
    assert TableCount(table="koperasi", source="koperasi.csv", read=5, used=4, rejected=1, blank=1,
                      lines=1000, continued=994).balanced
    assert TableCount(table="koperasi", source="data.xlsx#koperasi", read=5, used=4, rejected=1, blank=0).balanced


def test_a_csv_cell_is_tested_for_blankness_once(tmp_path, monkeypatch):
    """The blank rows and the parsers share one test of each cell (``TableCells.blanks``): no parser
    tests a column of a file polars read again."""
    from engine.ingest import value_exprs
    from engine.ingest.polars_setup import pl
    from tests.support import koperasi, nik, write_tables
    tested = []
    original = value_exprs.is_blank
    monkeypatch.setattr(value_exprs, "is_blank", lambda cell: tested.append(type(cell)) or original(cell))
    rows = [koperasi(nik(number)) for number in range(5)]
    dataset = load_dataset(write_tables(tmp_path, {"koperasi": rows}))
    assert len(dataset.table("koperasi")) == 5
    assert tested and pl.Series not in tested


def test_the_keys_referred_to_are_listed_once_for_every_table_referring_to_them(tmp_path, monkeypatch):
    from engine.ingest import columnar
    from tests.support import koperasi, nik, write_tables
    listed = []
    original = columnar._texts
    monkeypatch.setattr(columnar, "_texts", lambda texts: listed.append(list(texts)) or original(listed[-1]))
    niks = [nik(number) for number in range(4)]
    dataset = load_dataset(write_tables(tmp_path, {
        "koperasi": [koperasi(number) for number in niks],
        "rat": [{"nik": number, "tanggal_rat": "2024-03-15"} for number in niks],
        "kinerja_koperasi": [{"nik": number, "tahun": 2024, "volume_usaha": "1.000"} for number in [*niks, nik(9)]]}))
    assert listed == [niks]  # the koperasi's NIKs, for RAT and kinerja alike
    assert [reject.value for reject in dataset.rejects] == [nik(9)]  # still refused: no such koperasi
