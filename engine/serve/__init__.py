"""``iku serve``: a small local web application on one or more run records, read-only.

``runs`` opens the records, ``summary``/``members``/``entity``/``ruletext``/``compare`` shape what
each page shows (the JSON API returns the same models), ``simulate`` re-runs a run's inputs with a
changed copy of the rules, ``security`` guards requests and ``app`` wires the routes.
"""
