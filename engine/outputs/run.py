"""A run with its outputs: the pipeline at one end, the files in the output folder at the other."""

from __future__ import annotations

import time
from pathlib import Path

import structlog

from engine import log
from engine.explain import explanation_texts
from engine.outputs.audit import log_run_audit
from engine.outputs.entities import entity_directory
from engine.outputs.files import write_indicators, write_rejects, write_tags
from engine.outputs.lock import output_lock
from engine.outputs.report_html import listed_keys, write_report_html
from engine.outputs.report_xlsx import write_report_xlsx
from engine.outputs.rundb import write_run_record
from engine.pipeline import Progress, RunResult, run

logger = structlog.get_logger("iku.run")
EXPLAIN_ALL_UP_TO = 2_000  # beyond this, explanations are kept for the entities the report lists


def write_outputs(result: RunResult, out: Path, data: Path) -> None:
    """Each file is written whole and moved into place; indicators.json last, as the sign of a complete run."""
    write_rejects(result.dataset.rejects, out)
    write_tags(result, out)
    directory = entity_directory(result)  # names and kabupaten/kota, shared by the three writers
    write_report_xlsx(result, out, directory)
    many = sum(len(group) for group in result.entities.values()) > EXPLAIN_ALL_UP_TO
    explanations = explanation_texts(result, only=listed_keys(result) if many else None)
    write_report_html(result, out, explanations, directory)
    write_run_record(result, out, data, explanations, directory)
    write_indicators(result, out)


def execute_run(
    data: Path, profile: str, year: int, out: Path, rules: Path, progress: Progress | None = None, workers: int = 0
) -> RunResult:
    with output_lock(out):
        stream, audit = log.open_audit(out / "audit.jsonl")
        try:
            audit.info("run_dimulai", data=str(data), profil=profile, tahun=year, aturan=str(rules))
            result = run(data=data, profile_id=profile, year=year, rules=rules, progress=progress, workers=workers)
            start = time.perf_counter()  # the audit log of every decision is an output too
            log_run_audit(audit, result)
            write_outputs(result, out, data)
            result.timings["outputs"] = time.perf_counter() - start
            audit.info("run_selesai", versi_aturan=result.book.version, keputusan=len(result.decisions),
                       detik=result.timings)
            logger.info("run selesai", versi_aturan=result.book.version, keputusan=len(result.decisions))
            return result
        except Exception as error:
            audit.error("run_gagal", galat=str(error))
            raise
        finally:
            stream.close()
