"""Warnings about fidelity to the sources: what ``iku rules check`` reports without refusing the rules.

A rule, parameter or indicator must say where it comes from: a rule or parameter whose legal basis
names neither a regulation nor an IKU document, a profile without its IKU document's
identification, and an indicator whose quoted fields (name, sasaran, formulasi, sumber data,
penanggung jawab) are neither filled nor marked as not stated by the document, are warned about.
They do not stop a run: the rules stay valid, the author is pointed at the line to complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from engine.indicators.model import QUOTED_FIELDS, Profile
from engine.rules.model import LegalBasis
from engine.rules.rulebook import Located, Problem, RuleBook

# A citation names a kind of regulation and its number, or an IKU document.
CITATION = re.compile(
    r"\b(UU|Undang-Undang|PP|Peraturan|Perpres|Permen\w*|Perdep|Keputusan|Kepmen\w*|Putusan)\b.*\d"
    r"|\bDokumen IKU\b",
    re.IGNORECASE,
)
FIELD_WORDS = {"name": "nama", "goal": "sasaran", "document_formula": "formulasi", "data_source": "sumber data",
               "responsible": "penanggung jawab"}


def _cites(basis: Iterable[LegalBasis]) -> bool:
    return any(CITATION.search(item.regulation) for item in basis)


def _basis_warnings(book: RuleBook) -> Iterator[Problem]:
    owners = [(f"rule:{rule.id}", f"aturan {rule.id}", rule.legal_basis) for rule in book.rules]
    owners += [(f"parameter:{p.id}", f"parameter {p.id}", p.legal_basis) for p in book.parameters.values()]
    for key, label, basis in owners:
        if not _cites(basis):
            yield book.origins[key].problem(
                f"{label}: dasar hukum tidak menyebut peraturan (jenis dan nomornya) maupun dokumen IKU", "legal_basis")


def _profile_warnings(profile: Profile, origin: Located) -> Iterator[Problem]:
    if profile.document is None:
        yield origin.problem(f"profil {profile.id}: identitas dokumen IKU sumbernya (document: file, institution, "
                             "date, signatory) tidak ditulis, sehingga indikatornya tidak mengutip dokumen mana pun",
                             "source_document")
    for index, indicator in enumerate(profile.indicators):
        for field in QUOTED_FIELDS:
            filled = bool(getattr(indicator, field))
            marked = field in indicator.not_in_document
            if not filled and not marked:
                yield origin.problem(
                    f"indikator {indicator.id}: {FIELD_WORDS[field]} ({field}) kosong dan tidak ditandai "
                    "'not_in_document' (tidak disebutkan dalam dokumen IKU)", "indicators", index)
            elif filled and marked:
                yield origin.problem(
                    f"indikator {indicator.id}: {FIELD_WORDS[field]} ({field}) diisi padahal ditandai "
                    "'not_in_document'", "indicators", index, field)


def fidelity_warnings(book: RuleBook) -> list[Problem]:
    """Every warning, in file order of rules, parameters and then profiles."""
    warnings = list(_basis_warnings(book))
    for profile in book.profiles.values():
        warnings.extend(_profile_warnings(profile, book.origins[f"profile:{profile.id}"]))
    return warnings
