"""report.html: self-contained, in Bahasa Indonesia with Indonesian numbers, a chart by kabupaten/kota
per indicator, the entities of every numerator and denominator with an anchor and their explanation,
hostile names as text — and it renders in headless Chromium with no console error and no request
leaving the page. Each detector is first shown to catch a page that does have the fault."""

from __future__ import annotations

import csv
import json
import re
import struct
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from engine.explain import explanation_texts
from engine.outputs import report_html
from engine.outputs.report_html import LISTED, _list_labels, listed_keys, render_report
from engine.outputs.run import execute_run
from engine.pipeline import run
from engine.rules.rulebook import RulesInvalid, read_region_file
from tests.support import RULES, SAMPLES, koperasi, named_koperasi, nik, write_tables

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium tidak terpasang: jalankan .ci/install-chromium")
HOSTILE = ["<script>alert(1)</script>", '=HYPERLINK("http://x","klik")', "Kop & <b>Tebal</b>"]


@pytest.fixture(scope="module")
def jatim(tmp_path_factory):
    out = tmp_path_factory.mktemp("jatim")
    result = execute_run(SAMPLES / "jatim", "jatim", 2024, out, RULES)
    return result, out, (out / "report.html").read_text(encoding="utf-8")


class Page(HTMLParser):
    """Every start tag with its attributes, every id, and the text of <style> elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: Counter[str] = Counter()
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids[values["id"]] += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def outside_references(html: str) -> list[str]:
    """Anything that would make the browser fetch or navigate outside the page."""
    page = Page(html)
    found = [f"<{tag}>" for tag, _ in page.tags if tag in ("link", "iframe", "img", "object", "embed", "base", "frame")]
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("src", "srcset", "data", "poster", "action", "formaction", "xlink:href"):
                found.append(f"<{tag} {name}={value}>")
            elif name == "href" and not value.startswith("#"):
                found.append(f"<{tag} href={value}>")
            elif re.search(r"(https?:)?//", value) and name != "aria-label":
                found.append(f"<{tag} {name}={value}>")
    found += [f"css {match}" for style in page.styles for match in re.findall(r"url\(|@import", style)]
    return found


def test_the_detector_of_outside_references_finds_them():
    page = ('<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>'
            '<a href="http://example.org">x</a><style>body { background: url(x.png) }</style>')
    assert len(outside_references(page)) == 5


def test_the_page_loads_nothing_from_outside(jatim):
    _, _, html = jatim
    assert outside_references(html) == []
    assert "<script src" not in html and "<link" not in html


def test_the_page_is_in_indonesian_with_run_metadata(jatim):
    result, _, html = jatim
    assert '<html lang="id">' in html
    assert f"<title>IKU {result.profile.name} tahun 2024</title>" in html
    assert f"versi aturan {result.book.version}" in html and "tahun penilaian 2024" in html
    assert re.search(r"dibuat \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|"
                     r"November|Desember) \d{4}, \d{2}\.\d{2} UTC", html)


def indonesian(value: float, decimals: int) -> str:
    """1234567.891 → 1.234.567,89 — written here without babel, to check the page's formatting."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def test_numbers_are_written_the_indonesian_way(jatim):
    result, _, html = jatim
    for indicator in result.indicators:
        if indicator.satuan == "%" and indicator.nilai is not None:
            assert f'<td class="angka">{indonesian(indicator.nilai, 2)}</td>' in html, indicator.id
    growth = next(indicator for indicator in result.indicators if indicator.id == "jatim-6")
    assert indonesian(growth.pembilang, 2) in html and indonesian(growth.penyebut, 2) in html
    assert "3.665.419.999,25" in html  # the first sample's jatim-6 numerator, as an office would write it


def test_the_summary_lists_every_indicator_with_its_notes(jatim):
    result, _, html = jatim
    for indicator, definition in zip(result.indicators, result.profile.indicators):
        assert f'<a href="#{indicator.id}">{indicator.id}</a>' in html
        assert f'<h2 id="{indicator.id}">' in html
        assert escape(indicator.catatan) in html
        for note in definition.notes:
            assert escape(note) in html


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")


def section_of(html: str, indicator_id: str) -> str:
    start = html.index(f'<h2 id="{indicator_id}">')
    return html[start:html.index("</section>", start)]


def test_training_indicators_say_why_there_is_no_chart(jatim):
    _, _, html = jatim
    section = section_of(html, "jatim-7")
    assert "<svg" not in section and "tidak memiliki kode wilayah" in section


