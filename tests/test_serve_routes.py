"""iku serve through the framework's TestClient: every page and API call, bad ids (404 with the
closest ids), bad parameters (a clear message), hostile names shown as text, the token, the Host
check, and a simulation that changes a copy of the rules and nothing in rules/."""

import hashlib
import re
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

warnings.filterwarnings("ignore", message=r".*httpx2.*")  # starlette prefers httpx2; httpx works
from fastapi.testclient import TestClient  # noqa: E402

from engine.cli import app  # noqa: E402
from engine.outputs.run import execute_run  # noqa: E402
from engine.serve.app import create_app  # noqa: E402
from engine.serve.simulate import Simulator  # noqa: E402
from tests.support import RULES, SAMPLES, damage_table, named_koperasi, nik, write_tables  # noqa: E402

KOPERASI = "7290867753712295"
HOSTILE = ["<script>alert(1)</script>", "Kop\x07 & <b>Tebal</b>"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    jatim = tmp_path_factory.mktemp("jatim")
    execute_run(SAMPLES / "jatim", "jatim", 2024, jatim, RULES)
    older = tmp_path_factory.mktemp("jatim2023")
    execute_run(SAMPLES / "jatim", "jatim", 2023, older, RULES)
    hostile = tmp_path_factory.mktemp("hostile")  # small: the simulations evaluate it in a fraction of a second
    tables = {**named_koperasi(HOSTILE), "diklat": [
        {"id_peserta": f"P-2024-{index:05d}", "nama": "Peserta", "tahun": "2024", "program": "Diklat", "skor": skor}
        for index, skor in enumerate(["76", "78", "85", "60"])]}
    execute_run(write_tables(hostile / "data", tables), "jatim", 2024, hostile / "out", RULES)
    return jatim, older, hostile / "out"


@pytest.fixture(scope="module")
def client(runs):
    app = create_app([runs[0], runs[1]])
    with TestClient(app, base_url="http://127.0.0.1") as client:
        ids = [run["id"] for run in client.get("/api/runs").json()]
        client.ids = ids
        yield client


def test_home_redirects_to_the_first_runs_summary(client):
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/run/{client.ids[0]}/"


def test_summary_page_shows_indicators_definitions_charts_and_rejects(client):
    html = client.get(f"/run/{client.ids[0]}/").text
    assert "Persentase Koperasi Aktif" in html and "76,6 %" in html
    assert "definisi mesin" in html and "pembilang ÷ penyebut × 100" in html and "formulasi dokumen" in html
    assert "<svg" in html and "Kota Surabaya (35.78)" in html
    assert "Baris ditolak: koperasi" in html and "notasi ilmiah" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_summary_api_matches_the_record(client):
    data = client.get(f"/api/runs/{client.ids[0]}/ringkasan").json()
    first = data["indikator"][0]
    assert (first["id"], first["nilai"], first["pembilang"], first["penyebut"]) == ("jatim-1", 76.6, 216, 282)
    assert first["jumlah_pembilang"] == 216
    bars = data["grafik"]["jatim-1"]
    assert sum(int(bar["label"].split("(")[1].split("/")[0]) for bar in bars) == 216
    koperasi = next(table for table in data["tabel"] if table["tabel"] == "koperasi")
    assert koperasi["ditolak"] == len(koperasi["baris_ditolak"]) == 3


def test_members_are_paginated_in_order(client):
    url = f"/api/runs/{client.ids[0]}/indikator/jatim-1/anggota"
    first = client.get(url, params={"banyak": 100}).json()
    second = client.get(url, params={"banyak": 100, "setelah": first["berikutnya"]}).json()
    third = client.get(url, params={"banyak": 100, "setelah": second["berikutnya"]}).json()
    ids = [m["id"] for page in (first, second, third) for m in page["anggota"]]
    assert len(ids) == len(set(ids)) == first["jumlah_dalam_daftar"] == 216 and third["berikutnya"] is None


def test_members_search_by_id_prefix_or_name_and_filter_by_kabupaten_kota(client):
    url = f"/api/runs/{client.ids[0]}/indikator/jatim-1/anggota"
    by_id = client.get(url, params={"peran": "penyebut", "cari": KOPERASI[:8]}).json()["anggota"]
    assert [m["id"] for m in by_id] == [KOPERASI]
    by_name = client.get(url, params={"cari": "mitra usaha"}).json()["anggota"]
    assert by_name and all("mitra usaha" in m["nama"].lower() for m in by_name)
    assert client.get(url, params={"cari": "%"}).json()["anggota"] == []  # LIKE's wildcards are literal
    assert client.get(url, params={"cari": KOPERASI + "0"}).json()["anggota"] == []
    surabaya = client.get(url, params={"kab": "35.78", "banyak": 500}).json()["anggota"]
    assert surabaya and {m["kab_kota"] for m in surabaya} == {"Kota Surabaya"}
    page = client.get(f"/run/{client.ids[0]}/indikator/jatim-1", params={"kab": "35.78"}).text
    assert "Kota Surabaya" in page and f"/run/{client.ids[0]}/entitas/koperasi/" in page


def test_entity_page_is_the_explain_text_with_links_to_rules_and_source_rows(client):
    run = client.ids[0]
    html = client.get(f"/run/{run}/entitas/koperasi/{KOPERASI}").text
    assert "Koperasi Wanita Mitra Usaha" in html and "tidak ada RAT pada tahun 2023" in html
    assert f'href="/run/{run}/aturan/koperasi_aktif_25_2015"' in html
    assert f'href="/run/{run}/aturan/koperasi_aktif_25_2015#klausa-' in html
    assert "rat.csv" in html and "21-05-2021" in html
    data = client.get(f"/api/runs/{run}/entitas/koperasi/{KOPERASI}").json()
    assert data["teks"].startswith(f"koperasi {KOPERASI} — Koperasi Wanita Mitra Usaha")
    assert {"indikator": "jatim-1", "peran": "numerator"} in data["daftar_indikator"]


def test_the_entity_text_is_what_iku_explain_run_prints(client, runs):
    printed = CliRunner().invoke(app, ["explain", KOPERASI, "--run", str(runs[0])]).stdout
    text = client.get(f"/api/runs/{client.ids[0]}/entitas/koperasi/{KOPERASI}").json()["teks"]
    assert printed.split("\n\n", 1)[1].strip() == text.strip()


def test_rule_and_parameter_pages_read_as_policy_staff_read_them(client):
    run = client.ids[0]
    html = client.get(f"/run/{run}/aturan/peserta_diklat_predikat_baik").text
    assert "Peserta diklat tahun n dengan skor akhir paling rendah 75." in html
    assert "Skor paling rendah 75" in html and "skor ≥ 75" in html and "berlaku sejak 01-01-2000" in html
    assert 'id="klausa-skor"' in html and "jatim-7" in html
    data = client.get(f"/api/runs/{run}/parameter/batas_predikat_baik").json()
    assert data["nilai_run"] == "75" and data["aturan"] == ["peserta_diklat_predikat_baik"]
    index = client.get(f"/api/runs/{run}/aturan").json()
    assert any(rule["id"] == "koperasi_aktif_25_2015" for rule in index["aturan"])
    assert "batas_predikat_baik" in client.get(f"/run/{run}/aturan").text
    assert "Skor terendah" in client.get(f"/run/{run}/parameter/batas_predikat_baik").text


def test_compare_two_runs(client):
    a, b = client.ids
    data = client.get("/api/bandingkan", params={"a": a, "b": b}).json()
    assert [item["id"] for item in data["indikator"]][0] == "jatim-1"
    assert data["jumlah_berbeda"] > 0
    first = data["entitas"][0]
    html = client.get("/bandingkan", params={"a": a, "b": b}).text
    assert f'/run/{a}/entitas/{first["jenis"]}/{first["id"]}' in html and f'/run/{b}/entitas/' in html
    assert "selisih (B − A)" in html
    assert client.get("/api/bandingkan", params={"a": a, "b": a}).status_code == 400


@pytest.mark.parametrize("url", [
    "/run/{run}X/", "/api/runs/{run}X/ringkasan", "/run/{run}/indikator/jatim-1x",
    "/api/runs/{run}/indikator/jatim-1x/anggota", "/run/{run}/entitas/koperasi/" + KOPERASI[:-1],
    "/api/runs/{run}/entitas/koperasi/" + KOPERASI[:-1], "/run/{run}/aturan/koperasi_aktif_25_2016",
    "/api/runs/{run}/aturan/koperasi_aktif_25_2016", "/api/runs/{run}/parameter/batas_predikat_bagus",
    "/run/{run}/entitas/koperasii/" + KOPERASI,
])
def test_bad_ids_are_404_with_the_closest_ids(client, url):
    answer = client.get(url.format(run=client.ids[0]))
    assert answer.status_code == 404
    if "/api/" in url:
        body = answer.json()
        assert "tidak ditemukan" in body["galat"] and body["saran"]
    else:
        assert "tidak ditemukan" in answer.text and "Mungkin maksudnya" in answer.text


@pytest.mark.parametrize("query, words", [
    ({"peran": "pemilang"}, "peran 'pemilang' tidak dikenal"),
    ({"kab": "99.99"}, "kabupaten/kota '99.99' tidak ada"),
    ({"setelah": "abc"}, "'setelah' tidak sah (harus bilangan bulat)"),
    ({"banyak": "0"}, "banyak per halaman harus 1 sampai 500"),
    ({"cari": "x" * 101}, "teks pencarian terlalu panjang"),
])
def test_bad_parameters_get_a_clear_message(client, query, words):
    answer = client.get(f"/api/runs/{client.ids[0]}/indikator/jatim-1/anggota", params=query)
    assert answer.status_code == 400 and words in answer.json()["galat"]
    page = client.get(f"/run/{client.ids[0]}/indikator/jatim-1", params=query)
    assert page.status_code == 400 and "Permintaan tidak dapat dipenuhi" in page.text


def test_unknown_pages_and_wrong_methods_are_answered_in_indonesian(client):
    assert "halaman tidak ditemukan" in client.get("/tidak-ada").text
    assert client.delete("/api/runs").status_code == 405


def test_hostile_names_are_shown_as_text(runs):
    with TestClient(create_app([runs[2]]), base_url="http://127.0.0.1") as client:
        run = client.get("/api/runs").json()[0]["id"]
        pages = [client.get(f"/run/{run}/indikator/jatim-1", params={"peran": "penyebut"}).text,
                 client.get(f"/run/{run}/entitas/koperasi/{nik(0)}").text,
                 client.get(f"/run/{run}/entitas/koperasi/{nik(1)}").text]
    assert all("<script>alert(1)</script>" not in html for html in pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0] and "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert "<b>Tebal</b>" not in pages[2] and "Kop␇ &amp; &lt;b&gt;Tebal&lt;/b&gt;" in pages[2]
    assert all("\x07" not in html and "<script" not in html for html in pages)


def test_the_docs_page_and_its_assets_are_served_locally(client):
    html = client.get("/docs").text
    assert "/aset-docs/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert client.get("/aset-docs/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/runs", "/api/runs/{run_id}/ringkasan", "/api/runs/{run_id}/indikator/{indicator_id}/anggota",
            "/api/runs/{run_id}/entitas/{jenis}/{entity_id}", "/api/runs/{run_id}/aturan/{rule_id}",
            "/api/bandingkan", "/api/runs/{run_id}/simulasi"} <= set(paths)


