"""A run with its outputs: the pipeline at one end, the files in the output folder at the other."""

from __future__ import annotations

import time
from pathlib import Path

import structlog

from engine import log
from engine.outputs.files import write_indicators, write_rejects, write_tags
from engine.explain import explanation_texts
from engine.outputs.report_html import listed_keys, write_report_html
from engine.outputs.report_xlsx import write_report_xlsx
from engine.outputs.rundb import write_run_record
from engine.pipeline import Progress, RunResult, run

logger = structlog.get_logger("iku.run")


EXPLAIN_ALL_UP_TO = 50_000  # beyond this, explanations are kept for the entities the report lists


def write_outputs(result: RunResult, out: Path, data: Path) -> None:
    write_rejects(result.dataset.rejects, out)
    write_tags(result, out)
    write_indicators(result, out)
    write_report_xlsx(result, out)
    explanations = explanation_texts(result, only=None if _entity_count(result) <= EXPLAIN_ALL_UP_TO else listed_keys(result))
    write_report_html(result, out, explanations)
    write_run_record(result, out, data, explanations)


def _entity_count(result: RunResult) -> int:
    return sum(len(group) for group in result.entities.values())


def execute_run(
    data: Path, profile: str, year: int, out: Path, rules: Path, progress: Progress | None = None, workers: int = 0
) -> RunResult:
    out.mkdir(parents=True, exist_ok=True)
    log.open_audit(out / "audit.jsonl")
    try:
        logger.info("run dimulai", data=str(data), profil=profile, tahun=year, aturan=str(rules))
        result = run(data=data, profile_id=profile, year=year, rules=rules, progress=progress, workers=workers)
        for count in result.dataset.counts:
            logger.info("tabel dibaca", **count.model_dump())
        start = time.perf_counter()
        write_outputs(result, out, data)
        result.timings["outputs"] = time.perf_counter() - start
        logger.info("run selesai", versi_aturan=result.book.version, keputusan=len(result.decisions))
        return result
    finally:
        log.close_audit()
