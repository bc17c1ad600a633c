"""Names, ids and rule texts holding control sequences reach the terminal as visible text, never as
sequences (clear screen, window title, hidden lines)."""

import io
import json
import re
import shutil
from pathlib import Path

import structlog
from rich.table import Table
from typer.testing import CliRunner

from engine import log
from engine.cli import app
from engine.terminal import SafeConsole, visible, visible_json
from tests.support import RULES, koperasi, nik, write_tables

CLEAR = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;judul palsu\x07"
C1_CSI = "\x9b2J"
RIGHT_TO_LEFT = "\u202e"
HOSTILE = f"Koperasi {CLEAR}{TITLE}{C1_CSI}{RIGHT_TO_LEFT}\rSehat"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


def raw_controls(text: str) -> list[str]:
    return [char for char in RAW if char in text]


def test_control_characters_are_shown_as_escapes():
    assert visible(CLEAR) == "\\x1b[2J\\x1b[H"
    assert visible(f"a{RIGHT_TO_LEFT}b\x00\x7f") == "a\\u202eb\\x00\\x7f"
    assert visible("baris\n\tberikut") == "baris\n\tberikut"


def test_json_keeps_its_meaning_with_its_own_escapes():
    document = json.dumps({"nama": HOSTILE}, ensure_ascii=False)
    shown = visible_json(document)
    assert not raw_controls(shown)
    assert json.loads(shown) == {"nama": HOSTILE}


def test_the_console_shows_data_as_text_and_keeps_its_own_styles():
    stream = io.StringIO()
    console = SafeConsole(file=stream, force_terminal=True, width=200)
    table = Table(title=HOSTILE)
    table.add_column("nama")
    table.add_row(HOSTILE)
    console.print(table)
    console.print(f"[bold]Galat:[/] {HOSTILE}", highlight=False)
    output = stream.getvalue()
    assert CLEAR not in output and TITLE not in output and "\x9b" not in output and "\u202e" not in output
    assert output.count("\\x1b[2J") == 3
    assert "\x1b[1m" in output  # rich's own bold


def hostile_data(folder: Path) -> Path:
    return write_tables(folder, {
        "koperasi": [koperasi(nik(1), nama=HOSTILE)],
        "rat": [{"nik": nik(1), "tanggal_rat": "2024-03-01"}],
        "diklat": [{"id_peserta": f"P-{CLEAR}1", "tahun": 2024, "skor": "77"}],
    })


def test_explain_prints_a_hostile_name_as_text(tmp_path):
    data = hostile_data(tmp_path / "data")
    base = ["explain", nik(1), "--data", str(data), "--profile", "jatim", "--year", "2024"]
    text = CliRunner().invoke(app, base)
    assert text.exit_code == 0, text.output
    assert "Koperasi \\x1b[2J" in text.output and not raw_controls(text.output)
    as_json = CliRunner().invoke(app, [*base, "--format", "json"])
    assert not raw_controls(as_json.stdout)
    assert json.loads(as_json.stdout)[0]["nama"].startswith(f"Koperasi {CLEAR}{TITLE}{C1_CSI}{RIGHT_TO_LEFT}")


def test_an_unknown_hostile_id_is_named_as_text(tmp_path):
    data = hostile_data(tmp_path / "data")
    result = CliRunner().invoke(app, ["explain", f"99{CLEAR}{TITLE}", "--data", str(data), "--profile", "jatim",
                                      "--year", "2024"])
    assert result.exit_code == 2
    assert "\\x1b[2J" in result.output and not raw_controls(result.output)


def test_rules_diff_prints_hostile_ids_and_rule_texts_as_text(tmp_path):
    rules = Path(shutil.copytree(RULES, tmp_path / "rules-80"))
    parameters = rules / "parameters" / "parameters.yaml"
    text = parameters.read_text()
    block = text.index("id: batas_predikat_baik")
    parameters.write_text(text[:block] + text[block:].replace("value: 75", "value: 80", 1))
    rule = rules / "criteria" / "diklat" / "predikat_baik.yaml"
    rule.write_text(rule.read_text().replace("text: Skor paling rendah {batas_predikat_baik}",
                                             'text: "\\e]0;judul palsu\\a Skor paling rendah {batas_predikat_baik}"'))
    data = hostile_data(tmp_path / "data")
    result = CliRunner().invoke(app, ["rules", "diff", str(RULES), str(rules), "--data", str(data), "--profile", "jatim",
                                      "--year", "2024"])
    assert result.exit_code == 0, result.output
    flat = re.sub(r"[\s│]", "", result.output)  # the table wraps its cells
    assert "P-\\x1b[2J" in flat and "\\x1b]0;judulpalsu\\x07" in flat
    assert not raw_controls(result.output)


def test_log_lines_show_values_as_text(capsys):
    log.configure()
    structlog.get_logger("iku.test").warning("berkas dibaca", berkas=f"data{CLEAR}.csv")
    err = capsys.readouterr().err
    assert "data\\x1b[2J" in err and not raw_controls(err)


def test_an_argument_named_in_a_usage_error_is_shown_as_text(tmp_path):
    result = CliRunner().invoke(app, ["rules", "check", str(tmp_path), f"lebih{CLEAR}"])
    assert result.exit_code == 2
    assert "lebih\\x1b[2J" in result.output and not raw_controls(result.output)
