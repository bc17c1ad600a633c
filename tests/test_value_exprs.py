"""The columnar parsers agree with pydantic: the same random Indonesian cells give the same value or the
same refusal, cell by cell and as whole files read both ways."""

import csv
import io
import math
import sys
from unittest.mock import patch
from datetime import date
from typing import Annotated, Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from engine.ingest import columnar, value_exprs, values
from engine.ingest.csv_frame import read_plain_csv
from engine.ingest.dataset import load_dataset
from engine.ingest.policy import DataPolicy
from engine.ingest.readers import DataError
from engine.ingest.tables import TABLES

SPACES = ["", " ", "  ", "\t", "\u00a0", "\u3000", "\u2009", "\x1c", "\n"]
BULAN = ["Januari", "Maret", "Mei", "Agustus", "Agt", "Agu", "Ags", "Sept", "Nop", "Des", "MARET", "agt.", "Bulan"]
space = st.sampled_from(SPACES)


def padded(cell: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda before, text, after: before + text + after, space, cell, space)


@st.composite
def numbers(draw: st.DrawFn) -> str:
    whole = draw(st.integers(0, 10**13))
    separator = draw(st.sampled_from([".", ",", "", " ", "\u00a0"]))
    text = f"{whole:,}".replace(",", separator)
    if draw(st.booleans()):
        text += draw(st.sampled_from([",", "."])) + draw(st.text("0123456789", min_size=1, max_size=4))
    prefix = draw(st.sampled_from(["", "", "Rp ", "Rp", "Rp. ", "rp.", "IDR ", "RP\u00a0", "+", "-", "+-", "--"]))
    return prefix + text


scientific = st.builds(lambda mantissa, exponent: f"{mantissa}E+{exponent}",
                       st.sampled_from(["3.57801", "3,57801", "1", "6.5"]), st.integers(0, 16))


@st.composite
def dates(draw: st.DrawFn) -> str:
    day, month, year = draw(st.integers(0, 32)), draw(st.integers(0, 13)), draw(st.integers(0, 2100))
    styles = [f"{day:02d}/{month:02d}/{year:04d}", f"{day}/{month}/{year}", f"{day:02d}-{month:02d}-{year}",
              f"{year:04d}-{month:02d}-{day:02d}", f"{year:04d}-{month}-{day} 00:00",
              f"{day} {draw(st.sampled_from(BULAN))} {year}", f"{day}-{draw(st.sampled_from(BULAN))}-{year}",
              f"{day:02d}/{month:02d}-{year}", f"{day}/{month}/{year % 100:02d}"]
    return draw(st.sampled_from(styles))


booleans = st.sampled_from(["ya", "tidak", "y", "t", "1", "0", "Ya", "TIDAK", "yes", "No", "benar", "Salah",
                            "true", "2", "1.0", "yeſ", "Ｙａ"])
ids = st.one_of(st.text("0123456789", min_size=11, max_size=17), st.just("０８０４４４２５１５０２６８４４"),
                st.just("3578000000000001"), st.just("3578 000000000001"), scientific)
texts = st.one_of(st.text(max_size=12), st.sampled_from(["jumlah_kukm", "ISO  9001", "Halal", "Straße", "35.78",
                                                          "3５.78", "P-2024-001", "2024E001"]))
cells = st.one_of(padded(numbers()), padded(dates()), padded(booleans), padded(ids), padded(texts), scientific,
                  st.sampled_from(["", "   ", "Rp", "nan", "inf", "1e5", "½", "٣٥.٧٨", "٣"]))


def _adapters() -> dict[Any, tuple[str, TypeAdapter]]:
    """One field per parser of values.py, validated by pydantic as the models do."""
    found = {}
    for model in TABLES:
        for column in model.columns():
            field = model.model_fields[column]
            parser = model.cell_parser(column)
            found.setdefault(parser.parse, (f"{model.table}.{column}",
                                            TypeAdapter(Annotated[(field.annotation, *field.metadata)])))
    return found


ADAPTERS = _adapters()


def test_every_parser_of_the_models_has_a_columnar_twin():
    assert set(ADAPTERS) == set(value_exprs.PARSERS)


def _same(python: Any, vector: Any) -> bool:
    if isinstance(python, float):
        return type(vector) is float and python == vector and math.copysign(1, python) == math.copysign(1, vector)
    return type(python) is type(vector) and python == vector


@given(st.lists(cells, min_size=1, max_size=40))
def test_value_or_refusal_is_the_same_as_pydantic(sample):
    _same_as_pydantic(sample)


@given(st.lists(st.one_of(st.none(), cells, padded(st.just("")), st.text(SPACES[1] + "".join(SPACES)))))
def test_a_blank_cell_is_the_one_python_finds_blank(sample):
    found = pl.Series(sample, dtype=pl.String).to_frame("cell").select(value_exprs.is_blank(pl.col("cell")))
    assert found.to_series().to_list() == [values.is_blank(cell) for cell in sample]


