"""Why an entity got, or did not get, a tag — in words, for the messages of failing scenarios.

Everything comes from engine.explain (the same explanation `iku explain` prints): the clauses it
marks as deciding the verdict (``penentu``: why not for a tag not given, why for a tag given) and
its notes, such as the gap between aktif and tidak aktif. Nothing is decided again here.
"""

from __future__ import annotations

from engine.decisions import Decision
from engine.explain import Explainer, render
from engine.pipeline import RunResult


def decision_for(result: RunResult, kind: str, entity_id: str, tag: str) -> Decision:
    decisions = [d for d in result.decisions if (d.entity_type, d.entity_id, d.tag) == (kind, entity_id, tag)]
    if decisions:
        return decisions[0]
    if not any(d.entity_type == kind and d.entity_id == entity_id for d in result.decisions):
        rejected = [f"{r.table} baris {r.row} kolom {r.column}: {r.reason}" for r in result.dataset.rejects]
        hint = f"; baris ditolak: {'; '.join(rejected)}" if rejected else ""
        raise AssertionError(f"{kind} {entity_id} tidak ada dalam data yang dinilai{hint}")
    known = sorted({d.tag for d in result.decisions if d.entity_type == kind})
    raise AssertionError(f"tag {tag} tidak diberikan oleh aturan mana pun untuk {kind} pada tahun {result.year}; "
                         f"tag yang dinilai: {', '.join(known)}")


def because(result: RunResult, decision: Decision) -> str:
    """The clauses that decided the verdict, then the explanation's notes."""
    explanation = Explainer(result).entity(decision.entity_type, decision.entity_id, decision.tag)
    rule = explanation.aturan[0]
    texts = [clause.teks for clause in rule.klausa if clause.penentu] + explanation.catatan
    return "; ".join(texts) or rule.ringkasan


def explanation_text(result: RunResult, kind: str | None, entity_id: str, tag: str | None) -> str:
    """The text `iku explain` prints for the entity (all its rules, or the one giving ``tag``)."""
    explainer = Explainer(result)
    keys = [key for key in explainer.entity_keys(entity_id) if kind is None or key[0] == kind]
    if not keys:
        raise AssertionError(f"{kind or 'entitas'} {entity_id} tidak ada dalam data yang dinilai")
    return "\n\n".join(render(explainer.entity(k, entity_id, tag)) for k, _ in keys)


def indicator_text(result: RunResult, indicator_id: str) -> str:
    return render(Explainer(result).indicator(indicator_id))
