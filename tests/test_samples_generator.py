"""The sample-data generator (samples/generate.py) and the committed samples it made.

The generator is a script, not part of the package, so it is loaded from its file.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SCRIPT = SAMPLES / "generate.py"

_spec = importlib.util.spec_from_file_location("samples_generate", SCRIPT)
gen = importlib.util.module_from_spec(_spec)
sys.modules["samples_generate"] = gen  # dataclasses look their module up by name
_spec.loader.exec_module(gen)

# The kinds of bad row --bad-rows adds: (table, column at fault, the value written).
BAD_KINDS = {
    ("koperasi", "nama", ""),
    ("koperasi", "nik", "3.57801E+15"),
    ("koperasi", "nik", "<duplikat>"),
    ("rat", "tanggal_rat", "31/02/2024"),
    ("rat", "nik", "<tidak terdaftar>"),
    ("kinerja_koperasi", "volume_usaha", "sejuta"),
    ("kinerja_koperasi", "skor_kesehatan", "-3"),
    ("kinerja_ukm", "nib, tahun", "<duplikat>"),
    ("fasilitasi", "id_kukm", "<tidak terdaftar>"),
    ("pembiayaan", "tanggal_pengajuan", "kemarin"),
    ("standardisasi", "lembaga", ""),
    ("diklat", "skor", "105"),
}


def settings(tmp_path: Path, **changes) -> gen.Settings:
    values = dict(profile="jatim", koperasi=40, ukm=30, peserta=20, first=2022, last=2024,
                  history=2, seed=7, format="csv", out=tmp_path / "data", bad_rows=False)
    values.update(changes)
    return gen.Settings(**values)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------------------------------------
# A small reader, independent of the generator, that reads CSV and xlsx the way the contract says
# (BOM, `;` or `,`, header = row 1).


def read_csv_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = path.read_bytes().decode("utf-8-sig")
    header_line = text.splitlines()[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    header = [name.strip().lower() for name in rows[0]]
    return header, [(number, row) for number, row in enumerate(rows[1:], start=2)]


def read_xlsx_tables(path: Path) -> dict[str, tuple[list[str], list[tuple[int, list]]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    tables = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(name).strip().lower() for name in rows[0]]
        tables[sheet.title] = (header, [(n, list(r)) for n, r in enumerate(rows[1:], start=2)])
    workbook.close()
    return tables


def read_tables(data: Path) -> dict[str, tuple[list[str], list[tuple[int, list]]]]:
    if data.suffix == ".xlsx":
        return read_xlsx_tables(data)
    return {p.stem: read_csv_table(p) for p in sorted(data.glob("*.csv"))}


def readme_bad_rows(section: str) -> set[tuple[str, int, str, str]]:
    """(table, row, column, value) listed in the README table under the heading `section`."""
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    part = text.split(section, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    row = re.compile(r"^\| `(\w+)` \| (\d+) \| `([^`]+)` \| (?:`([^`]*)`|\(kosong\)) \|", re.M)
    return {(m[1], int(m[2]), m[3], m[4] or "") for m in row.finditer(part)}


# ---------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path):
    gen.generate(settings(tmp_path, out=tmp_path / "a", bad_rows=True))
    gen.generate(settings(tmp_path, out=tmp_path / "b", bad_rows=True))
    gen.generate(settings(tmp_path, out=tmp_path / "c", bad_rows=True, seed=8))
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_same_seed_gives_identical_xlsx(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        gen.generate(settings(tmp_path, profile="jambi", format="xlsx", out=tmp_path / name))
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_csv_has_the_contract_tables_and_columns(tmp_path):
    s = settings(tmp_path, koperasi=5, ukm=5, peserta=3)
    gen.generate(s)
    assert sorted(p.name for p in s.out.iterdir()) == sorted(f"{t}.csv" for t in gen.COLUMNS)
    for table, columns in gen.COLUMNS.items():
        header, _ = read_csv_table(s.out / f"{table}.csv")
        assert tuple(header) == columns
    assert gen.COLUMNS["koperasi"] == ("nik", "nama", "kode_wilayah", "kab_kota", "jenis",
                                       "tanggal_badan_hukum", "tanggal_bubar")
    assert len(gen.COLUMNS) == 11


def test_xlsx_has_one_sheet_per_table_with_ids_as_text(tmp_path):
    s = settings(tmp_path, format="xlsx", out=tmp_path / "data.xlsx")
    gen.generate(s)
    tables = read_xlsx_tables(s.out)
    assert list(tables) == list(gen.COLUMNS)
    for table, (header, rows) in tables.items():
        assert tuple(header) == gen.COLUMNS[table]
    for table, column, digits in (("koperasi", "nik", 16), ("ukm", "nib", 13)):
        header, rows = tables[table]
        ids = [row[header.index(column)] for _, row in rows]
        assert all(isinstance(i, str) and len(i) == digits for i in ids)


def test_ids_are_unique_and_some_start_with_zero(tmp_path):
    niks = [gen.nik_of(3, i) for i in range(2000)]
    nibs = [gen.nib_of(3, i) for i in range(2000)]
    assert len(set(niks)) == len(niks) and len(set(nibs)) == len(nibs)
    assert all(len(n) == 16 and n.isdigit() for n in niks)
    assert all(len(n) == 13 and n.isdigit() for n in nibs)
    assert any(n.startswith("0") for n in niks) and any(n.startswith("0") for n in nibs)


def test_bad_rows_adds_exactly_the_documented_kinds(tmp_path):
    clean = settings(tmp_path, out=tmp_path / "clean")
    dirty = settings(tmp_path, out=tmp_path / "dirty", bad_rows=True)
    assert gen.generate(clean) == []
    reported = gen.generate(dirty)
    good_niks = {gen.nik_of(dirty.seed, i) for i in range(dirty.koperasi)}
    good_nibs = {gen.nib_of(dirty.seed, i) for i in range(dirty.ukm)}
    kinds = set()
    for r in reported:
        value = r.value
        if r.column.split(", ")[0] in ("nik", "nib", "id_kukm") and value != "3.57801E+15":
            known = value.split(" / ")[0] in good_niks | good_nibs
            value = "<duplikat>" if known else "<tidak terdaftar>"
        kinds.add((r.table, r.column, value))
    assert kinds == BAD_KINDS
    assert len(reported) == len(BAD_KINDS)
    # The bad rows are additions: removing them gives back the clean files row for row.
    for table in gen.COLUMNS:
        _, clean_rows = read_csv_table(clean.out / f"{table}.csv")
        _, dirty_rows = read_csv_table(dirty.out / f"{table}.csv")
        bad_numbers = {r.baris for r in reported if r.table == table}
        kept = [row for number, row in dirty_rows if number not in bad_numbers]
        assert kept == [row for _, row in clean_rows], table


def test_bad_rows_are_the_only_rows_rejected(tmp_path):
    """The program rejects exactly the listed rows, at the listed column and value."""
    dataset_module = pytest.importorskip("engine.ingest.dataset")
    for profile, form, out in (("jatim", "csv", "csv"), ("jambi", "xlsx", "data.xlsx")):
        s = settings(tmp_path, profile=profile, format=form, out=tmp_path / out, bad_rows=True)
        reported = {(r.table, r.baris, r.column, r.value) for r in gen.generate(s)}
        rejects = dataset_module.load_dataset(s.out).rejects
        assert {(r.table, r.row, r.column, r.value) for r in rejects} == reported


def test_cli_prints_the_bad_row_table(tmp_path):
    out = tmp_path / "cli"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--profile", "jambi", "--koperasi", "30", "--ukm", "20",
         "--peserta", "10", "--seed", "3", "--out", str(out), "--bad-rows"],
        capture_output=True, text=True, check=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("| `")]
    assert len(lines) == len(BAD_KINDS)
    assert (out / "koperasi.csv").exists()


# Runs the generator's command line in a fresh interpreter, then prints that process's own peak
# resident size in KiB. VmHWM (Linux) belongs to the new process image; ru_maxrss would not do:
# it keeps the peak of the pytest process the child was forked from.
_MEASURED_RUN = """
import re, runpy, sys
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
try:
    with open("/proc/self/status") as status:
        print(re.search(r"VmHWM:\\s+(\\d+) kB", status.read())[1])
