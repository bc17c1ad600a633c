"""Names of training participants never reach the logs or the audit log; reports show ids."""

import subprocess
import sys

from tests.support import REPO, koperasi, nik, write_tables

NAME = "Sulastri Wahyuningtyas"


def test_participant_names_stay_out_of_logs_audit_and_reports(tmp_path):
    data = write_tables(tmp_path / "data", {
        "koperasi": [koperasi(nik(1))],
        "diklat": [{"id_peserta": "P-77", "nama": NAME, "tahun": 2024, "skor": "80"},
                   {"id_peserta": "P-78", "nama": NAME, "tahun": 2024, "skor": "101"}],
    })
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-c", "from engine.cli import main; main()", "run", "--data", str(data),
                          "--profile", "jatim", "--year", "2024", "--out", str(out), "--log-json"],
                         cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert NAME not in run.stdout and NAME not in run.stderr
    for name in ("audit.jsonl", "report.html", "tags.csv", "rejects.csv", "indicators.json"):
        assert NAME not in (out / name).read_text(encoding="utf-8"), name
    assert b"P-77" in (out / "run.sqlite").read_bytes() and NAME.encode() not in (out / "run.sqlite").read_bytes()
