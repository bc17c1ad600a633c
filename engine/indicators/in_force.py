"""Which rules an indicator needs that have no version in force on 31 December of year n.

Such an indicator is not computable (null with the reason), never 0: a count of "aktif" before
the rule defining aktif existed would report a real-looking zero. The rules needed are those that
give the tags the indicator reads, and, through ``has_tag``, the tags those rules read in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from engine.indicators.model import Count, Denominator, EntitySet, Growth, Indicator, Percentage
from engine.rules.model import AllOf, AnyOf, NotOf, Rule, TagClause
from engine.rules.rulebook import RuleBook


def entity_sets(indicator: Indicator) -> list[EntitySet]:
    """Every set of tagged entities the formula reads."""
    formula = indicator.formula
    if isinstance(formula, Count):
        return [formula.count]
    if isinstance(formula, Growth):
        return [formula.cohort]
    assert isinstance(formula, Percentage)
    denominator = formula.denominator
    others = denominator.otherwise if isinstance(denominator, Denominator) else [denominator]
    return [formula.numerator, *others]


def _tags_of(condition: object) -> Iterator[str]:
    if isinstance(condition, TagClause):
        yield condition.has_tag
    elif isinstance(condition, AllOf):
        for part in condition.all:
            yield from _tags_of(part)
    elif isinstance(condition, AnyOf):
        for part in condition.any:
            yield from _tags_of(part)
    elif isinstance(condition, NotOf):
        yield from _tags_of(condition.not_)


def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def _why_not(rule: Rule, year: int, day: date) -> str:
    later = [version.effective.start for version in rule.versions if version.effective.start > day]
    if later:
        return f"aturan {rule.id} belum berlaku pada tahun {year} (berlaku sejak {_day(min(later))})"
    return f"aturan {rule.id} tidak berlaku lagi pada tahun {year}"


def rules_not_in_force(book: RuleBook, indicator: Indicator, year: int) -> list[str]:
    """Why each needed rule does not apply in ``year``; empty when every rule needed is in force."""
    day = date(year, 12, 31)
    givers: dict[str, list[Rule]] = {}
    for rule in book.rules:
        givers.setdefault(rule.tag, []).append(rule)
    reasons: list[str] = []
    wanted = [tag for entity_set in entity_sets(indicator) for tag in entity_set.tags]
    seen: set[str] = set()
    while wanted:
        tag = wanted.pop(0)
        if tag in seen:
            continue
        seen.add(tag)
        rules = givers.get(tag, [])
        in_force = [version for rule in rules if (version := rule.version_for(day)) is not None]
        if rules and not in_force:
            reasons.extend(_why_not(rule, year, day) for rule in rules)
        for version in in_force:
            wanted.extend(_tags_of(version.when))
    return list(dict.fromkeys(reasons))
