"""Explanations as plain Bahasa Indonesia text an auditor can paste into a working paper."""

from __future__ import annotations

from datetime import date

from engine.explain.model import (
    ClauseExplanation,
    EntityExplanation,
    IndicatorExplanation,
    MemberLine,
    RuleExplanation,
)
from engine.explain.values import format_day
from engine.numbers import format_number

DETAIL = " " * 13  # under a clause's text, past its mark


def _day(day: date | None) -> str:
    return format_day(day) if day else "sekarang"


def period_text(start: date, end: date | None) -> str:
    return f"berlaku {_day(start)} s.d. {_day(end)}" if end else f"berlaku sejak {_day(start)}"


def _clause_lines(clause: ClauseExplanation) -> list[str]:
    indent = "  " + "  " * clause.tingkat
    mark = "[terpenuhi]" if clause.terpenuhi else "[GAGAL]    "
    lines = [f"{indent}{mark} {clause.teks}" + (":" if clause.jenis == "kelompok" else "")]
    detail = indent + DETAIL
    if clause.dibandingkan:
        lines.append(f"{detail}dibandingkan: {'; '.join(clause.dibandingkan)}")
    for fact in clause.fakta:
        lines.append(f"{detail}data: {fact.text()}")
    if clause.catatan:
        lines.append(f"{detail}catatan: {clause.catatan}")
    return lines


def render_rule(rule: RuleExplanation) -> list[str]:
    verdict = "YA" if rule.diberikan else "TIDAK"
    needed = "semua harus terpenuhi" if rule.syarat == "semua" else "cukup salah satu terpenuhi"
    lines = [
        f"{verdict} — {rule.ringkasan}",
        f"  Aturan: {rule.aturan} versi {rule.versi} ({period_text(rule.berlaku_dari, rule.berlaku_sampai)})",
        *(f"  Dasar hukum: {basis}" for basis in rule.dasar_hukum),
        f"  Klausa ({needed}):",
    ]
    for clause in rule.klausa:
        lines.extend(_clause_lines(clause))
    for parameter in rule.parameter:
        lines.append(f"  Parameter: {parameter.id} = {parameter.nilai} "
                     f"({period_text(parameter.berlaku_dari, parameter.berlaku_sampai)})")
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


def _members(title: str, members: list[MemberLine], year: int) -> list[str]:
    lines = [f"{title} ({len(members)}):"]
    for member in members:
        line = f"  {member.jenis} {member.id}{' — ' + member.nama if member.nama else ''}"
        if member.nilai_sebelum is not None or member.nilai is not None:  # growth: the two yearly figures
            line += f" ({year - 1}: {format_number(member.nilai_sebelum, missing='tidak ada')}; {year}: {format_number(member.nilai, missing='tidak ada')})"
        lines.append(line)
    return lines


def render_indicator(explanation: IndicatorExplanation) -> str:
    value = "tidak dapat dihitung" if explanation.nilai is None else f"{format_number(explanation.nilai)} {explanation.satuan}"
    year = explanation.tahun
    lines = [
        f"{explanation.id} — {explanation.nama}, tahun {year}: {value}",
        f"Dokumen IKU: {explanation.dokumen}",
        f"Sasaran (dokumen): {explanation.sasaran}",
        f"Formulasi (dokumen): {explanation.formulasi_dokumen}",
        *([f"Rumus disimpulkan dengan analogi, tidak ada dalam dokumen: {explanation.rumus_disimpulkan}"]
          if explanation.rumus_disimpulkan else []),
        f"Sumber data (dokumen): {explanation.sumber_data}",
        f"Penanggung jawab (dokumen): {explanation.penanggung_jawab}",
        f"Rumus iku: {explanation.rumus}",
        f"Pembilang: {explanation.pembilang}",
        f"Penyebut: {explanation.penyebut}",
        *([f"Statistik: {explanation.statistik}"] if explanation.statistik else []),
        f"Perhitungan: {explanation.catatan}",
        *(f"Catatan interpretasi: {note}" for note in explanation.catatan_interpretasi),
        "",
        *_members("Entitas dalam pembilang", explanation.anggota_pembilang, year),
        *_members("Entitas dalam penyebut", explanation.anggota_penyebut, year),
    ]
    if explanation.dikecualikan:
        lines.extend(_members(f"Dikecualikan (nilai {year - 1} atau {year} tidak ada)", explanation.dikecualikan, year))
    return "\n".join(lines)