TIDY_EXAMPLES = ["23 Mei 2015", "3 Jul 2023", "12/03/2024", "1-2-2024", "2024-02-30", "29/02/2023", "29/02/2024",
                 "31-04-2024", "0000-01-01", "Rp 536.663.000", "Rp85.000.000,00", "1.721.722.000,75", "722,904,000.00",
                 "-5", "+-80", "1.500", "Ya", "tidak", "35.78", "3578000000000001", "1200000000013", "2024"]
tidy_cells = st.one_of(st.none(), st.sampled_from(TIDY_EXAMPLES), st.from_regex(r"[!-~]+( [!-~]+)*", fullmatch=True))
digit_cells = st.one_of(st.none(), st.from_regex(r"[0-9]{0,18}", fullmatch=True))  # beyond 2**53 both refuse a count


@given(st.one_of(st.lists(tidy_cells, min_size=1, max_size=40), st.lists(digit_cells, min_size=1, max_size=40)))
def test_a_tidy_column_and_a_column_of_digits_read_as_pydantic_reads_them(sample):
    """Columns the parsers take a shorter way: only printable ASCII and single spaces (no whitespace
    pass), only digits or blanks (no separator pass)."""
    _same_as_pydantic(sample)


@given(st.lists(st.one_of(st.none(), cells), min_size=1, max_size=6), st.lists(st.integers(0, 5), min_size=1, max_size=50))
def test_a_column_of_repeated_cells_reads_as_each_cell_alone(distinct, picks):
    """A column whose cells repeat is parsed a distinct cell at a time (``once_per_cell``): every cell
    gets what it gets parsed alone, and what pydantic says of it."""
    column = [distinct[pick % len(distinct)] for pick in picks]
    for parse in value_exprs.PARSERS.values():
        whole = parse(pl.Series(column, dtype=pl.String))
        alone = [parse(pl.Series([cell], dtype=pl.String)) for cell in column]
        assert whole.status.to_list() == [one.status[0] for one in alone]
        assert whole.value.to_list() == [one.value[0] for one in alone]
        assert whole.value.dtype == alone[0].value.dtype
    _same_as_pydantic(column)


def _same_as_pydantic(sample: list[str | None]) -> None:
    for parse, (where, adapter) in ADAPTERS.items():
        parsed = value_exprs.PARSERS[parse](pl.Series(sample, dtype=pl.String))
        for cell, value, status in zip(sample, parsed.value.to_list(), parsed.status.to_list()):
            if values.is_blank(cell):
                continue  # blanks are the column's (required or None), checked before any parser
            try:
                expected: Any = adapter.validate_python(cell)
            except ValidationError:
                expected = ValidationError
            if status == value_exprs.DEFER:
                assert any(ord(char) > 127 for char in cell), (where, cell)
            elif status == value_exprs.REJECT:
                assert expected is ValidationError, (where, cell, expected)
            else:
                assert expected is not ValidationError and _same(expected, value), (where, cell, expected, value)


@pytest.mark.parametrize(("parse", "cell", "expected"), [
    (values.parse_label, "jumlah_kukm", "jumlah kukm"),  # statistik.nama is a label: the study read it as text
    (values.parse_amount, "Rp\u00a01.500.000", 1_500_000.0),
    (values.parse_score, "1.500", 1.5),
    (values.parse_count, "1.500", 1500),
    (values.parse_year, "2024,0", 2024),
    (values.parse_date, "12 Agt. 2024", date(2024, 8, 12)),
    (values.parse_date, "2024-03-12 00:00", date(2024, 3, 12)),
])
def test_cells_a_plain_vectorised_reading_gets_wrong(parse, cell, expected):
    parsed = value_exprs.PARSERS[parse](pl.Series([cell]))
    assert parsed.status.to_list() == [value_exprs.ACCEPT] and _same(expected, parsed.value.item())


@pytest.mark.parametrize(("parse", "cell"), [
    (values.parse_nik, "０８０４４４２５１５０２６８４４"), (values.parse_nik, "3.57801E+15"),
    (values.parse_amount, "+-80"), (values.parse_date, "12 Ags 2024"), (values.parse_date, "0000-01-01"),
    (values.parse_date, "12/03/24"), (values.parse_amount, "1.23,5"),
])
def test_cells_both_refuse(parse, cell):
    assert value_exprs.PARSERS[parse](pl.Series([cell])).status.to_list() == [value_exprs.REJECT]


KOPERASI = ["nik", "nama", "kode_wilayah", "tanggal_badan_hukum", "tanggal_bubar"]
KINERJA = ["nik", "tahun", "volume_usaha", "melayani_anggota", "skor_kesehatan"]
LEGALITAS = ["id_kukm", "tanggal", "jenis"]
NIKS = ["3578000000000001", "3578000000000002", "0078000000000003"]
key_cells = st.one_of(st.sampled_from(NIKS), padded(st.sampled_from(NIKS)), ids)


