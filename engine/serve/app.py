"""The web application: pages (Jinja2, autoescaped) and the JSON API under /api, over the same
models; the framework's OpenAPI page at /docs, served with its own copy of Swagger UI (offline)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Annotated, Any

import swagger_ui_bundle
from fastapi import FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from engine.numbers import format_number
from engine.runstore.schema import damaged_text
from engine.serve import compare, entity, members, ruletext, summary
from engine.serve.errors import BadParameter, Busy, NotFound
from engine.serve.runs import ServedRuns
from engine.serve.security import LOCAL_HOSTS, Guard
from engine.serve.simulate import Simulation, SimulationFailed, Simulator

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def visible(value: Any) -> Any:
    """Control characters in a value are shown as their symbols (␇), never passed to the page."""
    if isinstance(value, str):
        return CONTROL.sub(lambda found: chr(0x2400 + ord(found[0])) if found[0] != "\x7f" else "␡", value)
    return value


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("engine.serve", "templates"), autoescape=True, finalize=visible)
    env.filters["angka"] = format_number
    return env


class SimulationRequest(BaseModel):
    parameter: str
    nilai: str


def create_app(folders: list[Path], token: str | None = None, host: str = "127.0.0.1",
               simulator: Simulator | None = None, warm: bool = False) -> FastAPI:
    runs = ServedRuns(folders)
    if warm:
        for run in runs.runs.values():
            run.warm()
    comparer = compare.Comparer(runs)
    simulator = simulator or Simulator()
    env = _environment()
    app = FastAPI(title="iku serve", description="IKU koperasi dan UKM dari catatan run (run.sqlite), hanya baca.",
                  docs_url=None, redoc_url=None, version="1")
    app.add_middleware(Guard, token=token)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=sorted({*LOCAL_HOSTS, host}))
    app.mount("/aset-docs", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="aset-docs")

    def page(request: Request, name: str, code: int = 200, **values: Any) -> HTMLResponse:
        html = env.get_template(name).render(runs=runs, path=request.url.path, **values)
        return HTMLResponse(html, status_code=code)

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error(request: Request, status: int, message: str, suggestions: list[str] | None = None) -> Response:
        if is_api(request):
            return JSONResponse({"galat": message, "saran": suggestions or []}, status_code=status)
        return page(request, "galat.html.j2", status, status=status, message=message, suggestions=suggestions or [],
                    run=runs.first)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, problem: NotFound) -> Response:
        return error(request, 404, problem.message, problem.suggestions)

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, problem: BadParameter) -> Response:
        return error(request, 400, problem.message)

    @app.exception_handler(Busy)
    async def busy(request: Request, problem: Busy) -> Response:
        return error(request, 409, problem.message)

    @app.exception_handler(SimulationFailed)
    async def failed(request: Request, problem: SimulationFailed) -> Response:
        return error(request, 503, problem.message)

    @app.exception_handler(sqlite3.DatabaseError)
    async def damaged(request: Request, problem: sqlite3.DatabaseError) -> Response:
        return error(request, 500, damaged_text(problem))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, problem: RequestValidationError) -> Response:
        parts = []
        for item in problem.errors():
            where = ".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0])
            parts.append(f"'{where}' tidak sah ({_reason(item)})")
        return error(request, 400, "parameter permintaan: " + "; ".join(parts))

    @app.exception_handler(HTTPException)
    async def http(request: Request, problem: HTTPException) -> Response:
        wording = {404: "halaman tidak ditemukan", 405: "metode tidak diizinkan untuk alamat ini"}
        return error(request, problem.status_code, wording.get(problem.status_code, str(problem.detail)))

    # -- pages ---------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(f"/run/{runs.first.id}/", status_code=303)

    @app.get("/run/{run_id}/", response_class=HTMLResponse, include_in_schema=False)
    def ringkasan_page(request: Request, run_id: str) -> HTMLResponse:
        run = runs.get(run_id)
        return page(request, "ringkasan.html.j2", run=run, s=summary.summary(run), charts=summary.charts(run))

    @app.get("/run/{run_id}/indikator/{indicator_id}", response_class=HTMLResponse, include_in_schema=False)
    def indikator_page(request: Request, run_id: str, indicator_id: str, peran: str = "pembilang", cari: str = "",
                       kab: str = "", setelah: int = -1, banyak: int = members.PAGE) -> HTMLResponse:
        run = runs.get(run_id)
        result = members.member_page(run, indicator_id, peran, cari, kab or None, setelah, banyak)
        return page(request, "indikator.html.j2", run=run, p=result, regions=run.regions, roles=members.ROLE_NAMES)

    @app.get("/run/{run_id}/entitas/{jenis}/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entitas_page(request: Request, run_id: str, jenis: str, entity_id: str) -> HTMLResponse:
        run = runs.get(run_id)
        return page(request, "entitas.html.j2", run=run, e=entity.entity_page(run, jenis, entity_id),
                    role_words=members.ROLE_WORDS)

    @app.get("/run/{run_id}/aturan", response_class=HTMLResponse, include_in_schema=False)
    def aturan_index_page(request: Request, run_id: str) -> HTMLResponse:
        run = runs.get(run_id)
        return page(request, "aturan_daftar.html.j2", run=run, r=ruletext.rules_index(run))

    @app.get("/run/{run_id}/aturan/{rule_id}", response_class=HTMLResponse, include_in_schema=False)
    def aturan_page(request: Request, run_id: str, rule_id: str) -> HTMLResponse:
        run = runs.get(run_id)
        return page(request, "aturan.html.j2", run=run, r=ruletext.rule_text(run, rule_id))

    @app.get("/run/{run_id}/parameter/{parameter_id}", response_class=HTMLResponse, include_in_schema=False)
    def parameter_page(request: Request, run_id: str, parameter_id: str) -> HTMLResponse:
        run = runs.get(run_id)
        return page(request, "parameter.html.j2", run=run, p=ruletext.parameter_text(run, parameter_id))

    @app.get("/bandingkan", response_class=HTMLResponse, include_in_schema=False)
    def bandingkan_page(request: Request, a: str = "", b: str = "", dari: int = 0) -> HTMLResponse:
        if not a or not b:
            return page(request, "bandingkan.html.j2", c=None, run=runs.first)
        return page(request, "bandingkan.html.j2", c=comparer.compare(a, b, dari), run=runs.get(a))

    @app.get("/run/{run_id}/simulasi", response_class=HTMLResponse, include_in_schema=False)
    def simulasi_form(request: Request, run_id: str) -> HTMLResponse:
        run = runs.get(run_id)
        return page(request, "simulasi.html.j2", run=run, r=ruletext.rules_index(run), sim=None)

    @app.post("/run/{run_id}/simulasi", response_class=HTMLResponse, include_in_schema=False)
    def simulasi_run(request: Request, run_id: str, parameter: Annotated[str, Form()],
                     nilai: Annotated[str, Form()]) -> HTMLResponse:
        run = runs.get(run_id)
        result = simulator.simulate(run, parameter, nilai)
        return page(request, "simulasi.html.j2", run=run, r=ruletext.rules_index(run), sim=result)

    @app.get("/simulasi/{simulation_id}/berkas", include_in_schema=False)
    def simulasi_berkas(simulation_id: str) -> Response:
        name, text = simulator.parameter_file(simulation_id)
        return Response(text, media_type="application/yaml; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="iku serve — API",
                                   swagger_js_url="/aset-docs/swagger-ui-bundle.js",
                                   swagger_css_url="/aset-docs/swagger-ui.css",
                                   swagger_favicon_url="/aset-docs/favicon-32x32.png")

    # -- API -------------------------------------------------------------------------------------

    @app.get("/api/runs", tags=["run"], summary="Run yang disajikan")
    def api_runs() -> list[dict[str, Any]]:
        return [{"id": run.id, "profil": run.info.profile, "tahun": run.info.year, "versi_aturan": run.info.rules_version,
                 "dijalankan": run.info.started, "berkas_masukan": dict(run.info.inputs)} for run in runs.runs.values()]

    @app.get("/api/runs/{run_id}/ringkasan", tags=["run"], summary="Indikator, grafik per kabupaten/kota, baris per tabel")
    def api_summary(run_id: str) -> summary.Summary:
        return summary.summary(runs.get(run_id))

    @app.get("/api/runs/{run_id}/indikator/{indicator_id}/anggota", tags=["indikator"],
             summary="Anggota pembilang, penyebut atau yang dikecualikan, per halaman")
    def api_members(run_id: str, indicator_id: str,
                    peran: Annotated[str, Query(description="pembilang, penyebut atau dikecualikan")] = "pembilang",
                    cari: Annotated[str, Query(description="awal id atau bagian nama")] = "",
                    kab: Annotated[str, Query(description="kode wilayah NN.NN")] = "",
                    setelah: Annotated[int, Query(description="urutan terakhir halaman sebelumnya")] = -1,
                    banyak: Annotated[int, Query(description="anggota per halaman (1–500)")] = members.PAGE,
                    ) -> members.MemberPage:
        return members.member_page(runs.get(run_id), indicator_id, peran, cari, kab or None, setelah, banyak)

    @app.get("/api/runs/{run_id}/entitas/{jenis}/{entity_id}", tags=["entitas"],
             summary="Penjelasan entitas (seperti iku explain --run), baris sumber, daftar indikator")
    def api_entity(run_id: str, jenis: str, entity_id: str) -> entity.EntityPage:
        return entity.entity_page(runs.get(run_id), jenis, entity_id)

    @app.get("/api/runs/{run_id}/aturan", tags=["aturan"], summary="Aturan dan parameter run")
    def api_rules(run_id: str) -> ruletext.RulesIndex:
        return ruletext.rules_index(runs.get(run_id))

    @app.get("/api/runs/{run_id}/aturan/{rule_id}", tags=["aturan"], summary="Satu aturan untuk staf kebijakan")
    def api_rule(run_id: str, rule_id: str) -> ruletext.RuleText:
        return ruletext.rule_text(runs.get(run_id), rule_id)

    @app.get("/api/runs/{run_id}/parameter/{parameter_id}", tags=["aturan"], summary="Satu parameter dan versinya")
    def api_parameter(run_id: str, parameter_id: str) -> ruletext.ParameterText:
        return ruletext.parameter_text(runs.get(run_id), parameter_id)

    @app.get("/api/bandingkan", tags=["bandingkan"], summary="Dua run: selisih indikator dan entitas yang tagnya berbeda")
    def api_compare(a: str, b: str, dari: int = 0, banyak: int = compare.PAGE) -> compare.Comparison:
        return comparer.compare(a, b, dari, banyak)

    @app.post("/api/runs/{run_id}/simulasi", tags=["simulasi"],
              summary="Ubah satu parameter pada salinan aturan dan nilai ulang data run (seperti iku rules diff)")
    def api_simulate(run_id: str, request: SimulationRequest) -> Simulation:
        return simulator.simulate(runs.get(run_id), request.parameter, request.nilai)

    return app


def _reason(item: dict[str, Any]) -> str:
    kind = item.get("type", "")
    if kind.startswith("int"):
        return "harus bilangan bulat"
    if kind == "missing":
        return "wajib diisi"
    return "nilai tidak dapat dipakai"
