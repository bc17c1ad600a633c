"""A reader command starts without the run's heavy modules (issue 20): `iku --help` and
`iku explain ID --run DIR` import neither polars, openpyxl, durable_rules nor the pipeline — at a
million entities Python's start-up, not the record lookup, was most of `iku explain`'s second.

Each case runs in a fresh interpreter: this test process has imported everything long ago."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import engine
from engine.outputs.run import execute_run
from tests.support import REPO, RULES, SAMPLES

RUN_HEAVY = ("polars", "openpyxl", "durable", "durable_rules_engine", "structlog", "engine.pipeline",
             "engine.ingest.dataset")
# What `iku explain --run` still needs: the run store's reader decodes rules with the compiler's node
# classes, and the compiler module imports the durable_rules host.
RECORD_HEAVY = ("polars", "openpyxl", "structlog", "engine.pipeline", "engine.ingest.dataset")


def loaded_after(code: str) -> tuple[list[str], str]:
    """The modules of RUN_HEAVY that ``code`` imported in a new interpreter, and what it printed."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps(sorted(m for m in {RUN_HEAVY!r} if m in sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def cli(*arguments: str) -> str:
    """Code that runs ``iku ARGUMENTS`` and carries on (typer ends with SystemExit)."""
    return (f"import sys\nsys.argv = ['iku', *{list(arguments)!r}]\nfrom engine.cli import main\n"
            "try:\n    main()\nexcept SystemExit as stop:\n    assert not stop.code, stop.code")


def test_importing_the_cli_and_the_package_imports_no_run_module():
    assert loaded_after("import engine, engine.cli")[0] == []


def test_help_imports_no_run_module():
    loaded, shown = loaded_after(cli("--help"))
    assert loaded == []
    assert "explain" in shown


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    out = tmp_path_factory.mktemp("record")
    result = execute_run(SAMPLES / "jatim", "jatim", 2024, out, RULES)
    return out, result.entities["koperasi"][0].entity_id


def test_explain_from_a_record_imports_no_reader_of_data_nor_the_pipeline(recorded):
    out, entity_id = recorded
    loaded, shown = loaded_after(cli("explain", entity_id, "--run", str(out)))
    assert [name for name in loaded if name in RECORD_HEAVY] == []
    assert f"koperasi {entity_id}" in shown


def test_an_auditors_sample_imports_no_reader_of_data_nor_the_pipeline(recorded, tmp_path):
    out, _ = recorded
    workpaper = tmp_path / "kertas_kerja.xlsx"
    loaded, _ = loaded_after(cli("sample", "--run", str(out), "--n", "5", "--out", str(workpaper)))
    assert [name for name in loaded if name in RECORD_HEAVY and name != "openpyxl"] == []  # openpyxl writes it
    assert workpaper.is_file()


def test_the_package_api_is_there_on_first_use():
    for name in engine.__all__:
        assert getattr(engine, name) is not None, name
    assert set(engine.__all__) <= set(dir(engine))
    with pytest.raises(AttributeError):
        engine.no_such_name  # noqa: B018
