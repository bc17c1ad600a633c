"""The record of a run (``run.sqlite``): what was decided, stored once and compactly, read by
explain, verify, sample and any later view. ``schema`` says what is stored, ``writer`` writes it,
``reader`` answers from it, ``browse`` pages through it (``iku serve``), ``rulecodec`` is the one
place that (de)serialises compiled rules."""
