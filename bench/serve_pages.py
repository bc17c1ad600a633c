"""Page times of ``iku serve`` on a run record of N entities (bench/README.md has the figures):

    .venv/bin/python bench/serve_pages.py [--size 100k] [--repeat 5] [--keep]

Generates the bench's data set (bench/run.py's composition) into bench/data/, runs ``iku run``
once to build the record (kept with --keep and reused when it is there), then asks every page and
API call through the framework's TestClient and prints the median and worst time of each: the
first summary (its chart counts read every member once, then kept), the summary again, member
pages (first, deep, by kabupaten/kota, by id, by name), an entity, a rule, and a comparison with
its own comparison is not timed (one run). The simulation is not timed: it is a full run of the data twice.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

warnings.filterwarnings("ignore", message=r".*httpx2.*")
from fastapi.testclient import TestClient  # noqa: E402

from bench.run import SHARES, generate, parse_size  # noqa: E402
from engine.outputs.run import execute_run  # noqa: E402
from engine.pipeline import DEFAULT_RULES  # noqa: E402
from engine.serve.app import create_app  # noqa: E402


def _record(size: int, folder: Path) -> Path:
    data, out = folder / f"n{size}", folder / f"serve{size}"
    if (out / "run.sqlite").is_file():
        return out
    if not data.is_dir():
        generate(size, SHARES, data)
    execute_run(data, "jatim", 2024, out, DEFAULT_RULES)
    return out


def _timed(client: TestClient, url: str, repeat: int) -> tuple[float, float, int]:
    times = []
    status = 0
    for _ in range(repeat):
        start = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=parse_size, default=parse_size("100k"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--run", type=Path, help="folder keluaran run yang sudah ada (mis. bench/run.py --keep)")
    arguments = parser.parse_args()
    out = arguments.run or _record(arguments.size, arguments.data_dir)
    with TestClient(create_app([out]), base_url="http://127.0.0.1") as client:
        run = client.get("/api/runs").json()[0]["id"]
        members = client.get(f"/api/runs/{run}/indikator/jatim-1/anggota", params={"peran": "penyebut"}).json()
        entity = members["anggota"][0]
        deep = client.get(f"/api/runs/{run}/indikator/jatim-1/anggota",
                          params={"peran": "penyebut", "banyak": 500}).json()["anggota"][-1]["urutan"]
        base = f"/run/{run}"
        pages = {
            "ringkasan (pertama)": (base + "/", 1),
            "ringkasan": (base + "/", arguments.repeat),
            "indikator: halaman 1": (base + "/indikator/jatim-1?peran=penyebut", arguments.repeat),
            "indikator: halaman lanjut": (base + f"/indikator/jatim-1?peran=penyebut&setelah={deep}", arguments.repeat),
            "indikator: kabupaten/kota": (base + f"/indikator/jatim-1?peran=penyebut&kab={entity['kode_wilayah']}",
                                          arguments.repeat),
            "indikator: cari id": (base + f"/indikator/jatim-1?peran=penyebut&cari={entity['id'][:10]}", arguments.repeat),
            "indikator: cari nama": (base + "/indikator/jatim-1?peran=penyebut&cari=mitra", arguments.repeat),
            "indikator: nama tidak ada": (base + "/indikator/jatim-1?peran=penyebut&cari=zzzz", arguments.repeat),
            "entitas": (base + f"/entitas/{entity['jenis']}/{entity['id']}", arguments.repeat),
            "aturan": (base + "/aturan/koperasi_aktif_25_2015", arguments.repeat),
            "API anggota": (f"/api/runs/{run}/indikator/jatim-1/anggota?peran=penyebut", arguments.repeat),
            "id salah (404 + saran)": (base + f"/entitas/{entity['jenis']}/{entity['id'][:-1]}", arguments.repeat),
        }
        what = f"{arguments.size:,} entitas" if arguments.run is None else f"run {arguments.run}"
        print(f"iku serve pada {what} ({out / 'run.sqlite'}), ms per permintaan:")
        print(f"{'halaman':32} {'median':>8} {'terlama':>8} status")
        for name, (url, repeat) in pages.items():
            median, worst, status = _timed(client, url, repeat)
            print(f"{name:32} {median:8.1f} {worst:8.1f} {status}")


if __name__ == "__main__":
    main()
