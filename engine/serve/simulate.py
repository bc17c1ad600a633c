"""Simulasi: what changing one parameter would do to this run — the run's own recorded inputs
evaluated with the run's rules and with a changed COPY of them, compared as ``iku rules diff``
compares them (``engine.rules.diff``). Nothing in the rules folder is written.

The evaluation runs in a separate process, one at a time, with a memory limit (RLIMIT_AS) and a
time limit (the process is killed), so a simulation can neither exhaust the machine nor hang the
server. The changed parameter file keeps every comment: only the value's line is rewritten.
"""

from __future__ import annotations

import multiprocessing
import re
import resource
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine import log
from engine.durable_host import EngineError
from engine.ingest.readers import DataError
from engine.names import closest_names
from engine.rules.compiler import reference_day
from engine.rules.diff import RulesDiff, diff_rules
from engine.rules.load import load_rulebook
from engine.rules.rulebook import RulesInvalid
from engine.runstore.verify import input_differences
from engine.serve.errors import BadParameter, Busy, NotFound
from engine.serve.model import Frozen
from engine.serve.runs import ServedRun

SECONDS = 600  # a run of 100,000 entities takes ≈ 75 s per side on the bench machine
MEMORY = 3 * 2**30  # bytes of address space for the simulation process
KEPT = 10  # finished simulations kept for their download link
SIMULATION_ID = re.compile(r"[0-9a-f]{16}")
_VALUE_LINE = re.compile(r"^(?P<key>\s*(?:-\s+)?value:\s*)(?P<value>[^#\n]*?)(?P<rest>\s*(?:#.*)?)$")


