"""A rules folder → a validated ``RuleBook`` (rules, parameters, province profiles).

Layout: ``criteria/**/*.yaml`` one rule per file, ``parameters/*.yaml`` named parameters,
``profiles/*.yaml`` one province profile per file, ``targets/*.yaml`` a profile's Renstra targets
(optional), ``regions.yaml`` the names of kabupaten/kota by
Kemendagri code (a folder without it uses the one shipped in ``rules/``). Every problem found is collected with its
``file:line:column`` and reported together (``RulesInvalid``), never only the first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from engine.indicators import model as profile_model
from engine.indicators.model import Profile
from engine.indicators import targets as target_model
from engine.indicators.targets import TargetFile
from engine.names import closest
from engine.rules import model as rule_model
from engine.rules.model import Parameter, ParameterFile, RegionFile, Rule
from engine.rules.yamlfile import Path_, YamlDocument, YamlError, read_yaml

CRITERIA = "criteria"
PARAMETERS = "parameters"
PROFILES = "profiles"
TARGETS = "targets"
REGIONS = "regions.yaml"
SHIPPED_REGIONS = Path(__file__).resolve().parents[2] / "rules" / REGIONS

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class RulesInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Located:
    """Where a loaded object came from, to point policy staff at the line to fix."""

    document: YamlDocument
    location: Path_ = ()

    def problem(self, message: str, *location: str | int) -> Problem:
        position = self.document.position((*self.location, *location))
        return Problem(str(self.document.path), position.line, position.column, message)


@dataclass
class RuleBook:
    directory: Path
    rules: list[Rule] = field(default_factory=list)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    origins: dict[str, Located] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  # kode_wilayah NN.NN → kabupaten/kota
    provinces: dict[str, str] = field(default_factory=dict)  # NN → provinsi
    targets: dict[str, TargetFile] = field(default_factory=dict)  # profile id → its Renstra targets
    version: str = ""

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    def parameter_value(self, name: str, day: date) -> Any:
        version = self.parameters[name].version_for(day)
        if version is None:
            raise KeyError(f"parameter {name} tidak berlaku pada {day.isoformat()}")
        return version.value


def _clean_location(location: tuple[Any, ...]) -> Path_:
    # Discriminated-union tags (~all, ~exists, ...) are pydantic's, not keys of the file.
    return tuple(part for part in location if not (isinstance(part, str) and part.startswith("~")))


def _known_fields() -> list[str]:
    """Every field name and alias of the rule, parameter, profile and target schemas."""
    names: set[str] = set()
    for module in (rule_model, profile_model, target_model):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                for name, info in value.model_fields.items():
                    names.add(info.alias or name)
    return sorted(names)


# pydantic's own words for a value of the wrong type are English: what policy staff read instead.
_WRONG_TYPE = {
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float"), "harus bilangan bulat (integer)"),
    **dict.fromkeys(("float_parsing", "float_type", "decimal_parsing", "decimal_type"), "harus angka"),
    "string_type": "harus teks",
    **dict.fromkeys(("bool_parsing", "bool_type"), "harus true atau false"),
    **dict.fromkeys(("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"),
                    "harus tanggal YYYY-MM-DD"),
    **dict.fromkeys(("list_type", "tuple_type"), "harus daftar (- …)"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), "harus pemetaan (kunci: nilai)"),
}


def _message(error: dict[str, Any], model: type[BaseModel]) -> str:
    if error["type"] in _WRONG_TYPE:
        return _WRONG_TYPE[error["type"]]
    if error["type"] == "extra_forbidden":
        name = str(error["loc"][-1])
        top_level = [info.alias or field for field, info in model.model_fields.items()]
        return f"kolom '{name}' tidak dikenal" + closest(name, top_level if len(error["loc"]) == 1 else _known_fields())
    if error["type"] == "recursion_depth_exceeded":
        return "kondisi bersarang terlalu dalam"
    if error["type"] == "missing":
        return f"kolom wajib '{error['loc'][-1]}' tidak ada"
    if "ctx" in error and "error" in error["ctx"]:
        return str(error["ctx"]["error"])
    return str(error["msg"])


def validate_document(document: YamlDocument, model: type[Model], problems: list[Problem]) -> Model | None:
    located = Located(document)
    for location, _ in document.duplicates:
        problems.append(located.problem(f"kunci '{location[-1]}' ditulis dua kali", *location))
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            location = _clean_location(detail["loc"])
            problems.append(located.problem(_message(detail, model), *location))
        return None


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.suffix in (".yaml", ".yml"))


def rules_version(directory: Path) -> str:
    """A hash of every rule file's path and content: the version a run reports."""
    digest = hashlib.sha256()
    for path in _yaml_files(directory):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _read(path: Path, problems: list[Problem]) -> YamlDocument | None:
    try:
        return read_yaml(path)
    except YamlError as error:
        problems.append(Problem(str(error.path), error.position.line, error.position.column, error.message))
        return None


