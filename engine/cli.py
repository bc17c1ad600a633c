"""The ``iku`` command: wiring only — each command calls one module and prints its result.

Exit codes (data contract): 0 done (rejected rows included), 1 rules invalid or a check failed,
2 unusable invocation or missing file/column.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from engine import log
from engine.cli_paths import os_error_text, os_reason, out_folder_problem
from engine.cli_wording import IkuCommand, IkuGroup
from engine.ingest.values import FIRST_YEAR, LAST_YEAR
from engine.numbers import format_number
from engine.rules import DEFAULT_RULES
from engine.stop import exit_code, how_stopped, stop_on_sigterm
from engine.terminal import SafeConsole, visible, visible_json
from engine.years import YearsError, parse_years

# Each command imports the modules it works with inside its function: `iku --help` and a reader such
# as `iku explain --run` then start without polars, openpyxl and the pipeline, which only a run of the
# data needs (at a million entities start-up was most of `iku explain`). tests/test_cli_imports.py keeps it so.
if TYPE_CHECKING:
    from engine.check_data import DataCheck
    from engine.ingest.dataset import Dataset
    from engine.pipeline import RunResult, SeriesResult

app = typer.Typer(
    cls=IkuGroup,
    help="iku: aturan IKU Dinas Koperasi dan UKM yang dapat dijalankan dan diaudit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(cls=IkuGroup, help="Memeriksa dan membandingkan berkas aturan.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
# Everything printed goes through these two consoles or ``say``: no control character reaches the terminal.
console = SafeConsole()
errors = SafeConsole(stderr=True)

DataOption = Annotated[Path, typer.Option("--data", help="Folder CSV atau workbook .xlsx")]
ProfileOption = Annotated[str, typer.Option("--profile", help="Profil provinsi, misalnya jatim atau jambi")]


def sane_year(value: int | None) -> int | None:
    """The years a data cell may hold: beyond them a typed year is a slip (and dates cannot hold 10000)."""
    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise typer.BadParameter(f"tahun harus antara {FIRST_YEAR} dan {LAST_YEAR}")
    return value


YearOption = Annotated[int, typer.Option("--year", callback=sane_year, help="Tahun penilaian n")]


def sane_years(value: str) -> str:
    """A year, a range or a list of years (``engine.years``), checked before the run starts."""
    try:
        parse_years(value)
    except YearsError as error:
        raise typer.BadParameter(str(error)) from None
    return value


YearsOption = Annotated[str, typer.Option(
    "--year", callback=sane_years, help="Tahun penilaian n, rentang (2020-2024) atau daftar (2022,2024): satu run berisi setiap tahun")]
RulesOption = Annotated[Path, typer.Option("--rules", help="Folder aturan")]
JsonLogOption = Annotated[bool, typer.Option("--log-json", help="Log sebagai baris JSON")]


def fail(message: str, code: int) -> typer.Exit:
    errors.print(f"[bold red]Galat:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def say(text: str, as_json: bool = False) -> None:
    """Plain output (an explanation, a JSON document), its control characters made visible."""
    print(visible_json(text) if as_json else visible(text))


@contextmanager
def friendly_errors(outcome: str = "") -> Iterator[None]:
    """Known failures become a message and an exit code, never a traceback; Ctrl-C exits with 130 and
    SIGTERM with 143 (``engine.stop``), the message followed by ``outcome`` (what became of the work)."""
    try:
        yield
    except KeyboardInterrupt as stop:
        errors.print(f"[bold]Berhenti:[/] dihentikan ({how_stopped(stop)}){escape(outcome)}",
                     highlight=False, soft_wrap=True)
        raise typer.Exit(exit_code(stop)) from None
    except Exception as error:
        known = known_failure(error)
        if known is None:
            raise
        raise known from None


def raised_from(error: Exception, module: str, name: str) -> bool:
    """Whether ``error`` is a ``module.name``: a class whose module was never imported cannot have been
    raised, so the check imports nothing (a reader command never loads the run's modules for it)."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(error, getattr(loaded, name))


def known_failure(error: Exception) -> typer.Exit | None:
    """The message and exit code of a known failure; None for any other error."""
    if raised_from(error, "engine.ingest.readers", "DataError") or \
            raised_from(error, "engine.pipeline", "UnknownProfile"):
        return fail(str(error), 2)
    if raised_from(error, "engine.rules.rulebook", "RulesInvalid"):
        errors.print(f"[bold red]Aturan tidak sah[/] ({len(error.problems)} masalah):", highlight=False)
        for problem in error.problems:
            errors.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        return typer.Exit(1)
    if raised_from(error, "engine.rules.compiler", "CompileError"):
        return fail(f"aturan tidak dapat dikompilasi: {error}", 1)
    if raised_from(error, "engine.durable_host", "EngineError"):
        return fail(f"pemeriksaan mesin aturan gagal: {error}", 1)
    if raised_from(error, "engine.runstore.writer", "SourceRowsError") or \
            raised_from(error, "engine.processes", "OtherProcessFailed"):
        return fail(f"{error}; run ini tidak ditulis, keluaran sebelumnya tetap dipakai", 1)
    if isinstance(error, OSError):  # a full disk, a folder turned read-only: the run cannot finish where asked
        return fail(os_error_text(error), 2)
    return None


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn  # `iku run` only

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


def figures_table(title: str, columns: Sequence[str], numeric: Collection[str], rows: list[list[str]]) -> Table:
    """A table whose figures are never cut: each number column is as wide as its longest figure and
    never wraps, while text columns wrap (and fold a word longer than the column) on a narrow terminal."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)  # no vertical rules: room for the text
    for index, column in enumerate(columns):
        if column in numeric:
            widest = max((len(row[index]) for row in rows), default=0)
            table.add_column(column, justify="right", no_wrap=True, min_width=max(widest, len(column)))
        else:
            table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def print_not_read(dataset: Dataset) -> None:
    """The tables not in the data, and the files of the data folder that were not read, with why."""
    for name in dataset.absent:
        console.print(f"  tabel {name}: tidak ada dalam data", highlight=False)
    for name, why in dataset.not_read.items():
        console.print(Text(visible(f"  berkas {name}: tidak dibaca ({why})")), soft_wrap=True)


def print_accounting(result: RunResult) -> None:
    rows = [[count.table, count.source, str(count.read), str(count.used), str(count.rejected), str(count.blank)]
            for count in result.dataset.counts]
    console.print(figures_table("Baris data per tabel",
                                ("tabel", "sumber", "dibaca", "dipakai", "ditolak", "baris kosong"),
                                ("dibaca", "dipakai", "ditolak", "baris kosong"), rows))
    print_not_read(result.dataset)
    province = result.profile.province
    for table, count in result.outside_province.items():  # out of every indicator, not rejected
        console.print(f"  {table}: {count} entitas di luar provinsi {province.name} ({province.code}), "
                      "tidak dihitung dalam indikator", highlight=False)
    for count in result.dataset.counts:
        console.print(
            f"  {count.table}: dibaca {count.read} = dipakai {count.used} + ditolak {count.rejected}",
            highlight=False,
        )
        if count.continued:  # a value holding line breaks: the file's line count differs from its rows
            console.print(f"    {count.lines} baris teks = {count.read} baris data + {count.blank} baris kosong + "
                          f"{count.continued} baris lanjutan nilai bertanda kutip", highlight=False)


def _value_with_unit(value: float | None, unit: str) -> str:
    return format_number(value) if value is None else f"{format_number(value)} {unit}"


def print_series(series: SeriesResult) -> None:
    """A run of several years: each indicator's value per year (a null year shows its reason below)."""
    years = series.years
    rows = [[definition.id, definition.name,
             *(_value_with_unit(next(i for i in result.indicators if i.id == definition.id).nilai, definition.unit)
               for result in series.results)] for definition in series.profile.indicators]
    console.print(figures_table(f"Indikator {series.profile.id} {years[0]}–{years[-1]}",
                                ("id", "indikator", *map(str, years)), tuple(map(str, years)), rows))
    for result in series.results:
        for indicator in result.indicators:
            if indicator.nilai is None:
                console.print(f"  {indicator.id} {result.year}: {indicator.catatan}", highlight=False)


def print_indicators(result: RunResult) -> None:
    rows = [[indicator.id, indicator.nama, _value_with_unit(indicator.nilai, indicator.satuan),
             format_number(indicator.pembilang), format_number(indicator.penyebut)] for indicator in result.indicators]
    console.print(figures_table(f"Indikator {result.profile.id} tahun {result.year}",
                                ("id", "indikator", "nilai", "pembilang", "penyebut"),
                                ("nilai", "pembilang", "penyebut"), rows))
    for indicator in result.indicators:
        if indicator.nilai is None:
            console.print(f"  {indicator.id}: {indicator.catatan}", highlight=False)


@app.command("run", cls=IkuCommand)
def run_command(
    data: DataOption,
    profile: ProfileOption,
    year: YearsOption,
    out: Annotated[Path, typer.Option("--out", help="Folder keluaran")],
    rules: RulesOption = DEFAULT_RULES,
    log_json: JsonLogOption = False,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Jumlah proses penilai (0: otomatis)")] = 0,
) -> None:
    """Menilai semua entitas dan menulis indikator, tag, baris ditolak, laporan dan catatan run
    (satu tahun, atau beberapa tahun sebagai satu seri)."""
    from engine.outputs.run import execute_series

    years = parse_years(year)  # checked by sane_years
    log.configure(json_lines=log_json)
    if problem := out_folder_problem(out, data):
        raise fail(problem, 2)
    stopped = f"; run ini tidak ditulis, {out} tetap berisi run sebelumnya yang utuh"
    with friendly_errors(outcome=stopped), progress_bar() as progress:
        series = execute_series(data=data, profile=profile, years=years, out=out, rules=rules, progress=progress,
                                workers=workers)
    print_accounting(series.last)
    print_indicators(series.last)
    if len(series.results) > 1:
        print_series(series)
    console.print(f"Keluaran ditulis ke {out}", highlight=False)


@rules_app.command("check", cls=IkuCommand)
def rules_check_command(directory: Annotated[Path, typer.Argument(help="Folder aturan", metavar="FOLDER")] = DEFAULT_RULES) -> None:
    """Memeriksa semua berkas aturan, parameter dan profil; melaporkan setiap masalah sekaligus."""
    from engine.rules.fidelity import fidelity_warnings
    from engine.rules.load import load_rulebook

    with friendly_errors():
        book = load_rulebook(directory)
    console.print(
        f"Aturan sah: {len(book.rules)} aturan, {len(book.parameters)} parameter, "
        f"{len(book.profiles)} profil (versi {book.version})",
        highlight=False,
    )
    warnings = fidelity_warnings(book)
    if warnings:  # the rules stay valid (exit 0): the author is shown what to complete
        errors.print(f"[bold yellow]Peringatan[/] ({len(warnings)}):", highlight=False)
        for warning in warnings:
            errors.print(f"  peringatan: {warning}", highlight=False, markup=False, soft_wrap=True)


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
    year: Annotated[int | None, typer.Option("--year", callback=sane_year, help="Tahun penilaian n")] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Hanya aturan yang memberi tag ini")] = None,
    rules: RulesOption = DEFAULT_RULES,
    output: FormatOption = "text",
) -> None:
    """Menjelaskan mengapa (atau mengapa tidak) sebuah entitas mendapat tag, atau bagaimana indikator dihitung:
    dari catatan sebuah run (--run) atau dengan menilai data (--data, --profile, --year)."""
    from engine.explain import UnknownId, UnknownTag, explain, render

    check_format(output)
    with friendly_errors(), explain_source(run_dir, data, profile, year, rules) as (source, heading):
        try:
            explanations = explain(source, wanted, tag)
        except (UnknownId, UnknownTag) as error:
            raise fail(str(error), 2) from None
    if output == "json":
        if heading:
            errors.print(heading, highlight=False, markup=False, soft_wrap=True)
        say(json.dumps([item.model_dump(mode="json") for item in explanations], ensure_ascii=False, indent=2),
            as_json=True)
        return
    if heading:
        say(heading + "\n")
    say("\n\n".join(render(item) for item in explanations))


