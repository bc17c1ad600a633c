"""The audit log of a run: enough to reproduce it and to trace every number.

Rules version, input files with sha256, per-table counts, every rejected row and every decision
(clauses held and failed, with the facts that matched). Ids only: names of training participants
are personal data and are never written here.
"""

from __future__ import annotations

from typing import Any

from engine.facts import PERSONAL_COLUMNS
from engine.pipeline import RunResult


def log_run_audit(audit: Any, result: RunResult) -> None:
    audit.info("aturan", versi=result.book.version, folder=str(result.book.directory), profil=result.profile.id,
               tahun=result.year)
    for source in result.dataset.sources:
        audit.info("berkas_masukan", nama=source.name, sha256=source.sha256)
    for count in result.dataset.counts:
        audit.info("tabel", **count.model_dump())
    for reject in result.dataset.rejects:
        value = "(disembunyikan)" if (reject.table, reject.column) in PERSONAL_COLUMNS else reject.value
        audit.info("baris_ditolak", tabel=reject.table, baris=reject.row, kolom=reject.column, nilai=value,
                   alasan=reject.reason)
    for entity_type, entity_id, _, rule_id, version, tag, given, clauses in result.decisions.rows():
        audit.info("keputusan", jenis=entity_type, id=entity_id, aturan=rule_id, versi=version, tag=tag,
                   diberikan=given, terpenuhi={node: evidence for node, held, evidence in clauses if held},
                   gagal=[node for node, held, _ in clauses if not held])
    for indicator in result.indicators:
        audit.info("indikator", **indicator.public())