class SimulationFailed(RuntimeError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Simulation(Frozen):
    id: str
    run: str
    parameter: str
    sebelum: str
    sesudah: str
    berkas: str  # the changed parameter file, relative to the rules folder
    peringatan: list[str]
    hasil: RulesDiff


@dataclass(frozen=True)
class _Change:
    parameter: str
    before: Any
    after: Any
    file: Path  # relative to the rules folder
    line: int  # 1-based line of the in-force version's ``value:``


def parse_value(current: Any, text: str, name: str) -> Any:
    """The form's text as a value of the parameter's own type; a clear message otherwise."""
    text = text.strip()
    if isinstance(current, bool):
        words = {"ya": True, "true": True, "tidak": False, "false": False}
        if text.lower() not in words:
            raise BadParameter(f"nilai baru {name} harus ya atau tidak, bukan '{text}'")
        return words[text.lower()]
    if isinstance(current, (int, float)):
        number = text.replace(" ", "")
        if "," in number:  # written the Indonesian way: 75,5 or 1.000,5
            number = number.replace(".", "").replace(",", ".")
        try:
            value = float(number)
        except ValueError:
            raise BadParameter(f"nilai baru {name} harus berupa angka (misalnya 80 atau 75,5), bukan '{text}'") from None
        if isinstance(current, int) and value.is_integer():
            return int(value)
        if isinstance(current, int):
            raise BadParameter(f"nilai baru {name} harus bilangan bulat, bukan '{text}'")
        return value
    if isinstance(current, str):
        if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", text):
            raise BadParameter(f"nilai baru {name} harus berupa nama (huruf, angka, garis bawah), bukan '{text}'")
        return text
    raise BadParameter(f"parameter {name} berisi daftar; daftar belum dapat diubah lewat simulasi — ubah berkasnya "
                       "dan pakai `iku rules diff`")


def _change(run: ServedRun, name: str, text: str) -> _Change:
    book = run.rulebook
    if book is None:
        raise BadParameter(run.rulebook_note or "folder aturan run tidak dapat dibaca")
    if name not in book.parameters:
        raise NotFound("parameter", name, closest_names(name, sorted(book.parameters)))
    parameter = book.parameters[name]
    version = parameter.version_for(reference_day(run.info.year))
    if version is None:
        raise BadParameter(f"parameter {name} tidak berlaku pada 31-12-{run.info.year}")
    value = parse_value(version.value, text, name)
    if value == version.value:
        raise BadParameter(f"nilai baru {name} sama dengan nilai yang berlaku ({version.value})")
    located = book.origins[f"parameter:{name}"]
    position = located.document.position((*located.location, "versions", parameter.versions.index(version), "value"))
    return _Change(name, version.value, value, located.document.path.relative_to(book.directory), position.line)


def changed_text(text: str, line: int, value: Any) -> str:
    """``text`` with the ``value:`` on ``line`` (1-based) set to ``value``; every other byte kept."""
    lines = text.splitlines(keepends=True)
    found = _VALUE_LINE.match(lines[line - 1].rstrip("\n"))
    if found is None:
        raise SimulationFailed(f"baris {line} tidak berisi 'value:'; ubah berkas parameter secara manual")
    written = ("true" if value else "false") if isinstance(value, bool) else str(value)
    ending = lines[line - 1][len(lines[line - 1].rstrip("\n")):]
    lines[line - 1] = found["key"] + written + found["rest"] + ending
    return "".join(lines)


def _limit_memory(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _evaluate(conn: Any, old: str, new: str, data: str, profile: str, year: int, memory: int) -> None:
    """In the simulation process: the rules diff of the run's inputs, as JSON, or the reason it failed."""
    _limit_memory(memory)
    log.configure(quiet=True)
    try:
        report = diff_rules(Path(old), Path(new), Path(data), profile, year)
        conn.send(("ok", report.model_dump_json()))
    except (DataError, RulesInvalid, EngineError) as error:
        conn.send(("error", str(error)))
    except MemoryError:
        conn.send(("error", f"simulasi melebihi batas memori ({memory // 2**20} MB)"))
    finally:
        conn.close()


class Simulator:
    """One simulation at a time; the last few kept for their download."""

    def __init__(self, seconds: float = SECONDS, memory: int = MEMORY):
        self.seconds, self.memory = seconds, memory
        self._running = threading.Lock()
        self._kept: OrderedDict[str, tuple[Simulation, str]] = OrderedDict()

    def simulate(self, run: ServedRun, parameter: str, value: str) -> Simulation:
        change = _change(run, parameter, value)
        data = Path(run.info.data)
        if not data.exists():
            raise BadParameter(f"data run ({data}) tidak ada lagi; simulasi menilai ulang data yang tercatat")
        if not self._running.acquire(blocking=False):
            raise Busy()
        try:
            with tempfile.TemporaryDirectory(prefix="iku-simulasi-") as folder:
                copy = Path(folder) / "rules"
                shutil.copytree(run.rulebook.directory, copy)
                target = copy / change.file
                text = changed_text(target.read_text(encoding="utf-8"), change.line, change.after)
                target.write_text(text, encoding="utf-8")
                self._check(copy, change)
                report = self._run(run, copy)
        finally:
            self._running.release()
        warnings = [note for note in [run.rulebook_note] if note]
        warnings += input_differences(run.info, data)
        simulation = Simulation(id=secrets.token_hex(8), run=run.id, parameter=parameter, sebelum=str(change.before),
                                sesudah=str(change.after), berkas=change.file.as_posix(), peringatan=warnings,
                                hasil=report)
        self._kept[simulation.id] = (simulation, text)
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)
        return simulation

    @staticmethod
    def _check(copy: Path, change: _Change) -> None:
        try:
            load_rulebook(copy)
        except RulesInvalid as error:
            problems = "; ".join(str(problem.message) for problem in error.problems[:3])
            raise BadParameter(f"nilai {change.after} membuat aturan tidak sah: {problems}") from None

    def _run(self, run: ServedRun, copy: Path) -> RulesDiff:
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_evaluate, daemon=True, args=(
            send, run.info.rules, str(copy), run.info.data, run.info.profile, run.info.year, self.memory))
        process.start()
        send.close()
        try:
            if not receive.poll(self.seconds):
                raise SimulationFailed(f"simulasi melebihi batas waktu {self.seconds:g} detik dan dihentikan")
            status, answer = receive.recv()
        except EOFError:
            raise SimulationFailed(f"proses simulasi berhenti tanpa jawaban (melebihi batas memori "
                                   f"{self.memory // 2**20} MB?)") from None
        finally:
            if process.is_alive():
                process.kill()
            process.join()
            receive.close()
        if status != "ok":
            raise SimulationFailed(f"simulasi gagal: {answer}")
        return RulesDiff.model_validate_json(answer)

    def parameter_file(self, simulation_id: str) -> tuple[str, str]:
        """The changed parameter file of a kept simulation: its name and text."""
        if not SIMULATION_ID.fullmatch(simulation_id) or simulation_id not in self._kept:
            raise NotFound("simulasi", simulation_id[:40], [])
        simulation, text = self._kept[simulation_id]
        return Path(simulation.berkas).name, text
