"""The ``iku`` command: wiring only — each command calls one module and prints its result.

Exit codes (data contract): 0 done (rejected rows included), 1 rules invalid or a check failed,
2 unusable invocation or missing file/column.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from engine import log
from engine.cli_wording import IkuCommand, IkuGroup
from engine.durable_host import EngineError
from engine.ingest.readers import DataError
from engine.numbers import format_number
from engine.pipeline import DEFAULT_RULES, RunResult, UnknownProfile
from engine.rules.rulebook import RulesInvalid

app = typer.Typer(
    cls=IkuGroup,
    help="iku: aturan IKU Dinas Koperasi dan UKM yang dapat dijalankan dan diaudit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(cls=IkuGroup, help="Memeriksa dan membandingkan berkas aturan.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
console = Console()
errors = Console(stderr=True)

DataOption = Annotated[Path, typer.Option("--data", help="Folder CSV atau workbook .xlsx")]
ProfileOption = Annotated[str, typer.Option("--profile", help="Profil provinsi, misalnya jatim atau jambi")]
YearOption = Annotated[int, typer.Option("--year", help="Tahun penilaian n")]
RulesOption = Annotated[Path, typer.Option("--rules", help="Folder aturan")]
JsonLogOption = Annotated[bool, typer.Option("--log-json", help="Log sebagai baris JSON")]


def fail(message: str, code: int) -> typer.Exit:
    errors.print(f"[bold red]Galat:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Known failures become a message and an exit code, never a traceback."""
    try:
        yield
    except DataError as error:
        raise fail(str(error), 2) from None
    except UnknownProfile as error:
        raise fail(str(error), 2) from None
    except RulesInvalid as error:
        errors.print(f"[bold red]Aturan tidak sah[/] ({len(error.problems)} masalah):", highlight=False)
        for problem in error.problems:
            errors.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except EngineError as error:
        raise fail(f"pemeriksaan mesin aturan gagal: {error}", 1) from None


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=errors, transient=True, disable=not errors.is_terminal,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(entity_type: str, done: int, total: int) -> None:
            if entity_type not in tasks:
                tasks[entity_type] = bar.add_task(f"Menilai {entity_type}", total=total)
            if done == total or done % 200 == 0:
                bar.update(tasks[entity_type], completed=done)

        yield update


def print_accounting(result: RunResult) -> None:
    table = Table(title="Baris data per tabel", title_justify="left")
    for column in ("tabel", "sumber", "dibaca", "dipakai", "ditolak", "baris kosong"):
        table.add_column(column, justify="right" if column not in ("tabel", "sumber") else "left")
    for count in result.dataset.counts:
        table.add_row(count.table, count.source, str(count.read), str(count.used), str(count.rejected), str(count.blank))
    console.print(table)
    for name in result.dataset.absent:
        console.print(f"  tabel {name}: tidak ada dalam data", highlight=False)
    for count in result.dataset.counts:
        console.print(
            f"  {count.table}: dibaca {count.read} = dipakai {count.used} + ditolak {count.rejected}",
            highlight=False,
        )


def print_indicators(result: RunResult) -> None:
    table = Table(title=f"Indikator {result.profile.id} tahun {result.year}", title_justify="left")
    for column in ("id", "indikator", "nilai", "satuan", "pembilang", "penyebut"):
        table.add_column(column, justify="right" if column in ("nilai", "pembilang", "penyebut") else "left")
    for indicator in result.indicators:
        table.add_row(
            indicator.id, indicator.nama, format_number(indicator.nilai), indicator.satuan,
            format_number(indicator.pembilang), format_number(indicator.penyebut),
        )
    console.print(table)
    for indicator in result.indicators:
        if indicator.nilai is None:
            console.print(f"  {indicator.id}: {indicator.catatan}", highlight=False)


@app.command("run", cls=IkuCommand)
def run_command(
    data: DataOption,
    profile: ProfileOption,
    year: YearOption,
    out: Annotated[Path, typer.Option("--out", help="Folder keluaran")],
    rules: RulesOption = DEFAULT_RULES,
    log_json: JsonLogOption = False,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Jumlah proses penilai (0: otomatis)")] = 0,
) -> None:
    """Menilai semua entitas dan menulis indikator, tag, baris ditolak, laporan dan catatan run."""
    from engine.outputs.run import execute_run

    log.configure(json_lines=log_json)
    with friendly_errors(), progress_bar() as progress:
        result = execute_run(data=data, profile=profile, year=year, out=out, rules=rules, progress=progress,
                             workers=workers)
    print_accounting(result)
    print_indicators(result)
    console.print(f"Keluaran ditulis ke {out}", highlight=False)