except OSError:
    print(-1)
"""


def test_streaming_a_large_set_stays_small_in_memory(tmp_path):
    """Rows go straight to the files: 20,000 koperasi need no more memory than 300."""
    out = tmp_path / "big"
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED_RUN, str(SCRIPT), "--profile", "jatim",
         "--koperasi", "20000", "--ukm", "2000", "--peserta", "10", "--seed", "1",
         "--out", str(out)],
        capture_output=True, text=True, check=True,
    )
    with (out / "koperasi.csv").open(encoding="utf-8-sig") as handle:
        assert sum(1 for _ in handle) == 20_001
    peak_kib = int(result.stdout.split()[-1])
    if peak_kib < 0:
        pytest.skip("no /proc/self/status here: ran, but memory not measured")
    assert peak_kib < 60 * 1024  # interpreter and buffers (~20 MB); holding the rows takes far more


@pytest.mark.parametrize(
    ("data", "section"),
    [(SAMPLES / "jatim", "samples/jatim"), (SAMPLES / "jambi", "samples/jambi")],  # as the README runs them
)
def test_committed_samples_reject_exactly_the_readme_rows(data, section):
    dataset_module = pytest.importorskip("engine.ingest.dataset")
    if not data.exists():
        pytest.skip(f"{data} not generated")
    documented = readme_bad_rows(f"### Baris buruk di `{section}")
    assert len(documented) == len(BAD_KINDS)
    rejects = dataset_module.load_dataset(data).rejects
    assert {(r.table, r.row, r.column, r.value) for r in rejects} == documented


def test_csv_and_xlsx_of_one_seed_read_as_the_same_values(tmp_path):
    """The text formats in CSV and the real cells in xlsx are different writings of one value."""
    dataset_module = pytest.importorskip("engine.ingest.dataset")
    as_csv = settings(tmp_path, koperasi=150, ukm=120, peserta=60, out=tmp_path / "csv")
    as_xlsx = settings(tmp_path, koperasi=150, ukm=120, peserta=60, format="xlsx",
                       out=tmp_path / "data.xlsx")
    gen.generate(as_csv)
    gen.generate(as_xlsx)
    from_csv = dataset_module.load_dataset(as_csv.out)
    from_xlsx = dataset_module.load_dataset(as_xlsx.out)
    assert from_csv.rejects == from_xlsx.rejects == []
    assert from_csv.records == from_xlsx.records


def _readme_commands() -> list[list[str]]:
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^\.venv/bin/python samples/generate\.py (.*--bad-rows)$", text, re.M)
    return [line.split() for line in lines]


def test_readme_commands_reproduce_the_committed_samples(tmp_path):
    commands = _readme_commands()
    assert len(commands) == 2
    for args in commands:
        target = Path(args[args.index("--out") + 1])
        if not (ROOT / target).exists():
            pytest.skip(f"{target} not generated")
        args[args.index("--out") + 1] = str(tmp_path / target.name)
        gen.generate(gen.parse_args(args))
        made, committed = tmp_path / target.name, ROOT / target
        if committed.is_dir():
            assert digest(made) == digest(committed)
        else:
            assert workbook_cells(made) == workbook_cells(committed)


def workbook_cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's cell values (dates as dates): what a reader sees, not the zip's bytes, which
    change with openpyxl's XML writer (lxml or et_xmlfile) and its version."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def test_readme_row_counts_match_the_committed_samples():
    dataset_module = pytest.importorskip("engine.ingest.dataset")
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    part = text.split("## Jumlah baris", 1)[1].split("\n## ", 1)[0]
    row = re.compile(r"^\| `(\w+)` " + r"\| (\d+) " * 6 + r"\|", re.M)
    documented = {m[1]: [int(n) for n in m.groups()[1:]] for m in row.finditer(part)}
    assert sorted(documented) == sorted(gen.COLUMNS)
    for data, offset in ((SAMPLES / "jatim", 0), (SAMPLES / "jambi" / "data.xlsx", 3)):
        if not data.exists():
            pytest.skip(f"{data} not generated")
        for count in dataset_module.load_dataset(data).counts:
            expected = documented[count.table][offset: offset + 3]
            assert [count.read, count.used, count.rejected] == expected, (data, count.table)
