"""Explanations as plain Bahasa Indonesia text an auditor can paste into a working paper."""

from __future__ import annotations

from datetime import date

from engine.explain.model import ClauseExplanation, EntityExplanation, IndicatorExplanation, RuleExplanation


def _day(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "sekarang"


def _period(start: date, end: date | None) -> str:
    return f"berlaku {_day(start)} s.d. {_day(end)}" if end else f"berlaku sejak {_day(start)}"


def _clause_lines(clause: ClauseExplanation) -> list[str]:
    mark = "[terpenuhi]" if clause.terpenuhi else "[GAGAL]    "
    lines = [f"  {mark} {clause.teks}"]
    if clause.dibandingkan:
        lines.append(f"               dibandingkan: {'; '.join(clause.dibandingkan)}")
    for fact in clause.fakta:
        values = ", ".join(f"{column} {value}" for column, value in fact.nilai.items())
        lines.append(f"               data: {fact.sumber} baris {fact.baris}: {values}")
    if clause.catatan:
        lines.append(f"               catatan: {clause.catatan}")
    return lines


def render_rule(rule: RuleExplanation) -> list[str]:
    verdict = "YA" if rule.diberikan else "TIDAK"
    lines = [
        f"{verdict} — {rule.ringkasan}",
        f"  Aturan: {rule.aturan} versi {rule.versi} ({_period(rule.berlaku_dari, rule.berlaku_sampai)})",
        *(f"  Dasar hukum: {basis}" for basis in rule.dasar_hukum),
        "  Klausa:",
    ]
    for clause in rule.klausa:
        lines.extend(_clause_lines(clause))
    for parameter in rule.parameter:
        lines.append(f"  Parameter: {parameter.id} = {parameter.nilai} "
                     f"({_period(parameter.berlaku_dari, parameter.berlaku_sampai)})")
    lines.extend(f"  Catatan interpretasi: {note}" for note in rule.catatan_interpretasi)
    return lines


def render_entity(explanation: EntityExplanation) -> str:
    name = f" — {explanation.nama}" if explanation.nama else ""
    lines = [
        f"{explanation.jenis} {explanation.id}{name}",
        f"Tahun penilaian {explanation.tahun}, profil {explanation.profil}, versi aturan {explanation.versi_aturan}; "
        f"data entitas: {explanation.sumber}",
    ]
    lines.extend(f"Catatan: {note}" for note in explanation.catatan)
    for rule in explanation.aturan:
        lines.append("")
        lines.extend(render_rule(rule))
    return "\n".join(lines)


def _members(title: str, members: list) -> list[str]:
    lines = [f"{title} ({len(members)}):"]
    lines.extend(f"  {m.jenis} {m.id}{' — ' + m.nama if m.nama else ''}" for m in members)
    return lines


def render_indicator(explanation: IndicatorExplanation) -> str:
    value = "tidak dapat dihitung" if explanation.nilai is None else f"{explanation.nilai} {explanation.satuan}"
    lines = [
        f"{explanation.id} — {explanation.nama}, tahun {explanation.tahun}: {value}",
        f"Rumus: {explanation.rumus}",
        f"Pembilang: {explanation.pembilang}",
        f"Penyebut: {explanation.penyebut}",
        f"Perhitungan: {explanation.catatan}",
        *(f"Catatan interpretasi: {note}" for note in explanation.catatan_interpretasi),
        "",
        *_members("Entitas dalam pembilang", explanation.anggota_pembilang),
        *_members("Entitas dalam penyebut", explanation.anggota_penyebut),
    ]
    if explanation.dikecualikan:
        lines.extend(_members("Dikecualikan (nilai n-1 atau n tidak ada)", explanation.dikecualikan))
    return "\n".join(lines)
