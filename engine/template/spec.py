"""What the input workbook holds, made from the rule book: tables, lists and the guide."""

from __future__ import annotations

from dataclasses import dataclass

from engine.pipeline import profile_of
from engine.rules.rulebook import RuleBook
from engine.template.choices import Choices, Scope, choices_of, scope_of
from engine.template.columns import TemplateTable, template_tables
from engine.template.guide import GuideRow, guide_rows


@dataclass(frozen=True)
class Template:
    scope: Scope
    tables: tuple[TemplateTable, ...]
    choices: dict[tuple[str, str], Choices]
    guide: list[GuideRow]


def template_for(book: RuleBook, profile_id: str | None, file_name: str) -> Template:
    """The workbook for one profile's province, or for every province when ``profile_id`` is None;
    ``file_name`` is what the guide tells the reader to pass to ``iku check-data``."""
    profile = profile_of(book, profile_id) if profile_id is not None else None
    scope = scope_of(book, profile)
    choices = choices_of(book, scope)
    tables = template_tables(choices)
    guide = guide_rows(scope, tables, choices, sorted(book.profiles), book.version, file_name)
    return Template(scope, tables, choices, guide)