@contextmanager
def reading_record(run_dir: Path) -> Iterator[None]:
    """A record that cannot be read is named (exit 2), never a traceback: missing, not a run record, of another
    schema version, without the year asked (``StoreError``), or damaged past its header (a page overwritten,
    a copy cut short), which opens and then fails where it is read."""
    import sqlite3  # the record's reader has loaded it already

    from engine.runstore.schema import StoreError, damaged_text

    try:
        yield
    except StoreError as error:
        raise fail(str(error), 2) from None
    except sqlite3.DatabaseError as error:
        raise fail(damaged_text(error, run_dir), 2) from None


@contextmanager
def explain_source(run_dir: Path | None, data: Path | None, profile: str | None, year: int | None,
                   rules: Path) -> Iterator[tuple[Any, str | None]]:
    """The record of a run (and the line saying which run), or a run of the data made now."""
    if run_dir is not None:
        from engine.runstore.reader import StoreSource

        with reading_record(run_dir):
            store = StoreSource(run_dir, year)  # --year: which year of a run of several (default: the last)
            try:
                yield store, store.info.text(store.year)
            finally:
                store.close()
        return
    if data is None or profile is None or year is None:
        raise fail("sebutkan --run FOLDER (catatan sebuah run), atau --data, --profile dan --year", 2)
    from engine.pipeline import run

    log.configure(quiet=True)  # a run's record is read without logging; a run of the data logs
    yield run(data=data, profile_id=profile, year=year, rules=rules), None


