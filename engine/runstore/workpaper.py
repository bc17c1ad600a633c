"""The auditor's working paper (``kertas_kerja.xlsx``): one row per sampled entity with its tags, why
or why not for each rule, the source rows behind them, and empty columns for the auditor's own check.

The explanations come from the run's record through the one explainer (``iku explain --run``);
the seed and the run id are on the sheet so the sample can be drawn again. Written with xlsxwriter,
as report.xlsx is: the strata sheet has a row per stratum (≈ 11,500 at a million entities), which
openpyxl took 1.6–2.8 s to write.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from engine.explain import Explainer
from engine.explain.model import EntityExplanation
from engine.outputs.files import atomic_path, neutralise
from engine.runstore.reader import StoreSource
from engine.runstore.sample import Sample
from engine.runstore.schema import DamagedRecord

# Text stays text: never a formula, a link or a number, whatever it starts with (values are neutralised too).
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
VERDICTS = ("sesuai", "tidak sesuai")
COLUMNS = (("no", 5), ("jenis", 14), ("id", 20), ("nama", 30), ("kabupaten/kota", 22), ("tag diberikan", 30),
           ("tag tidak diberikan", 30), ("mengapa / mengapa tidak", 90), ("baris sumber", 60),
           ("sesuai / tidak sesuai", 14), ("catatan auditor", 40))


def _source_rows(explanation: EntityExplanation) -> list[str]:
    """The rows the explanations cite, each once; the entity's own row first (bare when no clause cites it)."""
    cited = list(dict.fromkeys(fact.text() for rule in explanation.aturan for clause in rule.klausa
                               for fact in clause.fakta))
    own = [text for text in cited if text == explanation.sumber or text.startswith(explanation.sumber + ":")]
    return (own or [explanation.sumber]) + [text for text in cited if text not in own]


def _reasons(explanation: EntityExplanation) -> str:
    lines = [f"Catatan: {note}" for note in explanation.catatan]
    lines += [f"{'YA' if rule.diberikan else 'TIDAK'} — {rule.ringkasan}" for rule in explanation.aturan]
    return "\n".join(lines)


def _entity_rows(store: StoreSource, sample: Sample) -> Iterator[list[object]]:
    explainer = Explainer(store)
    placed = store.db.execute
    for number, key in enumerate(sample.keys, start=1):
        found = placed(
            "SELECT entity_type, entity_id, coalesce(kab_kota, kode_wilayah, '') FROM entity_named WHERE key = ?",
            (key,)).fetchone()
        if found is None:
            raise DamagedRecord(f"entitas {key} kerangka sampel tidak ada di tabel entity")
        entity_type, entity_id, region = found
        explanation = explainer.entity(entity_type, entity_id)
        given = [rule.tag for rule in explanation.aturan if rule.diberikan]
        refused = [rule.tag for rule in explanation.aturan if not rule.diberikan]
        yield [number, entity_type, entity_id, explanation.nama, region, ", ".join(given), ", ".join(refused),
               _reasons(explanation), "\n".join(_source_rows(explanation)), None, None]


def _heading(sheet: Worksheet, bold: Format, store: StoreSource, sample: Sample) -> None:
    info = store.info
    sheet.write_string(0, 0, f"Kertas kerja sampel audit — profil {info.profile}, tahun {info.year}", bold)
    sheet.write_string(1, 0, f"Run {info.id} (dijalankan {info.started[:19].replace('T', ' ')} UTC), versi aturan "
                             f"{info.rules_version}")
    sheet.write_string(2, 0, f"Sampel {sample.size} dari {sample.population} entitas, seed {sample.seed}; ditarik "
                             f"ulang dengan: iku sample --run FOLDER --n {sample.size} --seed {sample.seed}. Strata: "
                             f"tag yang diberikan × kabupaten/kota (lihat sheet Strata)")


def _write_row(sheet: Worksheet, row: int, values: Sequence[object], style: Format | None = None) -> None:
    """One row from column A; an empty value is a cell with the style but no value."""
    for column, value in enumerate(values):
        if value is None:
            sheet.write_blank(row, column, None, style)
        else:
            sheet.write(row, column, neutralise(value), style)


def _sample_sheet(sheet: Worksheet, styles: dict[str, Format], store: StoreSource, sample: Sample) -> None:
    _heading(sheet, styles["bold"], store, sample)
    header = 4  # 0-based: rows 1-3 say what the sheet is, row 4 is empty
    _write_row(sheet, header, [name for name, _ in COLUMNS], styles["bold"])
    last = header
    for last, row in enumerate(_entity_rows(store, sample), start=header + 1):
        _write_row(sheet, last, row, styles["wrap"])
    for index, (_, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width)
    verdict = COLUMNS.index(("sesuai / tidak sesuai", 14))
    sheet.data_validation(header + 1, verdict, max(header + 1, last), verdict,
                          {"validate": "list", "source": list(VERDICTS), "ignore_blank": True,
                           "show_input": False, "show_error": False})
    sheet.freeze_panes(header + 1, 3)


def _strata_sheet(sheet: Worksheet, bold: Format, sample: Sample) -> None:
    _write_row(sheet, 0, ["jenis", "tag diberikan", "kabupaten/kota", "populasi", "sampel"], bold)
    for row, stratum in enumerate(sample.strata, start=1):
        _write_row(sheet, row, [stratum.entity_type, ", ".join(stratum.tags) or "(tidak ada)", stratum.kab_kota,
                                stratum.population, stratum.drawn])
    for column, width in enumerate((14, 60, 24, 10, 8)):
        sheet.set_column(column, column, width)


def write_workpaper(store: StoreSource, sample: Sample, path: Path) -> None:
    with atomic_path(path) as temporary:
        book = xlsxwriter.Workbook(temporary, WORKBOOK_OPTIONS)
        styles = {"bold": book.add_format({"bold": True}),
                  "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
        _sample_sheet(book.add_worksheet("Sampel"), styles, store, sample)
        _strata_sheet(book.add_worksheet("Strata"), styles["bold"], sample)
        book.close()
