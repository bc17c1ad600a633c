"""The log of a run (``audit.jsonl``): what it read, under which rules, and how it ended.

Start, the input files with their sha256, the rules version and the parameters in force, rows
read, used and rejected per table, entities outside the province per table, warnings, the
indicators, and the end (status 0) — kilobytes, whatever the size of the run. A failed run has no
log: its folder is removed (``engine.outputs.folder``) and the previous run stays. Each decision is in ``run.sqlite``, not here; rejected
rows are in ``rejects.csv`` (counted here per table). Ids only: no participant name is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from engine.log import AuditLog
from engine.pipeline import RunResult, SeriesResult
from engine.rules.compiler import reference_day


def log_start(audit: AuditLog, data: Path, profile: str, years: Sequence[int], rules: Path) -> None:
    audit.write("run_dimulai", data=str(data), profil=profile, tahun=years[-1], tahun_seri=list(years),
                aturan=str(rules))


def _parameters(result: RunResult) -> Iterator[dict[str, object]]:
    day = reference_day(result.year)
    for name, parameter in sorted(result.book.parameters.items()):
        version = parameter.version_for(day)
        if version is not None:
            yield {"id": name, "nilai": version.value, "berlaku_dari": version.effective.start,
                   "berlaku_sampai": version.effective.end}


def _warnings(result: RunResult) -> Iterator[str]:
    for indicator in result.indicators:
        if indicator.nilai is None:
            yield f"indikator {indicator.id} tahun {result.year} tidak dapat dihitung: {indicator.catatan}"


def log_run(audit: AuditLog, series: SeriesResult) -> None:
    """Everything the run read and used, once the rules and indicators of every year are done."""
    first = series.last
    for source in first.dataset.sources:
        audit.write("berkas_masukan", nama=source.name, sha256=source.sha256)
    for result in series.results:  # each year with the parameters in force on its 31 December
        audit.write("aturan", versi=result.book.version, folder=str(result.book.directory), profil=result.profile.id,
                    tahun=result.year, parameter=list(_parameters(result)))
    for count in first.dataset.counts:  # read = used + rejected; the rejected rows themselves are in rejects.csv
        audit.write("tabel", **count.model_dump())
    for table, entities in first.outside_province.items():  # out of every indicator, not rejected
        audit.write("di_luar_provinsi", table=table, provinsi=first.profile.province.code, entitas=entities)
    for table in first.dataset.absent:
        audit.write("peringatan", pesan=f"tabel {table} tidak ada dalam data")
    for name, why in first.dataset.not_read.items():
        audit.write("peringatan", pesan=f"berkas {name} tidak dibaca ({why})")
    for result in series.results:
        for warning in _warnings(result):
            audit.write("peringatan", pesan=warning)
    for result in series.results:
        for indicator in result.indicators:
            audit.write("indikator", tahun=result.year, **indicator.public())


def log_end(audit: AuditLog, series: SeriesResult) -> None:
    entities = {kind: len(group) for kind, group in series.last.entities.items()}
    audit.write("run_selesai", status=0, versi_aturan=series.book.version, entitas=entities,
                keputusan=sum(len(result.decisions) for result in series.results), detik=series.timings)

