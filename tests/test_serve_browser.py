"""iku serve in a real browser: headless Debian Chromium driven by Playwright (never a downloaded
browser) walks ringkasan → indikator → entitas → aturan → simulasi on a sample run served by the
``iku`` command itself, screenshots each page, opens the API page (Swagger UI served from local
files), and finds no console error and no request that leaves localhost."""

import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

from engine.outputs.run import execute_run
from tests.support import RULES, SAMPLES

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium tidak terpasang: jalankan .ci/install-chromium")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("jatim")
    execute_run(SAMPLES / "jatim", "jatim", 2024, out, RULES)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", "from engine.cli import main; main()", "serve", "--run", str(out),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urlopen(base + "/api/runs", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"iku serve tidak menjawab: {process.stdout.read1().decode()}")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def test_a_walk_through_the_pages_has_no_errors_and_stays_local(server, tmp_path):
    from playwright.sync_api import sync_playwright

    errors, outside, shots = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: outside.append(request.url)
                if urlparse(request.url).hostname not in ("127.0.0.1", None) and not request.url.startswith("data:")
                else None)

        def shot(name: str) -> None:
            path = tmp_path / f"{len(shots) + 1}-{name}.png"
            page.screenshot(path=str(path), full_page=False)
            shots.append(path)

        page.goto(server + "/")
        assert page.locator("h1").inner_text().startswith("Ringkasan IKU profil jatim tahun 2024")
        assert page.locator("figure.grafik svg").count() > 0
        shot("ringkasan")
        page.get_by_role("link", name="pembilang (216)").click()
        assert page.locator("h1").inner_text() == "jatim-1 — Persentase Koperasi Aktif"
        page.get_by_label("Cari id (awal) atau nama").fill("Mitra Usaha")
        page.get_by_role("button", name="Tampilkan").click()
        assert "cari=Mitra+Usaha" in page.url and page.locator("table tr").count() > 1
        shot("indikator")
        page.locator("table a").first.click()
        assert "/entitas/koperasi/" in page.url and page.locator("pre").count() > 1
        shot("entitas")
        page.locator("h3 a").first.click()
        assert "/aturan/" in page.url and "Dasar hukum" in page.content()
        shot("aturan")
        page.get_by_role("link", name="Simulasi").click()
        page.select_option("select[name=parameter]", "batas_predikat_baik")
        page.get_by_label("Nilai baru").fill("80")
        page.get_by_role("button", name="Jalankan simulasi").click()
        page.wait_for_selector("text=batas_predikat_baik 75 → 80", timeout=60_000)
        assert "Unduh berkas parameter" in page.content()
        shot("simulasi")
        page.get_by_role("link", name="API").click()  # the framework's OpenAPI page, from local files
        page.wait_for_selector(".swagger-ui .information-container", timeout=15_000)
        assert page.get_by_text("/api/runs/{run_id}/indikator/{indicator_id}/anggota").count() > 0
        browser.close()
    assert errors == []
    assert outside == []
    assert [path.stat().st_size > 10_000 for path in shots] == [True] * 5