def _read_all(folder: Path, problems: list[Problem]) -> list[YamlDocument]:
    return [document for path in _yaml_files(folder) if (document := _read(path, problems)) is not None]


def read_region_file(path: Path) -> RegionFile:
    """Read and validate one ``regions.yaml``; every problem is reported with its line (``RulesInvalid``)."""
    problems: list[Problem] = []
    document = _read(path, problems)
    regions = validate_document(document, RegionFile, problems) if document is not None else None
    if problems or regions is None:
        raise RulesInvalid(problems)
    return regions


def _load_regions(book: RuleBook, problems: list[Problem]) -> None:
    path = book.directory / REGIONS
    if not path.is_file():
        path = SHIPPED_REGIONS
    if path.is_file():
        try:
            region_file = read_region_file(path)
            book.regions, book.provinces = dict(region_file.kabupaten_kota), dict(region_file.provinsi)
        except RulesInvalid as error:
            problems.extend(error.problems)


def read_rulebook(directory: Path) -> RuleBook:
    """Read every file and validate it against its schema; raise ``RulesInvalid`` with all problems
    found. Checks across files and the compile are ``engine.rules.load``'s: this is only the reading."""
    problems: list[Problem] = []
    if not directory.is_dir():
        raise RulesInvalid([Problem(str(directory), 1, 1, "folder aturan tidak ditemukan")])
    if not _yaml_files(directory / CRITERIA):  # an empty folder, a data folder: nothing would be decided
        raise RulesInvalid([Problem(str(directory / CRITERIA), 1, 1, f"tidak ada berkas aturan ({CRITERIA}/**/*.yaml, "
                                    "satu aturan per berkas): ini bukan folder aturan iku")])
    book = RuleBook(directory=directory, version=rules_version(directory))
    _load_parameters(book, _read_all(directory / PARAMETERS, problems), problems)
    _load_rules(book, _read_all(directory / CRITERIA, problems), problems)
    _load_profiles(book, _read_all(directory / PROFILES, problems), problems)
    _load_targets(book, _read_all(directory / TARGETS, problems), problems)
    _load_regions(book, problems)
    if problems:
        raise RulesInvalid(problems)
    return book


def _load_parameters(book: RuleBook, documents: list[YamlDocument], problems: list[Problem]) -> None:
    for document in documents:
        loaded = validate_document(document, ParameterFile, problems)
        for index, parameter in enumerate(loaded.parameters if loaded else []):
            located = Located(document, ("parameters", index))
            if parameter.id in book.parameters:
                problems.append(located.problem(f"parameter '{parameter.id}' sudah didefinisikan", "id"))
                continue
            for version, message in parameter.wrong_values():
                problems.append(located.problem(message, "versions", version, "value"))
            book.parameters[parameter.id] = parameter
            book.origins[f"parameter:{parameter.id}"] = located


def _register(
    book: RuleBook, documents: list[YamlDocument], problems: list[Problem], model: type[Model], kind: str,
    add: Any,
) -> None:
    """Validate each document as ``model`` and add it, refusing a second definition of one id."""
    for document in documents:
        loaded = validate_document(document, model, problems)
        if loaded is None:
            continue
        located = Located(document)
        if f"{kind}:{loaded.id}" in book.origins:
            problems.append(located.problem(f"{kind} '{loaded.id}' sudah didefinisikan", "id"))
            continue
        add(loaded)
        book.origins[f"{kind}:{loaded.id}"] = located


def _load_rules(book: RuleBook, documents: list[YamlDocument], problems: list[Problem]) -> None:
    _register(book, documents, problems, Rule, "rule", book.rules.append)


def _load_profiles(book: RuleBook, documents: list[YamlDocument], problems: list[Problem]) -> None:
    _register(book, documents, problems, Profile, "profile", lambda profile: book.profiles.__setitem__(profile.id, profile))


def _load_targets(book: RuleBook, documents: list[YamlDocument], problems: list[Problem]) -> None:
    """Each file's targets, by the profile it names (checked against the profiles in ``checks``)."""
    for document in documents:
        loaded = validate_document(document, TargetFile, problems)
        if loaded is None:
            continue
        located = Located(document)
        if loaded.profile in book.targets:
            problems.append(located.problem(f"target profil '{loaded.profile}' sudah ditulis di berkas lain",
                                            "profile"))
            continue
        book.targets[loaded.profile] = loaded
        book.origins[f"targets:{loaded.profile}"] = located
