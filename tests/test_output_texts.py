"""Texts worked out once per distinct value (report.xlsx's cells, tags.csv's pieces) are the texts
worked out per cell: every repeat of a formula-like or control-character text neutralised, no
value taken for another, and the workbook deflated at its level yet readable."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib

import pytest
from openpyxl import load_workbook

from engine.outputs import files, xlsx_rows
from engine.outputs.files import write_csv
from engine.outputs.workbook import Column, Sheet, write_workbook
from engine.pipeline import tag_rows

HOSTILE = ["=1+1", "+62 811", "-5", "@SUM(A1)", "\tTAB", "kontrol\x01di tengah", "a & b <c>", " spasi",
           "biasa", "Biasa", "biasa ", "=1+1 ", "ya", "tidak"]


def _cells_as_openpyxl_reads(path):
    book = load_workbook(path, read_only=True)
    return [list(row) for row in book["Daftar"].iter_rows(min_row=3, values_only=True)]


@pytest.mark.parametrize("held", [xlsx_rows.TEXTS_HELD, 3])  # 3: the texts are forgotten and learnt again
def test_every_repeat_of_a_text_is_neutralised_and_no_text_is_taken_for_another(tmp_path, monkeypatch, held):
    monkeypatch.setattr(xlsx_rows, "TEXTS_HELD", held)
    monkeypatch.setattr(xlsx_rows.Texts.__init__, "__defaults__", (None, held))
    rows = [[HOSTILE[(number + shift) % len(HOSTILE)] for shift in range(4)] for number in range(3 * len(HOSTILE))]
    sheet = Sheet("Daftar", ["judul"], [Column(f"k{index}") for index in range(4)], rows)
    write_workbook([sheet], tmp_path)
    expected = [[("'" + value if value.startswith(files.FORMULA_STARTS) else value).replace("\x01", "\ufffd")
                 for value in row] for row in rows]
    read = _cells_as_openpyxl_reads(tmp_path / "report.xlsx")
    assert read == expected


def test_texts_learn_each_value_once_and_keep_none_for_another():
    learnt = []
    texts = xlsx_rows.Texts(lambda value: learnt.append(value) or value.upper(), held=2)
    for value in ["a", "a", "b", "a", "c", "a"]:
        text, plain = texts.known.get(value) or texts.learn(value)
        assert text == value.upper() and plain
    assert learnt == ["a", "b", "c", "a"]  # "c" made it forget "a" and "b" (at most 2 held)
    assert len(texts.known) <= 2


def test_the_workbook_is_deflated_at_its_level_and_stays_readable(tmp_path):
    rows = [[f"koperasi {number}", "Kota Surabaya", "ya"] for number in range(3000)]
    write_workbook([Sheet("Daftar", ["judul"], [Column("a"), Column("b"), Column("c")], rows)], tmp_path)
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        part = "xl/worksheets/sheet1.xml"
        raw = archive.read(part)
        deflate = zlib.compressobj(xlsx_rows.ZIP_LEVEL, zlib.DEFLATED, -15)
        assert archive.getinfo(part).compress_size == len(deflate.compress(raw) + deflate.flush())
        assert xlsx_rows.ZIP_LEVEL != 6  # not xlsxwriter's own
    assert len(_cells_as_openpyxl_reads(tmp_path / "report.xlsx")) == 3000


def test_tags_csv_from_pieces_is_the_csv_of_its_rows(tmp_path):
    tricky = ["3578,01", 'kutip "dalam"', "=HYPERLINK()", "-1", "baris\nbaru", "", "biasa", " spasi"]
    given = [("koperasi", entity_id, (("tag=a", "R-1", 2024), ("tag,b", "R2", 2024)))
             for entity_id in tricky]
    given += [("ukm", "u1", (("+tag", '"r"', 2023),)), ("koperasi", "biasa", (("z", "R3", 2024),))]
    files._write_tag_rows([given, given[:3]], tmp_path)
    (tmp_path / "generic").mkdir()
    write_csv(tmp_path / "generic" / "tags.csv", files.TAG_COLUMNS,
              [(row.entity_type, row.entity_id, row.tag, row.rule_id, row.year)
               for year in (given, given[:3]) for row in tag_rows(year)])
    written = (tmp_path / "tags.csv").read_bytes()
    assert written == (tmp_path / "generic" / "tags.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(written.decode())))
    assert ["koperasi", "'=HYPERLINK()", "tag=a", "R-1", "2024"] in rows
    assert ["koperasi", "'-1", "tag,b", "R2", "2024"] in rows
    assert ["ukm", "u1", "'+tag", '"r"', "2023"] in rows



def test_the_directory_reads_kode_wilayah_and_kab_kota_as_getattr_does(tmp_path):
    from types import SimpleNamespace

    from engine.facts import EntityFacts
    from engine.ingest.tables import Diklat, Koperasi
    from engine.outputs.entities import entity_directory

    koperasi = [Koperasi.model_construct(row=2 + n, nik=str(n), nama=f"K{n}", kode_wilayah=code, kab_kota=written)
                for n, (code, written) in enumerate([("35.78", "Surabaya"), ("35.78", "Kota Surabaya"),
                                                     ("35.78", "Kota Surabaya"), ("35.07", None), (None, "X")])]
    peserta = Diklat.model_construct(row=9, id_peserta="P1", nama="rahasia", tahun=2024, program="p", skor=None)
    plain = SimpleNamespace(row=11, table="koperasi", nama="N", kode_wilayah="35.01", kab_kota="Kab. Pacitan")
    entities = {"koperasi": [EntityFacts("koperasi", str(n), record) for n, record in enumerate([*koperasi, plain])],
                "peserta": [EntityFacts("peserta", "P1", peserta)]}
    result = SimpleNamespace(entities=entities, book=SimpleNamespace(regions={"35.07": "Kabupaten Malang"}))
    directory = entity_directory(result)
    assert [(info.region.code, info.region.name, info.wilayah) for info in directory.values()] == [
        ("35.78", "Kota Surabaya", "Kota Surabaya (35.78)"), ("35.78", "Kota Surabaya", "Kota Surabaya (35.78)"),
        ("35.78", "Kota Surabaya", "Kota Surabaya (35.78)"), ("35.07", "Kabupaten Malang", "Kabupaten Malang (35.07)"),
        (None, "(tanpa wilayah)", "(tanpa wilayah)"), ("35.01", "Kab. Pacitan", "Kab. Pacitan (35.01)"),
        (None, "(tanpa wilayah)", "(tanpa wilayah)")]
    assert directory[("peserta", "P1")].nama == "" and directory[("koperasi", "0")].nama == "K0"
