"""The auditor's working paper (``kertas_kerja.xlsx``): one row per sampled entity with its tags, why
or why not for each rule, the source rows behind them, and empty columns for the auditor's own check.

The explanations come from the run's record through the one explainer (``iku explain --run``);
the seed and the run id are on the sheet so the sample can be drawn again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.explain import Explainer
from engine.explain.model import EntityExplanation
from engine.outputs.files import atomic_path, neutralise
from engine.runstore.reader import StoreSource
from engine.runstore.sample import Sample

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
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
        entity_type, entity_id, region = placed(
            "SELECT entity_type, entity_id, coalesce(kab_kota, kode_wilayah, '') FROM entity_named WHERE key = ?",
            (key,)).fetchone()
        explanation = explainer.entity(entity_type, entity_id)
        given = [rule.tag for rule in explanation.aturan if rule.diberikan]
        refused = [rule.tag for rule in explanation.aturan if not rule.diberikan]
        yield [number, entity_type, entity_id, explanation.nama, region, ", ".join(given), ", ".join(refused),
               _reasons(explanation), "\n".join(_source_rows(explanation)), None, None]


def _heading(sheet: Worksheet, store: StoreSource, sample: Sample) -> None:
    info = store.info
    sheet.append([f"Kertas kerja sampel audit — profil {info.profile}, tahun {info.year}"])
    sheet["A1"].font = BOLD
    sheet.append([f"Run {info.id} (dijalankan {info.started[:19].replace('T', ' ')} UTC), versi aturan "
                  f"{info.rules_version}"])
    sheet.append([f"Sampel {sample.size} dari {sample.population} entitas, seed {sample.seed}; ditarik ulang dengan: "
                  f"iku sample --run FOLDER --n {sample.size} --seed {sample.seed}. Strata: tag yang diberikan × "
                  f"kabupaten/kota (lihat sheet Strata)"])
    sheet.append([])


def _sample_sheet(sheet: Worksheet, store: StoreSource, sample: Sample) -> None:
    _heading(sheet, store, sample)
    sheet.append([name for name, _ in COLUMNS])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = BOLD
    for row in _entity_rows(store, sample):
        sheet.append([neutralise(value) for value in row])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=header + 1):
        for cell in row:
            cell.alignment = WRAP
    verdict = get_column_letter(COLUMNS.index(("sesuai / tidak sesuai", 14)) + 1)
    choice = DataValidation(type="list", formula1=f'"{",".join(VERDICTS)}"', allow_blank=True)
    choice.add(f"{verdict}{header + 1}:{verdict}{max(header + 1, sheet.max_row)}")
    sheet.add_data_validation(choice)
    sheet.freeze_panes = f"D{header + 1}"


def _strata_sheet(sheet: Worksheet, sample: Sample) -> None:
    sheet.append(["jenis", "tag diberikan", "kabupaten/kota", "populasi", "sampel"])
    for cell in sheet[1]:
        cell.font = BOLD
    for stratum in sample.strata:
        sheet.append([stratum.entity_type, ", ".join(stratum.tags) or "(tidak ada)", neutralise(stratum.kab_kota),
                      stratum.population, stratum.drawn])
    for letter, width in zip("ABCDE", (14, 60, 24, 10, 8)):
        sheet.column_dimensions[letter].width = width


def write_workpaper(store: StoreSource, sample: Sample, path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sampel"
    _sample_sheet(sheet, store, sample)
    _strata_sheet(book.create_sheet("Strata"), sample)
    with atomic_path(path) as temporary:
        book.save(temporary)