def raw_regions(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig") as handle:
        return {row["nik"]: row["kode_wilayah"] for row in csv.DictReader(handle, delimiter=";")}


def test_percentage_bars_are_numerator_over_denominator_per_kabupaten_kota(jatim):
    result, _, html = jatim
    region = raw_regions(SAMPLES / "jatim" / "koperasi.csv")
    indicator = result.indicators[0]
    part = Counter(region[m.entity_id] for m in indicator.numerator)
    whole = Counter(region[m.entity_id] for m in indicator.denominator)
    section = section_of(html, "jatim-1")
    assert section.count("<rect ") == len(whole)
    surabaya = f"{indonesian(part['35.78'] / whole['35.78'] * 100, 2)} % ({part['35.78']}/{whole['35.78']})"
    assert ">Kota Surabaya (35.78)</text>" in section and f">{surabaya}</text>" in section
    # Kemendagri order: kabupaten 01-69 before kota 71-99
    assert section.index("Kabupaten Pacitan (35.01)") < section.index("Kabupaten Sumenep (35.29)") \
        < section.index("Kota Kediri (35.71)")


def test_every_listed_entity_has_exactly_one_anchor(jatim):
    result, _, html = jatim
    ids = Page(html).ids
    assert [name for name, count in ids.items() if count > 1] == []
    for indicator in result.indicators:
        for members in (indicator.numerator, indicator.denominator, indicator.excluded):
            for member in members[:LISTED]:
                assert ids[f"entitas-{member.entity_type}-{member.entity_id}"] == 1


def test_a_capped_list_says_how_to_reach_the_rest_from_the_run_record(jatim, monkeypatch):
    result, _, _ = jatim
    monkeypatch.setattr(report_html, "LISTED", 5)
    section = section_of(render_report(result, {}), "jatim-1")
    assert "5 pertama ditampilkan" in section
    assert (escape("SELECT entity_type, entity_id, nama, kab_kota FROM indicator_member_named "
                   "WHERE indicator_id = 'jatim-1' AND role = 'denominator';") in section)
    assert "iku explain ID --run FOLDER" in section


def test_a_large_run_explains_the_first_few_of_each_list_and_says_how_to_reach_the_rest(jatim):
    result, _, _ = jatim
    texts = explanation_texts(result, only=listed_keys(result, 2))
    html = render_report(result, texts, explained_per_list=2)
    lists = sum(len(_list_labels(definition, indicator))
                for definition, indicator in zip(result.profile.indicators, result.indicators))
    assert 0 < html.count("<summary>mengapa?</summary>") == len(texts) <= 2 * lists
    section = section_of(html, "jatim-1")
    assert "Penjelasan di halaman ini untuk 2 entitas pertama daftar ini" in section
    assert "iku explain ID --run FOLDER" in section


def test_the_explanation_is_shown_inside_the_entitys_first_row(jatim):
    result, _, _ = jatim
    member = result.indicators[0].numerator[0]
    key = (member.entity_type, member.entity_id)
    html = render_report(result, {key: "Alasan <b>uji</b> & bukti"})
    anchor = f"entitas-{member.entity_type}-{member.entity_id}"
    row = re.search(rf'<tr id="{anchor}">(.*?)</tr>', html, re.S).group(1)
    shown = "<pre>Alasan &lt;b&gt;uji&lt;/b&gt; &amp; bukti</pre>"
    assert f'<details class="penjelasan"><summary>mengapa?</summary>{shown}' in row
    assert html.count("Alasan &lt;b&gt;uji") == 1
    assert f'<a href="#{anchor}">lihat penjelasan</a>' in html  # its row in the denominator links back


def test_without_explanations_nothing_extra_is_rendered(jatim):
    result, _, _ = jatim
    html = render_report(result, {})
    assert "<th>penjelasan</th>" not in html and 'class="penjelasan"' not in html
    assert "lihat penjelasan" not in html and 'id="entitas-lain"' not in html
    member = result.indicators[0].numerator[0]
    assert f'id="entitas-{member.entity_type}-{member.entity_id}"' in html


def test_entities_in_no_list_are_explained_in_their_own_section(jatim):
    result, _, _ = jatim
    listed = {(m.entity_type, m.entity_id) for i in result.indicators for m in (*i.numerator, *i.denominator, *i.excluded)}
    outsider = next((kind, entity.entity_id) for kind, group in result.entities.items() for entity in group
                    if (kind, entity.entity_id) not in listed)
    html = render_report(result, {outsider: "di luar populasi"})
    section = html[html.index('id="entitas-lain"'):]
    assert f'id="entitas-{outsider[0]}-{outsider[1]}"' in section and "di luar populasi" in section


def test_the_accounting_of_every_table_and_the_rejected_rows(jatim):
    result, _, html = jatim
    table = html[html.index('<h2 id="data">'):html.index('<h2 id="ditolak">')]
    for count in result.dataset.counts:
        assert count.read == count.used + count.rejected
        cells = f'<td>{count.table}</td><td>{count.source}</td><td class="angka">{indonesian(count.read, 0)}</td>'
        assert cells in table, count.table
    assert table.count("<td>cocok</td>") == len(result.dataset.counts)
    rejected = html[html.index('<h2 id="ditolak">'):]
    assert f"Baris ditolak ({len(result.dataset.rejects)})" in rejected
    assert rejected.count("<tr><td>") == len(result.dataset.rejects) == 12


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    tables = named_koperasi(HOSTILE)
    data = write_tables(folder / "data", tables)
    result = run(data=data, profile_id="jatim", year=2024, rules=RULES)
    return result, render_report(result, {("koperasi", nik(0)): "<img src=x onerror=alert(1)>"})


def test_hostile_names_and_explanations_are_text(hostile):
    _, html = hostile
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Tebal</b>" not in html and "Kop &amp; &lt;b&gt;Tebal&lt;/b&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<script>") == 1  # the page's own toggle script, nothing else
    assert outside_references(html) == []


def test_region_names_come_from_the_code_not_the_spelling(tmp_path):
    rows = [koperasi(nik(1), kode_wilayah="35.07", kab_kota="Kab. Malang"),
            koperasi(nik(2), kode_wilayah="35.73", kab_kota="Kodya Malang"),
            koperasi(nik(3), kode_wilayah="35.99", kab_kota="Kabupaten Baru")]
    data = write_tables(tmp_path / "data", {"koperasi": rows, "rat": [{"nik": nik(n), "tanggal_rat": "2024-03-01"}
                                                                      for n in (1, 2, 3)]})
    result = run(data=data, profile_id="jatim", year=2024, rules=RULES)
    section = section_of(render_report(result), "jatim-1")
    assert ">Kabupaten Malang (35.07)</text>" in section and "Kab. Malang" not in section
    assert ">Kota Malang (35.73)</text>" in section and "Kodya" not in section
    # a code that is no kabupaten/kota of any province is rejected, never shown under a name the data invents
    assert [(r.table, r.row, r.column) for r in result.dataset.rejects][:1] == [("koperasi", 4, "kode_wilayah")]


def test_an_invalid_regions_file_names_the_line(tmp_path):
    path = tmp_path / "regions.yaml"
    path.write_text('provinsi:\n  "35": Jawa Timur\nkabupaten_kota:\n  "35.78": Kota Surabaya\n  "3578": Kota X\n')
    with pytest.raises(RulesInvalid) as error:
        read_region_file(path)
    assert error.value.problems[0].line == 5 and "NN.NN" in error.value.problems[0].message


# -- in a browser -------------------------------------------------------------------------------


def chromium(page: Path, work: Path, *extra: str, url_suffix: str = "") -> subprocess.CompletedProcess:
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={work / 'profil'}", "--enable-logging=stderr", "--v=0",
               f"--log-net-log={work / 'net.json'}", *extra, page.as_uri() + url_suffix]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.search(r"CONSOLE", line) and re.search(
        r"Uncaught|Error|error|Failed|Refused|blocked", line)]


