"""Ids are what duplicates and references are checked on: one NIK must have one spelling."""

import pytest

from engine.ingest import values
from engine.ingest.dataset import load_dataset
from tests.support import koperasi, nik, write_tables

OTHER_DIGITS = {
    "full-width": "３５７８０００００００００００１",
    "arabic-indic": "٣٥٧٨٠٠٠٠٠٠٠٠٠٠٠١",
    "superscript": "³⁵⁷⁸⁰⁰⁰⁰⁰⁰⁰⁰⁰⁰⁰¹",
}


@pytest.mark.parametrize("kind", sorted(OTHER_DIGITS))
def test_a_nik_in_other_digits_is_rejected_not_a_second_koperasi(tmp_path, kind):
    other = OTHER_DIGITS[kind]
    assert other.isdigit() and len(other) == 16  # what let it through before
    dataset = load_dataset(write_tables(tmp_path, {"koperasi": [koperasi(nik(1)), koperasi(other)]}))
    assert [record.nik for record in dataset.table("koperasi")] == [nik(1)]
    (reject,) = dataset.rejects
    assert (reject.row, reject.column, reject.value) == (3, "nik", other)
    assert "0-9" in reject.reason


@pytest.mark.parametrize("parse", [values.parse_nik, values.parse_id_kukm])
def test_numeric_id_parsers_accept_ascii_digits_only(parse):
    with pytest.raises(ValueError, match="0-9"):
        parse(OTHER_DIGITS["full-width"])
    assert parse(nik(1)) == nik(1)


@pytest.mark.parametrize("text", ["2024E001", "1E5", "P-2024-00001"])
def test_a_participant_id_with_an_e_is_text_not_scientific_notation(text):
    assert values.parse_id_text(text) == text


def test_a_participant_id_like_2024E001_is_used(tmp_path):
    dataset = load_dataset(write_tables(tmp_path, {
        "koperasi": [koperasi(nik(1))],
        "diklat": [{"id_peserta": "2024E001", "tahun": "2024", "skor": "80"}],
    }))
    assert not dataset.rejects
    assert [record.id_peserta for record in dataset.table("diklat")] == ["2024E001"]


@pytest.mark.parametrize("text", ["+-80", "-+80", "--80", "++80"])
def test_a_number_with_two_signs_is_rejected(text):
    with pytest.raises(ValueError, match="tanda"):
        values.parse_score(text)


@pytest.mark.parametrize(("text", "expected"), [("+80", 80), ("-0", 0), ("80", 80)])
def test_one_sign_is_still_read(text, expected):
    assert values.parse_score(text) == expected
