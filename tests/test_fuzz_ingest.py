"""Random and mutated input never gives a traceback or a lost row: a clear error, or every row
accounted for (read = used + rejected)."""

import csv
import io
import random

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from engine.ingest.dataset import load_dataset
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
