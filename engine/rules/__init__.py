"""Rules as data: schema, reading, compiling to durable_rules and checking (see ``engine.rules.load``)."""

from pathlib import Path

DEFAULT_RULES = Path(__file__).resolve().parent.parent.parent / "rules"  # the repository's rules folder
