"""durable_rules' 32-bit hash of a fact id (FNV-1a): two ids of one session hashed alike are taken as
one (trap 7, ``durable_host.check_hashes``). Here without durable_rules, so that what reads the data
can hash the ids of the facts it makes (``fact_texts.id_hashes``)."""

from __future__ import annotations

FNV_START = 0x811C9DC5
FNV_PRIME = 16777619


def fnv1a_32(text: str, value: int = FNV_START) -> int:
    """durable_rules' id hash: FNV-1a over the bytes as signed chars (state.c, fnv1Hash32);
    ``value``: the state after the text's prefix, to hash only the rest."""
    for byte in text.encode("utf-8"):
        value ^= byte if byte < 128 else (byte - 256) & 0xFFFFFFFF
        value = (value * FNV_PRIME) & 0xFFFFFFFF
    return value