@rules_app.command("check", cls=IkuCommand)
def rules_check_command(directory: Annotated[Path, typer.Argument(help="Folder aturan", metavar="FOLDER")] = DEFAULT_RULES) -> None:
    """Memeriksa semua berkas aturan, parameter dan profil; melaporkan setiap masalah sekaligus."""
    from engine.rules.rulebook import load_rulebook

    with friendly_errors():
        book = load_rulebook(directory)
    console.print(
        f"Aturan sah: {len(book.rules)} aturan, {len(book.parameters)} parameter, "
        f"{len(book.profiles)} profil (versi {book.version})",
        highlight=False,
    )


# -- further commands are registered below --


FormatOption = Annotated[str, typer.Option("--format", help="text atau json")]


def check_format(value: str) -> None:
    if value not in ("text", "json"):
        raise fail(f"format '{value}' tidak dikenal; pilih text atau json", 2)


RunOption = Annotated[Path | None, typer.Option("--run", help="Folder keluaran sebuah run (membaca run.sqlite-nya)")]


@app.command("explain", cls=IkuCommand)
def explain_command(
    wanted: Annotated[str, typer.Argument(metavar="ID", help="NIK, NIB, id peserta, atau id indikator")],
    run_dir: RunOption = None,
    data: Annotated[Path | None, typer.Option("--data", help="Folder CSV atau workbook .xlsx")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Profil provinsi, misalnya jatim atau jambi")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Tahun penilaian n")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Hanya aturan yang memberi tag ini")] = None,
    rules: RulesOption = DEFAULT_RULES,
    output: FormatOption = "text",
) -> None:
    """Menjelaskan mengapa (atau mengapa tidak) sebuah entitas mendapat tag, atau bagaimana indikator dihitung:
    dari catatan sebuah run (--run) atau dengan menilai data (--data, --profile, --year)."""
    from engine.explain import UnknownId, UnknownTag, explain, render

    check_format(output)
    log.configure(quiet=True)
    with friendly_errors(), explain_source(run_dir, data, profile, year, rules) as (source, heading):
        try:
            explanations = explain(source, wanted, tag)
        except (UnknownId, UnknownTag) as error:
            raise fail(str(error), 2) from None
    if output == "json":
        if heading:
            errors.print(heading, highlight=False, markup=False, soft_wrap=True)
        print(json.dumps([item.model_dump(mode="json") for item in explanations], ensure_ascii=False, indent=2))
        return
    if heading:
        print(heading + "\n")
    print("\n\n".join(render(item) for item in explanations))


@contextmanager
def explain_source(run_dir: Path | None, data: Path | None, profile: str | None, year: int | None,
                   rules: Path) -> Iterator[tuple[Any, str | None]]:
    """The record of a run (and the line saying which run), or a run of the data made now."""
    from engine.pipeline import run
    from engine.runstore.reader import StoreSource
    from engine.runstore.schema import StoreError

    if run_dir is not None:
        try:
            store = StoreSource(run_dir)
        except StoreError as error:
            raise fail(str(error), 2) from None
        try:
            yield store, store.info.text()
        finally:
            store.close()
        return
    if data is None or profile is None or year is None:
        raise fail("sebutkan --run FOLDER (catatan sebuah run), atau --data, --profile dan --year", 2)
    yield run(data=data, profile_id=profile, year=year, rules=rules), None


