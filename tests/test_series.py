"""A run of several years: one run folder, one record holding every year, the series in
indicators.json, tags.csv per year, the reports' trend charts (rendered in Chromium), explain
--run --year, and the parsing of --year (a range or a list; bad ones refused with exit 2)."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from engine import cli
from engine.outputs.run import execute_series
from engine.outputs.series import YearValue, layout_trend
from engine.pipeline import run_series
from engine.runstore.reader import StoreSource, UnknownYear
from engine.years import MAX_YEARS, YearsError, parse_years
from tests.support import RULES, koperasi, nik, write_tables
from tests.test_report_html import chromium, console_errors, needs_chromium, page_requests, png_size

YEARS = (2022, 2023, 2024)


def tables() -> dict[str, list[dict[str, object]]]:
    """Kop 1 holds a RAT every year, Kop 2 only in 2024; Kop 3 (Kabupaten Malang) in 2023 and 2024."""
    rats = [{"nik": nik(1), "tanggal_rat": f"{year}-03-01"} for year in YEARS]
    rats += [{"nik": nik(2), "tanggal_rat": "2024-03-01"}, {"nik": nik(3), "tanggal_rat": "2023-05-01"},
             {"nik": nik(3), "tanggal_rat": "2024-05-01"}]
    return {"koperasi": [koperasi(nik(1)), koperasi(nik(2)),
                         koperasi(nik(3), kode_wilayah="35.07", kab_kota="Kabupaten Malang")],
            "rat": rats}


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seri")
    data = write_tables(folder / "data", tables())
    return execute_series(data, "jatim", YEARS, folder / "out", RULES), folder / "out"


def test_one_run_folder_and_one_record_hold_every_year(series):
    result, out = series
    assert len(list((out / "runs").iterdir())) == 1
    db = sqlite3.connect(out / "run.sqlite")
    assert [year for (year,) in db.execute("SELECT year FROM run_year ORDER BY year")] == list(YEARS)
    assert db.execute("SELECT year FROM run").fetchone()[0] == 2024  # the top-level year is the last
    recorded = dict(((year, indicator_id), nilai) for year, indicator_id, nilai in
                    db.execute("SELECT year, id, nilai FROM indicator"))
    assert recorded[(2022, "jatim-1")] == pytest.approx(33.33) and recorded[(2023, "jatim-1")] == pytest.approx(66.67)
    assert recorded[(2024, "jatim-1")] == 100
    for year_result in result.results:  # the tag view per year is what the run decided that year
        tags = set(db.execute("SELECT entity_id, tag FROM tag WHERE year = ?", (year_result.year,)))
        assert tags == {(row.entity_id, row.tag) for row in year_result.tag_rows()}
    assert db.execute("SELECT count(*) FROM decision").fetchone()[0] == sum(len(r.decisions) for r in result.results)


def test_the_reader_answers_for_the_chosen_year_and_the_last_by_default(series):
    _, out = series
    store = StoreSource(out)
    try:
        assert store.year == 2024 and store.info.years == YEARS
        assert store.indicator("jatim-1").nilai == 100
    finally:
        store.close()
    store = StoreSource(out, 2022)
    try:
        assert store.indicator("jatim-1").nilai == pytest.approx(33.33)
        given = {d.tag for d in store.decisions("koperasi", nik(2)) if d.given}
        assert "aktif_22_2007" not in given and all(d.year == 2022 for d in store.decisions("koperasi", nik(2)))
    finally:
        store.close()
    with pytest.raises(UnknownYear, match="tahun 2019 tidak ada dalam catatan run ini; yang ada: 2022, 2023, 2024"):
        StoreSource(out, 2019)


def test_explain_from_the_record_takes_the_year(series):
    _, out = series
    answer = CliRunner().invoke(cli.app, ["explain", nik(2), "--run", str(out), "--year", "2023", "--tag",
                                          "aktif_22_2007"])
    assert answer.exit_code == 0, answer.output
    assert "tahun 2023 (run ini berisi tahun 2022, 2023, 2024; pilih dengan --year)" in answer.output
    assert "tidak ada RAT pada tahun 2023" in answer.output or "TIDAK" in answer.output
    refused = CliRunner().invoke(cli.app, ["explain", nik(2), "--run", str(out), "--year", "2019"])
    assert refused.exit_code == 2 and "tahun 2019 tidak ada" in refused.output


def test_indicators_json_holds_the_series_and_the_capaian(series):
    _, out = series
    document = json.loads((out / "indicators.json").read_text())
    assert document["year"] == 2024 and document["years"] == list(YEARS)
    assert [item["nilai"] for item in document["indicators"] if item["id"] == "jatim-1"] == [100]
    assert [entry["year"] for entry in document["series"]] == list(YEARS)
    growth = [item for entry in document["series"] for item in entry["indicators"] if item["id"] == "jatim-6"]
    assert all(item["nilai"] is None and item["catatan"] for item in growth)  # no data: null with why, never 0
    first = document["capaian"][0]
    assert first == {"id": "jatim-1", "year": 2022, "target": None, "realisasi": 33.33, "capaian": None,
                     "catatan": "target belum diisi", "sumber_target": None}


def test_tags_csv_has_one_row_per_entity_tag_and_year(series):
    result, out = series
    rows = list(csv.DictReader((out / "tags.csv").open()))
    keys = [(row["entity_id"], row["tag"], row["year"]) for row in rows]
    assert len(keys) == len(set(keys)) == sum(sum(d.given for d in r.decisions) for r in result.results)
    assert {row["year"] for row in rows} == {str(year) for year in YEARS}


def test_the_workbook_has_the_lkjip_table_the_trend_with_charts_and_the_regions_by_year(series):
    _, out = series
    book = load_workbook(out / "report.xlsx")
    assert book.sheetnames[:5] == ["Ringkasan", "Capaian", "Tren", "Kab-Kota per tahun", "Dokumen IKU"]
    capaian = [[cell.value for cell in row] for row in book["Capaian"].iter_rows(min_row=3)]
    assert capaian[0][:8] == ["jatim-1", "Persentase Koperasi Aktif", 2022, "%", None, 33.33, None, "target belum diisi"]
    trend = book["Tren"]
    assert [cell.value for cell in trend[2]][3:6] == ["2022", "2023", "2024"]
    assert [cell.value for cell in trend[3]][3:6] == [pytest.approx(33.33), pytest.approx(66.67), 100]
    assert len(trend._charts) == 7  # a native line chart per indicator
    regions = [[cell.value for cell in row] for row in book["Kab-Kota per tahun"].iter_rows(min_row=3)]
    assert ["jatim-1", "Kabupaten Malang (35.07)", "0,00 % (0/1)", "100,00 % (1/1)", "100,00 % (1/1)"] in regions


def test_the_page_shows_a_trend_chart_per_indicator_and_the_lkjip_table(series):
    _, out = series
    page = (out / "report.html").read_text()
    assert page.count('aria-label="Tren ') == 7
    assert page.count("target belum diisi") >= 21  # 7 indicators × 3 years, none invented
    assert "Kabupaten Malang (35.07)" in page[page.index('id="tren"'):]
    assert "<script src" not in page


@needs_chromium
def test_the_trend_charts_render_in_chromium_without_console_errors(series, tmp_path):
    _, out = series
    shot = tmp_path / "tren.png"
    # tall enough to reach the first trend charts below the summary and the LKjIP table
    done = chromium(out / "report.html", tmp_path, f"--screenshot={shot}", "--window-size=1280,4000")
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == (1280, 4000) and len(data) > 200_000  # text, lines and points, not a blank page
    assert console_errors(done.stderr) == []
    assert page_requests(tmp_path / "net.json") == []
    dom = chromium(out / "report.html", tmp_path / "dom", "--dump-dom").stdout
    assert dom.count("<polyline") >= 1 and dom.count('class="grafik tren"') == 7
    shutil.copy(shot, out.parent / "tren.png")  # kept beside the run for a person to look at


@pytest.mark.parametrize(("written", "years"), [
    ("2024", (2024,)), ("2020-2024", (2020, 2021, 2022, 2023, 2024)), ("2022,2024", (2022, 2024)),
    (" 2019 , 2022-2023 ", (2019, 2022, 2023)), ("2024,2022", (2022, 2024)),
])
def test_a_year_a_range_or_a_list_is_read(written, years):
    assert parse_years(written) == years


@pytest.mark.parametrize(("written", "message"), [
    ("2024-2020", "rentang tahun 2024-2020 terbalik; tulis 2020-2024"),
    ("2000-2040", f"berisi 41 tahun; paling banyak {MAX_YEARS} tahun"),
    ("1899-1901", "tahun harus antara 1900 dan 2100"),
    ("2100-2101", "tahun harus antara 1900 dan 2100"),
    ("2022,2022", "tahun 2022 disebut lebih dari sekali"),
    ("2020-2023,2022", "tahun 2022 disebut lebih dari sekali"),
    ("2020-", "tidak terbaca"), ("dua ribu", "tidak terbaca"), ("", "tidak terbaca"),
    (",".join(str(year) for year in range(1950, 1990, 2)) + ",1990-2010", f"paling banyak {MAX_YEARS} tahun"),
])
def test_a_bad_year_list_is_refused_with_a_clear_message(written, message):
    with pytest.raises(YearsError, match=message):
        parse_years(written)


@pytest.mark.parametrize("written", ["2024-2020", "1990-2030", "1800", "2022,,2024"])
def test_run_refuses_a_bad_year_list_before_reading_anything_with_exit_2(tmp_path, written):
    answer = CliRunner().invoke(cli.app, ["run", "--data", str(tmp_path / "tidak-ada"), "--profile", "jatim",
                                          f"--year={written}", "--out", str(tmp_path / "o")])
    assert answer.exit_code == 2, answer.output
    assert "'--year'" in answer.output and "Traceback" not in answer.output
    assert not (tmp_path / "o").exists()


def test_the_pipeline_takes_only_ascending_distinct_years(tmp_path):
    data = write_tables(tmp_path / "data", tables())
    for years in ((2024, 2023), (2023, 2023), ()):
        with pytest.raises(ValueError, match="tahun seri harus naik dan berbeda"):
            run_series(data, "jatim", years, RULES)


def test_a_count_axis_has_whole_ticks_and_a_null_year_is_a_gap_not_a_point():
    values = [YearValue(2022, None, "data legalitas tidak tersedia", "—"), YearValue(2023, 14, "", "14"),
              YearValue(2024, 25, "", "25")]
    chart = layout_trend(values, "unit")
    assert [label for _, label in chart.ticks] == ["0", "7", "14", "21", "28"]
    assert [[point.value.year for point in segment] for segment in chart.segments] == [[2023, 2024]]
    assert [value.year for _, value in chart.gaps] == [2022]
    empty = layout_trend([YearValue(2023, None, "x", "—"), YearValue(2024, None, "x", "—")], "unit")
    assert empty.segments == [] and [label for _, label in empty.ticks] == ["0", "1", "2", "3", "4"]


def test_iku_serve_browses_a_run_of_several_years_in_its_last_year(series):
    """The web app lists each indicator once, with the last year's value (as ``StoreSource(DIR)``)."""
    from fastapi.testclient import TestClient

    from engine.serve.app import create_app

    _, out = series
    with TestClient(create_app([out]), base_url="http://127.0.0.1") as client:
        (run_id,) = [run["id"] for run in client.get("/api/runs").json()]
        summary = client.get(f"/api/runs/{run_id}/ringkasan").json()
        ids = [indicator["id"] for indicator in summary["indikator"]]
        assert len(ids) == len(set(ids))
        jatim1 = next(indicator for indicator in summary["indikator"] if indicator["id"] == "jatim-1")
        assert (jatim1["nilai"], jatim1["pembilang"], jatim1["penyebut"]) == (100, 3, 3)
        members = client.get(f"/api/runs/{run_id}/indikator/jatim-1/anggota").json()
        assert members["jumlah_dalam_daftar"] == 3 and len(members["anggota"]) == 3
