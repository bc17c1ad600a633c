"""`iku rules diff`: raising the predikat baik threshold to 80 changes exactly who it should."""

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app
from engine.rules.diff import diff_rules
from tests.support import RULES, koperasi, nik, write_tables

SCORES = {"P-1": "74,99", "P-2": "75", "P-3": "79,99", "P-4": "80", "P-5": "90", "P-6": "77"}


def raised_rules(tmp_path: Path) -> Path:
    rules = Path(shutil.copytree(RULES, tmp_path / "rules-80"))
    path = rules / "parameters" / "parameters.yaml"
    text = path.read_text()
    block = text.index("id: batas_predikat_baik")
    path.write_text(text[:block] + text[block:].replace("value: 75", "value: 80", 1))
    return rules


def data(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "data", {
        "koperasi": [koperasi(nik(1))],
        "diklat": [{"id_peserta": pid, "tahun": 2024, "skor": skor} for pid, skor in SCORES.items()],
    })


def test_diff_lists_exactly_the_affected_participants_and_the_indicator(tmp_path):
    report = diff_rules(RULES, raised_rules(tmp_path), data(tmp_path), "jatim", 2024)
    affected = {pid for pid, skor in SCORES.items() if 75 <= float(skor.replace(",", ".")) < 80}
    assert {(change.id, change.tag, change.perubahan) for change in report.tag} == \
        {(pid, "predikat_baik", "hilang") for pid in affected}
    assert all(change.alasan[0].klausa == "skor" and change.alasan[0].sebelum and not change.alasan[0].sesudah
               for change in report.tag)
    jatim7 = next(item for item in report.indikator if item.id == "jatim-7")
    assert (jatim7.pembilang_sebelum, jatim7.pembilang_sesudah, jatim7.penyebut_sesudah) == (5, 2, 6)
    assert (jatim7.nilai_sebelum, jatim7.nilai_sesudah) == (83.33, 33.33)
    assert [(p.id, p.sebelum, p.sesudah) for p in report.parameter] == [("batas_predikat_baik", "75", "80")]


def test_diff_cli_text_and_json(tmp_path):
    arguments = ["rules", "diff", str(RULES), str(raised_rules(tmp_path)), "--data", str(data(tmp_path)),
                 "--profile", "jatim", "--year", "2024"]
    text = CliRunner().invoke(app, arguments)
    assert text.exit_code == 0 and "P-3" in text.output and "jatim-7" in text.output
    as_json = CliRunner().invoke(app, [*arguments, "--format", "json"])
    assert {change["id"] for change in json.loads(as_json.stdout)["tag"]} == {"P-2", "P-3", "P-6"}
