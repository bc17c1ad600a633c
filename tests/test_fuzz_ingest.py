"""Random and mutated input never gives a traceback or a lost row: a clear error, or every row
accounted for (read = used + rejected)."""

import csv
import io
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from engine.ingest.dataset import load_dataset
from engine.ingest.csv_lines import swallowed_rows
from engine.ingest.readers import DataError
from tests.support import SAMPLES

HEADER = ["nik", "nama", "kode_wilayah", "tanggal_badan_hukum", "tanggal_bubar"]
GOOD = ["3578000000000001", "Kop A", "35.78", "2010-01-01", ""]
cells = st.one_of(st.text(max_size=30), st.sampled_from(["", "Rp 1.500.000", "1.234,5", "31/02/2024", "3.57801E+15",
                                                         "=1+1", "ya", "0012345678901234", "\x00", "😀", '"']))


def accounted(path) -> None:
    try:
        dataset = load_dataset(path)
    except DataError as error:
        assert str(error)
        return
    for count in dataset.counts:
        assert count.read == count.used + count.rejected
    for reject in dataset.rejects:
        assert reject.table and reject.row >= 2 and reject.reason


@given(st.lists(st.lists(cells, min_size=0, max_size=7), max_size=12), st.sampled_from([",", ";", "\t"]))
def test_mutated_csv_rows(tmp_path_factory, rows, delimiter):
    folder = tmp_path_factory.mktemp("csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerow(GOOD)
    writer.writerows(rows)
    (folder / "koperasi.csv").write_text(buffer.getvalue(), encoding="utf-8")
    accounted(folder)


@given(st.binary(max_size=400))
def test_random_bytes(tmp_path_factory, payload):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "koperasi.csv").write_bytes(payload)
    accounted(folder)


@given(st.binary(max_size=300))
def test_random_bytes_as_a_workbook(tmp_path_factory, payload):
    path = tmp_path_factory.mktemp("xlsx") / "data.xlsx"
    path.write_bytes(payload)
    accounted(path)


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                                   st.datetimes(), cells), max_size=6), max_size=8))
def test_workbooks_with_any_cell_types(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("book") / "data.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "koperasi"
    sheet.append(HEADER)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
    book.save(path)
    accounted(path)


def test_odd_encodings_empty_and_header_only_files(tmp_path):
    cases = {
        "utf16": ("nik,nama,kode_wilayah,tanggal_badan_hukum\n3578000000000001,Koperasi Ümit,35.78,2010-01-01\n"
                  .encode("utf-16")),
        "latin1": "nik,nama,kode_wilayah,tanggal_badan_hukum\n3578000000000001,Koperasi Ümit,35.78,2010-01-01\n"
                  .encode("latin-1"),
        "empty": b"",
        "header_only": b"nik,nama,kode_wilayah,tanggal_badan_hukum\n",
        "huge_field": ("nik,nama,kode_wilayah,tanggal_badan_hukum\n3578000000000001," + "x" * 1_000_000
                       + ",35.78,2010-01-01\n").encode(),
        "open_quote": b'nik,nama,kode_wilayah,tanggal_badan_hukum\n3578000000000001,"Kop,35.78,2010-01-01\n',
    }
    outcomes = {}
    for name, payload in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "koperasi.csv").write_bytes(payload)
        accounted(folder)
        try:
            outcomes[name] = len(load_dataset(folder).table("koperasi"))
        except DataError as error:
            outcomes[name] = str(error)
    assert outcomes["utf16"] == 1 and outcomes["header_only"] == 0 and outcomes["huge_field"] == 1
    assert "UTF-8" in outcomes["latin1"]
    assert "kosong" in outcomes["empty"]


def test_the_samples_with_random_cells_blanked(tmp_path):
    rng = random.Random(5)
    for path in (SAMPLES / "jatim").glob("*.csv"):
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
        mutated = [lines[0]] + [delimiter.join("" if rng.random() < 0.1 else cell for cell in line.split(delimiter))
                                for line in lines[1:]]
        (tmp_path / path.name).write_text("\n".join(mutated) + "\n", encoding="utf-8")
    accounted(tmp_path)


# -- CSV dialects: quotes, delimiters, line endings, encodings, BOM (HYPOTHESIS_PROFILE=long for a long run) --

