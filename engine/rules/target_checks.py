"""Checks of the Renstra targets across files: the profile exists, each indicator id is one of its
indicators, and one indicator has one target per year. The types (numeric value, year 1900–2100,
a source) are the schema's, reported with file:line:column when the file is read."""

from __future__ import annotations

from engine.names import closest
from engine.rules.rulebook import Problem, RuleBook


def check_targets(book: RuleBook) -> list[Problem]:
    problems: list[Problem] = []
    for profile_id, targets in book.targets.items():
        located = book.origins[f"targets:{profile_id}"]
        profile = book.profiles.get(profile_id)
        if profile is None:
            problems.append(located.problem(f"profil '{profile_id}' tidak dikenal" + closest(profile_id, list(book.profiles)),
                                            "profile"))
            continue
        known = [indicator.id for indicator in profile.indicators]
        seen: set[tuple[str, int]] = set()
        for index, target in enumerate(targets.targets):
            if target.indicator not in known:
                problems.append(located.problem(
                    f"indikator '{target.indicator}' tidak ada di profil {profile_id}" + closest(target.indicator, known),
                    "targets", index, "indicator"))
            elif (target.indicator, target.year) in seen:
                problems.append(located.problem(
                    f"target {target.indicator} tahun {target.year} ditulis dua kali", "targets", index, "year"))
            seen.add((target.indicator, target.year))
    return problems