@app.command("verify", cls=IkuCommand)
def verify_command(
    run_dir: Annotated[Path, typer.Argument(metavar="FOLDER", help="Folder keluaran sebuah run")],
    data: Annotated[Path | None, typer.Option("--data", help="Data di tempat lain (bawaan: yang tercatat)")] = None,
) -> None:
    """Memeriksa ulang sebuah run: sha256 berkas masukan, versi aturan, lalu menilai ulang dan membandingkan
    tag dan indikator dengan catatan run. Kode keluar 0 bila cocok, 1 bila ada yang berbeda."""
    from engine.runstore.verify import verify

    log.configure(quiet=True)
    with friendly_errors(), reading_record(run_dir):
        check = verify(run_dir, data)
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
    from engine.runstore.workpaper import write_workpaper

    if out.suffix.lower() != ".xlsx":
        raise fail(f"{out}: kertas kerja ditulis sebagai workbook .xlsx", 2)
    with friendly_errors(), reading_record(run_dir):
        store = StoreSource(run_dir)
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
        say(report.model_dump_json(indent=2), as_json=True)
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
    rows = [[item.id, item.nama, format_number(item.nilai_sebelum), format_number(item.nilai_sesudah),
             format_number(item.selisih),
             f"{format_number(item.pembilang_sebelum)} → {format_number(item.pembilang_sesudah)}",
             f"{format_number(item.penyebut_sebelum)} → {format_number(item.penyebut_sesudah)}"]
            for item in report.indikator]
    columns = ("id", "indikator", "sebelum", "sesudah", "selisih", "pembilang", "penyebut")
    console.print(figures_table("Indikator sebelum dan sesudah", columns, columns[2:], rows))


