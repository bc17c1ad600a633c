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
    for decision in result.decisions:
        audit.info("keputusan", jenis=decision.entity_type, id=decision.entity_id, aturan=decision.rule_id,
                   versi=decision.rule_version, tag=decision.tag, diberikan=decision.given,
                   terpenuhi={c.node: list(c.evidence) for c in decision.clauses if c.held},
                   gagal=[c.node for c in decision.clauses if not c.held])
    for indicator in result.indicators:
        audit.info("indikator", **indicator.public())
