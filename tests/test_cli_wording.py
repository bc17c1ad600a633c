"""The command line speaks Indonesian in typer's own parts too: help, usage line, usage errors (exit 2)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.cli_wording import indonesian

ENGLISH = ("Usage:", "Missing", "No such", "Invalid value", "Show this message", "Try '", "Error", "[required]",
           "Options", "Commands", "Did you mean", "Input should")


def invoke(*arguments: str):
    return CliRunner().invoke(app, list(arguments), prog_name="iku")


def assert_indonesian(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


@pytest.mark.parametrize(("arguments", "message"), [
    (["run"], "opsi '--data' wajib diisi"),
    (["run", "--data", "x", "--bogus"], "opsi tidak dikenal: --bogus"),
    (["run", "--data", "x", "--profile", "jatim", "--year", "dua ribu", "--out", "o"],
     "nilai tidak sah untuk '--year': tahun 'dua ribu' tidak terbaca"),
    (["run", "--data", "x", "--profile", "jatim", "--year", "2024", "--out", "o", "--workers", "-1"],
     "nilai tidak sah untuk '--workers': harus sedikitnya 0"),
    (["run", "--data"], "opsi '--data' memerlukan nilai"),
    (["rules", "chek"], "perintah 'chek' tidak dikenal; mungkin maksud Anda 'check'"),
    (["laporan"], "perintah 'laporan' tidak dikenal"),
])
def test_usage_errors_are_worded_in_indonesian_and_exit_2(arguments, message):
    result = invoke(*arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert_indonesian(result.output)


def test_a_usage_error_shows_the_usage_line_and_where_help_is():
    output = invoke("run").output
    assert "Pemakaian: iku run [OPSI]" in output
    assert "Coba 'iku run --help' untuk bantuan." in output


@pytest.mark.parametrize("arguments", [["--help"], ["run", "--help"], ["explain", "--help"], ["rules", "--help"],
                                       ["rules", "check", "--help"], ["rules", "diff", "--help"]])
def test_help_is_worded_in_indonesian(arguments):
    result = invoke(*arguments)
    assert result.exit_code == 0
    assert "Pemakaian: iku" in result.output and "Tampilkan bantuan ini lalu keluar." in result.output
    assert_indonesian(result.output)


def test_required_options_and_defaults_are_marked_in_indonesian():
    output = invoke("run", "--help").output
    assert "[wajib]" in output and "[bawaan: 0]" in output


def test_a_group_without_a_command_shows_its_help_and_exits_2():
    result = invoke("rules")
    assert result.exit_code == 2
    assert "Perintah" in result.output and "check" in result.output


def test_a_message_not_known_is_shown_as_written_rather_than_hidden():
    assert indonesian("Something new from a later typer.") == "Something new from a later typer."
    assert indonesian("Input should be a valid integer, unable to parse string as an integer") == \
        "harus bilangan bulat"