# Python's writer quotes a value holding \r only when \r is in its line terminator (Excel always
# does): a lone \r is left out of generated text, "\r\n" in a value is among the samples.
DIALECT_CELLS = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r"), max_size=12),
    st.sampled_from(['"', '""', 'a"b', '"kutip"', ";", ",", "a;b", "a,b", "\n", "\r\n", "baris\nkedua", " ", "é", "Ümit",
                     "Rp 1.500.000", "12/03/2024", "\ufeff"]),
)


def expected_blank(row: list[str]) -> bool:
    return all(not cell.strip() for cell in row)


@given(rows=st.lists(st.lists(DIALECT_CELLS, min_size=5, max_size=5), max_size=15),
       delimiter=st.sampled_from([",", ";"]), newline=st.sampled_from(["\n", "\r\n"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_well_quoted_csv_in_any_dialect_has_every_row_and_line_accounted(tmp_path_factory, rows, delimiter, newline,
                                                                        quoting, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerow(HEADER)
    writer.writerows(rows)
    folder = tmp_path_factory.mktemp("dialect")
    (folder / "koperasi.csv").write_bytes(buffer.getvalue().encode(encoding))
    try:
        dataset = load_dataset(folder)
    except DataError as error:  # only a value that holds whole rows of the file may be taken for a stray quote
        assert "tanda kutip" in str(error)
        assert any(swallowed_rows(row, len(HEADER), delimiter) for row in rows), str(error)
        return
    (count,) = dataset.counts
    assert count.balanced
    assert count.read + count.blank == len(rows)
    assert count.blank == sum(1 for row in rows if expected_blank(row))
    text = buffer.getvalue()
    if not re.search(r"\r(?!\n)", text):  # a lone \r inside a value is a line end to some readers, not others
        assert count.lines == text.count("\n") - 1
    assert sorted({reject.row for reject in dataset.rejects} | {record.row for record in dataset.table("koperasi")}) \
        == [number for number, row in enumerate(rows, start=2) if not expected_blank(row)]


PLAIN = st.text(st.sampled_from("abcdefghij0123456789 "), min_size=1, max_size=8)


@given(count=st.integers(min_value=2, max_value=40), data=st.data(), delimiter=st.sampled_from([",", ";"]),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_a_stray_quote_is_refused_naming_its_row(tmp_path_factory, count, data, delimiter, newline):
    rows = [data.draw(st.lists(PLAIN, min_size=5, max_size=5)) for _ in range(count)]
    stray = data.draw(st.integers(min_value=0, max_value=count - 1))
    column = data.draw(st.integers(min_value=0, max_value=4))
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in rows]
    cells = lines[stray + 1].split(delimiter)
    cells[column] = '"' + cells[column]
    lines[stray + 1] = delimiter.join(cells)
    folder = tmp_path_factory.mktemp("stray")
    (folder / "koperasi.csv").write_text(newline.join(lines) + newline, encoding="utf-8", newline="")
    with pytest.raises(DataError) as caught:  # on the last row too: the quote runs to the end of the file
        load_dataset(folder)
    assert str(caught.value).startswith(f"koperasi.csv baris {stray + 2}: tanda kutip"), str(caught.value)


@given(rows=st.lists(st.lists(st.text(st.characters(codec="cp1252", exclude_characters="\r\n\x85"), max_size=8),
                              min_size=5, max_size=5), min_size=1, max_size=12))
def test_a_windows_1252_file_is_read_or_refused_naming_the_first_row_that_is_not_utf8(tmp_path_factory, rows):
    lines = [",".join(HEADER).encode("cp1252")] + [
        ",".join(cell.replace(",", " ").replace('"', " ") for cell in row).encode("cp1252") for row in rows]
    folder = tmp_path_factory.mktemp("cp1252")
    (folder / "koperasi.csv").write_bytes(b"\n".join(lines) + b"\n")
    undecodable = [number for number, line in enumerate(lines, start=1) if not _is_utf8(line)]
    try:
        load_dataset(folder)
    except DataError as error:
        if undecodable:
            assert str(error).startswith(f"koperasi.csv baris {undecodable[0]}: byte 0x"), str(error)
        return
    assert not undecodable


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
