"""A run with its outputs: the pipeline at one end, the files in the output folder at the other."""

from __future__ import annotations

import time
from pathlib import Path

import structlog

from engine import log
from engine.outputs.files import write_indicators, write_rejects, write_tags
from engine.pipeline import Progress, RunResult, run

logger = structlog.get_logger("iku.run")


def write_outputs(result: RunResult, out: Path) -> None:
    write_rejects(result.dataset.rejects, out)
    write_tags(result, out)
    write_indicators(result, out)


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
        write_outputs(result, out)
        result.timings["outputs"] = time.perf_counter() - start
        logger.info("run selesai", versi_aturan=result.book.version, keputusan=len(result.decisions))
        return result
    finally:
        log.close_audit()