def _held(value: bool | None) -> str:
    return "—" if value is None else "terpenuhi" if value else "gagal"


@app.command("template", cls=IkuCommand)
def template_command(
    out: Annotated[Path, typer.Option("--out", help="Workbook .xlsx yang ditulis")],
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Profil provinsi (kabupaten/kotanya saja); tanpa ini semua provinsi")] = None,
    rules: RulesOption = DEFAULT_RULES,
) -> None:
    """Menulis workbook masukan: sheet Petunjuk, satu sheet per tabel, format dan validasi data."""
    from engine import load_rulebook  # the public API, wherever the loader lives
    from engine.template.choices import TemplateRulesError
    from engine.template.spec import template_for
    from engine.template.workbook import write_template

    if out.suffix.lower() != ".xlsx" or out.is_dir():
        raise fail(f"{out}: --out harus nama berkas .xlsx", 2)
    with friendly_errors():
        try:
            template = template_for(load_rulebook(rules), profile, out.name)
        except TemplateRulesError as error:
            raise fail(str(error), 1) from None
    try:
        write_template(template, out)
    except OSError as error:
        raise fail(f"{out}: tidak dapat ditulis ({os_reason(error)})", 2) from None
    console.print(f"Templat ({template.scope.title}, {len(template.tables)} tabel) ditulis ke {out}", highlight=False)


