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
RECORD_HEAVY = ("polars", "openpyxl", "structlog", "engine.pipeline", "engine.ingest.dataset")
# Nor does a reader of the record load the compiler, the rule schema and reader, durable_rules' host
# (the record's rules decode into ``engine.rules.nodes``), typer's help layout with rich's Markdown, or
# the run's progress bar: at a million entities they were a third of `iku explain --run`'s second.
COMPILER_AND_HELP = ("engine.rules.compiler", "engine.rules.model", "engine.rules.rulebook", "engine.durable_host",
                     "engine.indicators.model", "yaml", "typer.rich_utils", "markdown_it", "rich.markdown",
                     "rich.progress")
# Every engine module `iku explain ID --run DIR` imports, pinned: a new one is a choice to review.
EXPLAIN_FROM_RECORD_ENGINE = [
    "engine", "engine.cli", "engine.cli_paths", "engine.cli_wording", "engine.decisions", "engine.explain",
    "engine.explain.build", "engine.explain.model", "engine.explain.render", "engine.explain.ruleview",
    "engine.explain.source", "engine.explain.suggest", "engine.explain.tree", "engine.explain.values",
    "engine.facts", "engine.indicators", "engine.indicators.scope", "engine.ingest", "engine.ingest.policy",
    "engine.ingest.tables", "engine.ingest.values", "engine.log", "engine.names", "engine.numbers", "engine.rules",
    "engine.rules.nodes", "engine.runstore", "engine.runstore.layout", "engine.runstore.reader",
    "engine.runstore.rulecodec", "engine.runstore.schema", "engine.spool", "engine.stop", "engine.terminal",
    "engine.years"]


def imported_after(code: str) -> tuple[list[str], str]:
    """Every module ``code`` imported in a new interpreter, and what it printed."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def loaded_after(code: str) -> tuple[list[str], str]:
    """The modules of RUN_HEAVY that ``code`` imported in a new interpreter, and what it printed."""
    modules, shown = imported_after(code)
    return [name for name in modules if name in RUN_HEAVY], shown


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


def test_explain_from_a_record_imports_neither_the_compiler_nor_the_help_layout_and_its_engine_modules_are_pinned(
        recorded):
    out, entity_id = recorded
    modules, shown = imported_after(cli("explain", entity_id, "--run", str(out)))
    assert f"koperasi {entity_id}" in shown
    assert [name for name in COMPILER_AND_HELP if name in modules] == []
    assert [name for name in modules if name == "engine" or name.startswith("engine.")] == EXPLAIN_FROM_RECORD_ENGINE


def test_an_auditors_sample_imports_no_reader_of_data_nor_the_pipeline(recorded, tmp_path):
    out, _ = recorded
    workpaper = tmp_path / "kertas_kerja.xlsx"
    loaded, _ = loaded_after(cli("sample", "--run", str(out), "--n", "5", "--out", str(workpaper)))
    assert [name for name in loaded if name in RECORD_HEAVY] == []  # xlsxwriter writes the working paper
    assert workpaper.is_file()


def test_the_package_api_is_there_on_first_use():
    for name in engine.__all__:
        assert getattr(engine, name) is not None, name
    assert set(engine.__all__) <= set(dir(engine))
    with pytest.raises(AttributeError):
        engine.no_such_name  # noqa: B018