def _csv(header: list[str], rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerows([header, *rows])
    return buffer.getvalue()


def _loaded(folder, policy, columnar: bool) -> Any:
    try:
        return load_dataset(folder, policy=policy, columnar=columnar)
    except DataError as error:  # a file refused whole (a stray quote): refused both ways, in the same words
        return str(error)


def _same_dataset(folder, policy=None) -> None:
    columnar, by_row = _loaded(folder, policy, True), _loaded(folder, policy, False)
    if isinstance(by_row, str):
        assert columnar == by_row
        return
    assert columnar.counts == by_row.counts and columnar.rejects == by_row.rejects
    for table, records in by_row.records.items():
        assert [(r.__dict__, r.__pydantic_fields_set__) for r in columnar.records[table]] == \
               [(r.__dict__, r.__pydantic_fields_set__) for r in records]


row_of = st.lists(cells, min_size=3, max_size=6)


@settings(max_examples=30)
@given(st.lists(st.tuples(key_cells, row_of), max_size=8), st.lists(st.tuples(key_cells, row_of), max_size=10),
       st.lists(st.tuples(key_cells, row_of), max_size=5), st.sampled_from([",", ";"]))
def test_files_read_column_wise_give_the_rows_and_rejects_of_row_by_row(tmp_path_factory, koperasi, kinerja,
                                                                        legalitas, delimiter):
    folder = tmp_path_factory.mktemp("both")
    for name, header, rows in (("koperasi", KOPERASI, koperasi), ("kinerja_koperasi", KINERJA, kinerja),
                               ("legalitas", LEGALITAS, legalitas)):
        table = [[key, *cells][: len(header) - (len(cells) % 2)] for key, cells in rows]  # some rows short
        (folder / f"{name}.csv").write_text(_csv(header, table, delimiter), encoding="utf-8")
    policy = DataPolicy.of(["35.78", "35.10"], ["NIB", "sertifikat halal"])
    _same_dataset(folder, policy)
    with patch.object(columnar, "SLICE", 3):  # a large table's rows checked a slice at a time
        _same_dataset(folder, policy)


def test_a_later_row_repeating_the_key_of_a_row_only_python_accepts_is_the_duplicate(tmp_path):
    # "٣٥.٧٨" is left to Python (Arabic-Indic digits), which reads it as a code: the row is accepted row
    # by row, so the clean row after it with the same NIK is the duplicate.
    rows = [["3578000000000001", "Kop A", "٣٥.٧٨", "2010-01-01", ""],
            ["3578000000000001", "Kop B", "35.78", "2011-01-01", ""],
            ["3578000000000001", "Kop C", "35.78", "2012-01-01", ""]]
    (tmp_path / "koperasi.csv").write_text(_csv(KOPERASI, rows, ","), encoding="utf-8")
    _same_dataset(tmp_path)
    rejects = load_dataset(tmp_path).rejects
    assert [(reject.row, reject.reason) for reject in rejects] == [
        (3, "duplikat: nik yang sama sudah ada di baris 2"), (4, "duplikat: nik yang sama sudah ada di baris 2")]


@pytest.mark.parametrize(("content", "plain"), [
    (b'nik,nama\n1,"Kop, A"\n2,"Kop ""B"""\n', True),
    (b"\xef\xbb\xbfnik;nama\r\n1;A\r\n\r\n2;B", True),
    (b'nik,nama\n1,"Jl. Merdeka\n No. 5"\n', False),  # a value holding a line break: lines counted row by row
    (b'nik,nama\n1,"Kop A\n2,B\n', False),  # a stray quote
    (b"nik,nama\n1,Caf\xe9\n", False),  # Windows-1252: the precise reader names the row
    (b"nik,nama\r1,A\r", False),  # lone CR line ends
    (b"nik,nama\n1,A,extra\n", False),  # more cells than the header
    (b'nik,nama\n1,A "B"\n', False),  # a quote inside an unquoted value
    (b"nik,nama\n1,A\x00\n", False),
])
def test_polars_reads_only_files_it_reads_exactly(tmp_path, content, plain):
    path = tmp_path / "koperasi.csv"
    path.write_bytes(content)
    assert (read_plain_csv(path) is not None) is plain


@pytest.mark.parametrize("odd", ["__extra__", "__row__", "__bad__"])
def test_a_column_named_like_the_readers_own_keys_gives_the_rows_of_row_by_row(tmp_path, odd):
    rows = [["3578000000000001", "Kop A", "35.78", "2010-01-01", "x"], ["3578000000000002", "Kop B", "35.78",
                                                                         "2011-01-01", ""]]
    (tmp_path / "koperasi.csv").write_text(_csv([*KOPERASI[:4], odd], rows, ","), encoding="utf-8")
    _same_dataset(tmp_path)


def test_the_written_out_spaces_are_every_character_python_strips():
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())
    assert value_exprs.SPACES == every