@app.command("verify", cls=IkuCommand)
def verify_command(
    run_dir: Annotated[Path, typer.Argument(metavar="FOLDER", help="Folder keluaran sebuah run")],
    data: Annotated[Path | None, typer.Option("--data", help="Data di tempat lain (bawaan: yang tercatat)")] = None,
) -> None:
    """Memeriksa ulang sebuah run: sha256 berkas masukan, versi aturan, lalu menilai ulang dan membandingkan
    tag dan indikator dengan catatan run. Kode keluar 0 bila cocok, 1 bila ada yang berbeda."""
    from engine.runstore.schema import StoreError
    from engine.runstore.verify import verify

    log.configure(quiet=True)
    with friendly_errors():
        try:
            check = verify(run_dir, data)
        except StoreError as error:
            raise fail(str(error), 2) from None
    console.print(f"Run {check.info.id} (profil {check.info.profile}, tahun {check.info.year})", highlight=False)
    if check.matches:
        console.print("cocok: berkas masukan, versi aturan, tag dan indikator sama dengan catatan run", highlight=False)
        return
    console.print(f"tidak cocok ({len(check.differences)} perbedaan):", highlight=False)
    for difference in check.differences:
        console.print(f"  {difference}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command("sample", cls=IkuCommand)
def sample_command(
    run_dir: Annotated[Path, typer.Option("--run", help="Folder keluaran sebuah run")],
    out: Annotated[Path, typer.Option("--out", help="Workbook kertas kerja yang ditulis (.xlsx)")],
    size: Annotated[int, typer.Option("--n", min=1, help="Jumlah entitas dalam sampel")] = 30,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed penarikan (bawaan: acak, dicatat di sheet)")] = None,
) -> None:
    """Menarik sampel acak yang dapat diulang, berstrata menurut tag dan kabupaten/kota, dan menulis kertas kerja
    auditor: satu baris per entitas dengan tag, alasan, baris sumber, dan kolom kosong untuk pemeriksaan."""
    import secrets

    from engine.runstore.reader import StoreSource
    from engine.runstore.sample import draw
    from engine.runstore.schema import StoreError
    from engine.runstore.workpaper import write_workpaper

    if out.suffix.lower() != ".xlsx":
        raise fail(f"{out}: kertas kerja ditulis sebagai workbook .xlsx", 2)
    try:
        store = StoreSource(run_dir)
    except StoreError as error:
        raise fail(str(error), 2) from None
    try:
        sample = draw(store.db, size, secrets.randbelow(10**6) if seed is None else seed)
        write_workpaper(store, sample, out)
    finally:
        store.close()
    console.print(f"Sampel {sample.size} dari {sample.population} entitas (seed {sample.seed}, run {store.info.id}) "
                  f"ditulis ke {out}", highlight=False)


@rules_app.command("diff", cls=IkuCommand)
def rules_diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD_DIR", help="Folder aturan yang berlaku")],
    new: Annotated[Path, typer.Argument(metavar="NEW_DIR", help="Folder aturan usulan")],
    data: DataOption,
    profile: ProfileOption,
    year: YearOption,
    output: FormatOption = "text",
) -> None:
    """Dampak perubahan aturan: entitas yang memperoleh atau kehilangan tag, dan indikator sebelum/sesudah."""
    from engine.rules.diff import diff_rules

    check_format(output)
    log.configure(quiet=True)
    with friendly_errors():
        report = diff_rules(old, new, data, profile, year)
    if output == "json":
        print(report.model_dump_json(indent=2))
        return
    print_diff(report)


def print_diff(report: Any) -> None:
    console.print(f"Perbandingan aturan {report.versi_lama} → {report.versi_baru}, profil {report.profil}, "
                  f"tahun {report.tahun}", highlight=False)
    for change in report.parameter:
        console.print(f"  parameter {change.id}: {change.sebelum} → {change.sesudah}", highlight=False)
    tags = Table(title=f"Perubahan tag ({len(report.tag)})", title_justify="left")
    for column in ("entitas", "id", "tag", "perubahan", "klausa yang berbeda"):
        tags.add_column(column)
    for change in report.tag:
        reasons = "; ".join(f"{c.teks}: {_held(c.sebelum)} → {_held(c.sesudah)}" for c in change.alasan)
        tags.add_row(change.jenis, change.id, change.tag, change.perubahan, reasons or (change.catatan or ""))
    console.print(tags)
    indicators = Table(title="Indikator sebelum dan sesudah", title_justify="left")
    for column in ("id", "indikator", "sebelum", "sesudah", "selisih", "pembilang", "penyebut"):
        indicators.add_column(column, justify="left" if column in ("id", "indikator") else "right")
    for item in report.indikator:
        indicators.add_row(
            item.id, item.nama, format_number(item.nilai_sebelum), format_number(item.nilai_sesudah),
            format_number(item.selisih),
            f"{format_number(item.pembilang_sebelum)} → {format_number(item.pembilang_sesudah)}",
            f"{format_number(item.penyebut_sebelum)} → {format_number(item.penyebut_sesudah)}",
        )
    console.print(indicators)


def _held(value: bool | None) -> str:
    return "—" if value is None else "terpenuhi" if value else "gagal"


@app.command("serve", cls=IkuCommand)
def serve_command(
    run_dirs: Annotated[list[Path], typer.Option("--run", help="Folder keluaran sebuah run (boleh berulang)")],
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Alamat yang didengar (selain 127.0.0.1 memerlukan token)")] = "127.0.0.1",
) -> None:
    """Aplikasi web lokal (hanya baca) di atas catatan run: ringkasan, indikator, entitas, aturan, bandingkan,
    simulasi dan API JSON (/docs)."""
    import uvicorn

    from engine.runstore.schema import StoreError
    from engine.serve.app import create_app
    from engine.serve.security import is_local, new_token

    log.configure(quiet=True)
    token = None if is_local(host) else new_token()
    try:
        application = create_app(run_dirs, token=token, host=host, warm=True)
    except StoreError as error:
        raise fail(str(error), 2) from None
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console.print(f"iku serve: buka {address}  (Ctrl+C untuk berhenti)", highlight=False, soft_wrap=True)
    if token:
        console.print(f"Token (wajib pada setiap permintaan; header Authorization: Bearer …): {token}", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        errors.print("Dihentikan.")
        sys.exit(130)
