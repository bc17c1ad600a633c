"""The command line refuses what cannot work before a run starts, in Indonesian, with exit code 2;
and its tables never cut a figure."""

from __future__ import annotations

import errno
import io
import os
from types import SimpleNamespace

import pytest
from rich.console import Console
from typer.testing import CliRunner

from engine import cli, cli_paths
from engine.ingest.dataset import TableCount
from engine.numbers import format_number
from tests.support import SAMPLES, koperasi, nik, write_tables


def run(*arguments: str):
    return CliRunner().invoke(cli.app, list(arguments), prog_name="iku")


def run_into(data, out, *extra: str):
    return run("run", "--data", str(data), "--profile", "jatim", "--year", "2024", "--out", str(out), *extra)


def assert_refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for word in words:
        assert word in result.output


@pytest.mark.parametrize("year", ["-1", "0", "10000", "1899", "2101"])
def test_a_year_outside_a_sane_range_is_refused_for_every_command(tmp_path, year):
    for arguments in (["run", "--out", str(tmp_path / "o")], ["explain", "x"]):
        result = run(*arguments, "--data", str(tmp_path), "--profile", "jatim", f"--year={year}")
        assert_refused(result, "'--year'")
        assert "1900" in result.output or "2100" in result.output
        assert "out of range" not in result.output


def test_an_unexpected_extra_argument_is_worded_in_indonesian(tmp_path):
    result = run_into(SAMPLES / "jatim", tmp_path / "o", "lagi")
    assert_refused(result, "argumen berlebih: lagi")
    assert "Got unexpected" not in result.output


@pytest.fixture
def data(tmp_path):
    return write_tables(tmp_path / "data", {"koperasi": [koperasi(nik(1))]})


def test_out_that_is_a_file_is_refused(tmp_path, data):
    (tmp_path / "hasil").write_text("bukan folder")
    assert_refused(run_into(data, tmp_path / "hasil"), "adalah berkas, bukan folder")
    assert (tmp_path / "hasil").read_text() == "bukan folder"


def test_out_below_a_file_is_refused(tmp_path, data):
    (tmp_path / "hasil").write_text("bukan folder")
    assert_refused(run_into(data, tmp_path / "hasil" / "2024"), "bukan folder")


def test_out_equal_to_the_data_folder_is_refused(tmp_path, data):
    before = sorted(path.name for path in data.iterdir())
    assert_refused(run_into(data, data), "folder data itu sendiri")
    assert_refused(run_into(data / "koperasi.csv", data), "folder data itu sendiri")  # not a workbook, but same rule
    assert sorted(path.name for path in data.iterdir()) == before


def test_out_in_a_read_only_place_is_refused_before_the_run(tmp_path, data, monkeypatch):
    def refuse(dir):  # noqa: A002 - tempfile's keyword
        raise PermissionError(errno.EROFS, "Read-only file system", str(dir))

    monkeypatch.setattr(cli_paths.tempfile, "TemporaryFile", refuse)
    assert_refused(run_into(data, tmp_path / "o"), "ditolak", str(tmp_path))
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_out_in_a_folder_without_write_permission_is_refused(tmp_path, data):
    locked = tmp_path / "terkunci"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert_refused(run_into(data, locked / "o"), "ditolak")
    finally:
        locked.chmod(0o700)


def test_a_full_disk_during_the_run_is_a_message_not_a_traceback(tmp_path, data, monkeypatch):
    def full(**_):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "o" / "tags.csv"))

    monkeypatch.setattr("engine.outputs.run.execute_series", full)
    result = run_into(data, tmp_path / "o")
    assert_refused(result, "disk penuh", "tags.csv")
    assert "No space left" not in result.output


def test_an_unknown_file_system_error_still_names_the_file():
    text = cli_paths.os_error_text(OSError(errno.EIO, "Input/output error", "/x/run.sqlite"))
    assert "/x/run.sqlite" in text and "EIO" in text


@pytest.mark.parametrize("number", [errno.ENOENT, errno.EEXIST, errno.ENOTDIR, errno.EISDIR, errno.EIO])
def test_common_file_system_errors_are_said_in_indonesian(number):
    text = cli_paths.os_error_text(OSError(number, os.strerror(number), "/x/k.xlsx"))
    assert "/x/k.xlsx" in text and os.strerror(number) not in text


def indicator(number: int, name: str, value: float, numerator: float, denominator: float):
    return SimpleNamespace(id=f"jatim-{number}", nama=name, nilai=value, satuan="%", pembilang=numerator,
                           penyebut=denominator, catatan="")


@pytest.mark.parametrize("width", [80, 100])
def test_the_indicator_table_never_cuts_a_figure_on_a_narrow_terminal(monkeypatch, width):
    indicators = [
        indicator(1, "Persentase Koperasi Aktif", 76.6, 216, 282),
        indicator(6, "Pertumbuhan omset KUKM yang difasilitasi pemasarannya", 8.09,
                  3_665_419_999.5, 45_298_580_004.25),
        indicator(9, "Nama-indikator-yang-sangat-panjang-tanpa-spasi-sama-sekali", 12.5, 1_234_567_890_123, 7),
    ]
    screen = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=screen, width=width, color_system=None))
    cli.print_indicators(SimpleNamespace(profile=SimpleNamespace(id="jatim"), year=2024, indicators=indicators))
    text = screen.getvalue()
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines())
    for item in indicators:
        for figure in (item.nilai, item.pembilang, item.penyebut):
            assert format_number(figure) in text


def test_the_accounting_table_never_cuts_a_figure(monkeypatch):
    count = TableCount(table="kinerja_koperasi", source="kinerja_koperasi_provinsi_jawa_timur_2024.csv",
                       read=12_345_678, used=12_345_000, rejected=678, blank=1_000_000, lines=13_345_680, continued=2)
    screen = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=screen, width=80, color_system=None))
    cli.print_accounting(SimpleNamespace(dataset=SimpleNamespace(counts=[count], absent=[], not_read={}), outside_province={},
                                         profile=SimpleNamespace(province=None)))
    table = screen.getvalue().split("\n  kinerja_koperasi:")[0]
    assert "…" not in table
    for figure in ("12345678", "12345000", "678", "1000000"):
        assert figure in table
    assert "13345680 baris teks = 12345678 baris data + 1000000 baris kosong + 2 baris" in screen.getvalue()
