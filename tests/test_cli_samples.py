"""The issue's own commands: `iku run` on both committed samples, exactly as the README writes them."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from tests.support import SAMPLES

OUTPUTS = ("tags.csv", "rejects.csv", "indicators.json", "report.xlsx", "report.html", "run.sqlite", "audit.jsonl")


@pytest.mark.parametrize(("profile", "indicators"), [("jatim", 7), ("jambi", 6)])
def test_iku_run_on_a_sample_folder(tmp_path: Path, profile: str, indicators: int) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--data", str(SAMPLES / profile), "--profile", profile,
                                      "--year", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "koperasi: dibaca" in result.output and "= dipakai" in result.output and "+ ditolak" in result.output
    assert all((out / name).is_file() for name in OUTPUTS)
    with (out / "rejects.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 12  # the bad rows samples/README.md lists
    assert len(json.loads((out / "indicators.json").read_text())["indicators"]) == indicators