REJECTS_SHOWN = 50  # rows listed on the terminal; rejects.csv holds them all
# A folder of its own: a rejects.csv beside the data would make a folder holding one workbook a CSV folder.
CHECK_OUT = Path("periksa")


@app.command("check-data", cls=IkuCommand)
def check_data_command(
    data: DataOption,
    out: Annotated[Path, typer.Option("--out", help="Folder untuk rejects.csv")] = CHECK_OUT,
    year: Annotated[int, typer.Option("--year", callback=sane_year,
                                      help="Tahun yang daftar jenis legalitasnya dipakai (bawaan: tahun ini)")] = date.today().year,
    rules: RulesOption = DEFAULT_RULES,
) -> None:
    """Membaca dan memvalidasi data saja, tanpa menilai aturan: jumlah baris per tabel dan rejects.csv
    (termasuk kode wilayah yang tidak dikenal dan jenis legalitas yang tidak dihitung, dari folder aturan).
    Kode keluar 0 bila tidak ada baris ditolak, 1 bila ada."""
    from engine.check_data import check_data
    from engine.outputs.files import write_rejects
    from engine.pipeline import data_policy
    from engine.rules.load import load_rulebook

    folder = out
    if folder.exists() and not folder.is_dir():
        raise fail(f"{folder}: --out harus folder, bukan berkas", 2)
    log.configure(quiet=True)
    with friendly_errors():
        check = check_data(data, data_policy(load_rulebook(rules), year))
    print_check_counts(check)
    print_rejects(check)
    try:
        write_rejects(check.dataset.rejects, folder)
    except OSError as error:
        raise fail(f"{folder / 'rejects.csv'}: tidak dapat ditulis ({os_reason(error)})", 2) from None
    console.print(f"rejects.csv ditulis ke {folder / 'rejects.csv'}", highlight=False, soft_wrap=True)
    raise typer.Exit(0 if check.passed else 1)


def print_check_counts(check: DataCheck) -> None:
    """Per table: rows read = used + rejected, where they came from, and the tables not there."""
    console.print(Text(visible(f"Baris data per tabel ({check.data}):")), soft_wrap=True)
    for count in check.dataset.counts:
        blank = f"; {count.blank} baris kosong" if count.blank else ""
        line = f"  {count.table}: dibaca {count.read} = dipakai {count.used} + ditolak {count.rejected} ({count.source}{blank})"
        console.print(Text(visible(line)), soft_wrap=True)
    print_not_read(check.dataset)


def print_rejects(check: DataCheck) -> None:
    rejects = check.dataset.rejects
    if not rejects:
        console.print(f"Tidak ada baris ditolak: {check.data} siap dipakai iku run.", highlight=False, soft_wrap=True)
        return
    console.print(f"Baris ditolak ({len(rejects)}):", highlight=False)
    for reject in rejects[:REJECTS_SHOWN]:
        where = f"{reject.table} baris {reject.row}" + (f", kolom {reject.column}" if reject.column else "")
        console.print(Text(visible(f"  {where}: {reject.reason} (nilai: \"{reject.value}\")")),
                      soft_wrap=True)
    if len(rejects) > REJECTS_SHOWN:
        console.print(f"  … dan {len(rejects) - REJECTS_SHOWN} baris ditolak lainnya (semua ada di rejects.csv)",
                      highlight=False)


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
    from engine.serve.security import CannotListen, is_local, listening_socket, new_token

    log.configure(quiet=True)
    token = None if is_local(host) else new_token()
    try:
        application = create_app(run_dirs, token=token, host=host, warm=True)
        listener = listening_socket(host, port)
    except (StoreError, CannotListen) as error:
        raise fail(str(error), 2) from None
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console.print(f"iku serve: buka {address}  (Ctrl+C untuk berhenti)", highlight=False, soft_wrap=True)
    if token:
        console.print(f"Token (wajib pada setiap permintaan; header Authorization: Bearer …): {token}", highlight=False)
    with listener:
        uvicorn.Server(uvicorn.Config(application, host=host, port=port, log_level="warning")).run(sockets=[listener])


def main() -> None:
    stop_on_sigterm()
    try:
        app()
    except KeyboardInterrupt as stop:  # outside a command's work (its own handler says more)
        errors.print(f"Berhenti: dihentikan ({how_stopped(stop)})", highlight=False)
        sys.exit(exit_code(stop))
