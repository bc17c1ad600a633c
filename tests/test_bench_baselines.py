"""The benchmark's baselines compute exactly the durable_rules path's tags, and the bench runs."""

import csv
import subprocess
import sys

import pytest

from bench.baselines import plain_python, vectorised
from engine.ingest.dataset import load_dataset
from engine.outputs.run import execute_run
from tests.support import REPO, RULES, SAMPLES


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    subprocess.run([sys.executable, str(SAMPLES / "generate.py"), "--profile", "jambi", "--koperasi", "150",
                    "--ukm", "120", "--peserta", "30", "--history-years", "6", "--seed", "11", "--format", "csv",
                    "--out", str(folder / "data")], check=True, capture_output=True)
    execute_run(folder / "data", "jambi", 2024, folder / "out", RULES)
    with (folder / "out" / "tags.csv").open() as handle:
        tags = {(row["entity_type"], row["entity_id"], row["tag"]) for row in csv.DictReader(handle)}
    return load_dataset(folder / "data"), tags


@pytest.mark.parametrize("baseline", [plain_python, vectorised], ids=["python", "polars"])
def test_baselines_give_the_tags_of_the_durable_rules_path(generated, baseline):
    dataset, tags = generated
    assert baseline(dataset, 2024) == tags


def test_bench_runs_end_to_end_at_a_tiny_size(tmp_path):
    done = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "300"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "tag identik" in done.stdout and "ya" in done.stdout