def test_every_answer_forbids_outside_loads_and_framing(client):
    headers = client.get(f"/run/{client.ids[0]}/").headers
    assert "default-src 'self'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"


def test_requests_to_another_host_name_are_refused(client):
    assert client.get("/api/runs", headers={"host": "evil.example"}).status_code == 400


def test_with_a_token_every_request_needs_it(runs):
    app = create_app([runs[0]], token="rahasia-123", host="0.0.0.0")
    with TestClient(app, base_url="http://127.0.0.1") as client:
        refused = client.get("/api/runs")
        assert refused.status_code == 401 and "Perlu token" in refused.text
        assert client.get("/api/runs", headers={"authorization": "Bearer salah"}).status_code == 401
        assert client.get("/api/runs", headers={"authorization": "Bearer rahasia-123"}).status_code == 200
        assert client.get("/api/runs?token=rahasia-123").status_code == 200
        assert client.get("/api/runs").status_code == 200  # the cookie set by the first visit with ?token=


def _digests(folder: Path) -> dict[str, str]:
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def small(runs):
    with TestClient(create_app([runs[2]]), base_url="http://127.0.0.1") as client:
        client.run = client.get("/api/runs").json()[0]["id"]
        yield client


def test_simulation_changes_a_copy_and_reports_flips_and_deltas(small):
    before = _digests(RULES)
    answer = small.post(f"/api/runs/{small.run}/simulasi", json={"parameter": "batas_predikat_baik", "nilai": "80"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["hasil"]["parameter"] == [{"id": "batas_predikat_baik", "sebelum": "75", "sesudah": "80"}]
    assert [(change["id"], change["perubahan"]) for change in data["hasil"]["tag"]] == [
        ("P-2024-00000", "hilang"), ("P-2024-00001", "hilang")]
    jatim7 = next(item for item in data["hasil"]["indikator"] if item["id"] == "jatim-7")
    assert (jatim7["nilai_sebelum"], jatim7["nilai_sesudah"], jatim7["selisih"]) == (75, 25, -50)
    download = small.get(f"/simulasi/{data['id']}/berkas")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    original = (RULES / data["berkas"]).read_text(encoding="utf-8")
    changed = download.text
    assert changed != original and changed.count("\n") == original.count("\n")
    assert [a for a, b in zip(original.splitlines(), changed.splitlines()) if a != b] == ["      - value: 75"]
    assert _digests(RULES) == before
    page = small.post(f"/run/{small.run}/simulasi", data={"parameter": "batas_predikat_baik", "nilai": "80"}).text
    assert "batas_predikat_baik 75 → 80" in page and "Unduh berkas parameter" in page and "P-2024-00001" in page


@pytest.mark.parametrize("parameter, value, status, words", [
    ("batas_predikat_baik", "delapan puluh", 400, "harus berupa angka"),
    ("batas_predikat_baik", "75", 400, "sama dengan nilai yang berlaku"),
    ("jendela_tahun_aktif", "2,5", 400, "harus bilangan bulat"),
    ("batas_predikat_bagus", "80", 404, "parameter 'batas_predikat_bagus' tidak ditemukan"),
])
def test_bad_simulation_requests_get_a_clear_message(small, parameter, value, status, words):
    answer = small.post(f"/api/runs/{small.run}/simulasi", json={"parameter": parameter, "nilai": value})
    assert answer.status_code == status and words in answer.json()["galat"]


def test_the_download_of_an_unknown_simulation_is_404(client):
    assert client.get("/simulasi/..%2F..%2Fetc%2Fpasswd/berkas").status_code == 404
    assert client.get("/simulasi/0123456789abcdef/berkas").status_code == 404


def test_one_simulation_at_a_time(runs):
    simulator = Simulator()
    with TestClient(create_app([runs[2]], simulator=simulator), base_url="http://127.0.0.1") as client:
        run = client.get("/api/runs").json()[0]["id"]
        with simulator._running:  # another simulation is running
            answer = client.post(f"/api/runs/{run}/simulasi", json={"parameter": "batas_predikat_baik", "nilai": "80"})
    assert answer.status_code == 409 and "hanya satu simulasi sekaligus" in answer.json()["galat"]


@pytest.mark.parametrize("limits, words", [
    ({"seconds": 0.2}, "melebihi batas waktu 0.2 detik"),
    ({"memory": 60 * 2**20}, "melebihi batas memori"),  # then "(60 MB)", or "60 MB?)" when it died mid-answer
])
def test_a_simulation_past_its_time_or_memory_is_stopped_with_a_message(runs, limits, words):
    with TestClient(create_app([runs[2]], simulator=Simulator(**limits)), base_url="http://127.0.0.1") as client:
        run = client.get("/api/runs").json()[0]["id"]
        answer = client.post(f"/api/runs/{run}/simulasi", json={"parameter": "batas_predikat_baik", "nilai": "80"})
        assert answer.status_code == 503 and words in answer.json()["galat"]
        assert "detik" in words or "60 MB" in answer.json()["galat"]
        page = client.post(f"/run/{run}/simulasi", data={"parameter": "batas_predikat_baik", "nilai": "80"})
        assert page.status_code == 503 and words in page.text


def test_every_clause_link_of_an_entity_lands_on_its_clause_in_the_rule_page(client):
    run = client.ids[0]
    html = client.get(f"/run/{run}/entitas/koperasi/{KOPERASI}").text
    links = set(re.findall(rf'href="/run/{run}/aturan/(\w+)#klausa-([\w.-]+)"', html))
    assert len(links) > 10
    for rule, clause in links:
        assert f'id="klausa-{clause}"' in client.get(f"/run/{run}/aturan/{rule}").text, (rule, clause)


def test_the_serve_command_binds_localhost_and_asks_a_token_elsewhere(runs, monkeypatch):
    import uvicorn

    started = []
    import socket

    from engine.serve import security

    bound, listen = [], security.listening_socket

    def listening_socket(host, port):  # the address asked for, on a free port: 8000 may be another's
        bound.append((host, port))
        return listen(host, 0)

    monkeypatch.setattr(security, "listening_socket", listening_socket)
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, sockets: started.append(
        (server.config.app, server.config.host, server.config.port)) if isinstance(sockets[0], socket.socket) else None)
    local = CliRunner().invoke(app, ["serve", "--run", str(runs[2])])
    assert local.exit_code == 0 and "http://127.0.0.1:8000/" in local.stdout and "token" not in local.stdout
    wide = CliRunner().invoke(app, ["serve", "--run", str(runs[2]), "--host", "0.0.0.0", "--port", "9001"])
    token = re.search(r"\?token=([\w-]+)", wide.stdout)[1]
    assert wide.exit_code == 0 and [(host, port) for _, host, port in started] == [("127.0.0.1", 8000), ("0.0.0.0", 9001)]
    assert bound == [("127.0.0.1", 8000), ("0.0.0.0", 9001)]  # bound before it is served
    with TestClient(started[1][0], base_url="http://127.0.0.1") as client:
        assert client.get("/api/runs").status_code == 401
        assert client.get("/api/runs", headers={"authorization": f"Bearer {token}"}).status_code == 200


def test_a_busy_port_is_named_before_anything_is_served(runs):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        answer = CliRunner().invoke(app, ["serve", "--run", str(runs[2]), "--port", str(port)])
    assert answer.exit_code == 2, answer.output
    assert f"port {port} di 127.0.0.1 sudah dipakai program lain" in answer.output
    assert "buka http" not in answer.output


def test_a_page_of_a_damaged_record_says_so_in_indonesian(runs, tmp_path):
    import shutil

    damaged = tmp_path / "out"
    shutil.copytree(runs[2], damaged)
    damage_table((damaged / "run.sqlite").resolve(), "indicator")  # opens and starts; its summary cannot be read
    with TestClient(create_app([damaged]), base_url="http://127.0.0.1") as client:
        run = client.get("/api/runs").json()[0]["id"]
        page, api = client.get(f"/run/{run}/"), client.get(f"/api/runs/{run}/ringkasan")
    assert page.status_code == 500 and "catatan run rusak atau tidak dapat dibaca" in page.text
    assert api.status_code == 500 and api.json()["galat"].startswith("catatan run rusak atau tidak dapat dibaca")


def test_the_serve_command_names_a_folder_without_a_record(tmp_path):
    answer = CliRunner().invoke(app, ["serve", "--run", str(tmp_path)])
    assert answer.exit_code == 2 and "catatan run tidak ditemukan" in answer.output


def test_a_name_search_gives_the_same_page_through_the_name_index_or_along_the_list(client, monkeypatch):
    from engine.runstore import browse

    url = f"/api/runs/{client.ids[0]}/indikator/jatim-1/anggota"
    query = {"peran": "penyebut", "cari": "koperasi", "banyak": 500}
    through_index = client.get(url, params=query).json()["anggota"]
    monkeypatch.setattr(browse, "FEW_NAMES", 0)  # as when many names match: read along the list
    along_the_list = client.get(url, params=query).json()["anggota"]
    assert through_index == along_the_list and len(through_index) > 100
    assert all("koperasi" in member["nama"].lower() for member in through_index)