def page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked for (Chromium's own update and account checks are not the page's)."""
    log = json.loads(net_log.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [event["params"]["url"] for event in log["events"]
            if event["type"] == start and "file://" in event.get("params", {}).get("network_isolation_key", "")
            and not event["params"]["url"].startswith("file:")]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_chromium
def test_the_browser_checks_catch_a_faulty_page(tmp_path):
    page = tmp_path / "rusak.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="http://127.0.0.1:9/x.png"><script>tidakAda();</script>')
    done = chromium(page, tmp_path, "--dump-dom")
    assert any("Uncaught ReferenceError" in line for line in console_errors(done.stderr))
    assert page_requests(tmp_path / "net.json") == ["http://127.0.0.1:9/x.png"]


@needs_chromium
def test_the_report_renders_in_chromium_without_errors_or_requests(jatim, tmp_path):
    _, out, _ = jatim
    shot = tmp_path / "report.png"
    done = chromium(out / "report.html", tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == (1280, 2000)
    assert len(data) > 100_000  # a blank 1280×2000 page is about 7 kB; the report's top is text and bars
    assert console_errors(done.stderr) == []
    assert page_requests(tmp_path / "net.json") == []


@needs_chromium
def test_following_an_entity_link_opens_its_list_and_explanation(jatim, tmp_path):
    result, out, _ = jatim
    member = result.indicators[0].numerator[0]
    anchor = f"entitas-{member.entity_type}-{member.entity_id}"
    done = chromium(out / "report.html", tmp_path, "--dump-dom", url_suffix=f"#{anchor}")
    assert console_errors(done.stderr) == []
    dom = done.stdout
    row = dom.index(f'id="{anchor}"')
    opened = dom.rfind('<details class="daftar"', 0, row)
    assert dom[opened:dom.index(">", opened)].endswith('open=""')
    assert dom.count('<details class="daftar" open="">') == 1
    assert re.search(rf'id="{anchor}".*?<details class="penjelasan" open="">', dom, re.S)

