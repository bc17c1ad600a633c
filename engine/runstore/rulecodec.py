"""A rule as explanations read it (``RuleView``) ↔ JSON, for the run record.

The one place that knows the shape of the compiler's clause tree in storage: when the compiler's
``Node``/``Leaf``/``Test`` change, this module (and ``engine.explain.ruleview``) change with them.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import orjson

from engine.explain.ruleview import Neither, RuleView
from engine.rules.nodes import Leaf, Node, Test, UsedParameter


def encode_rule(view: RuleView) -> bytes:
    document = asdict(view)  # dates become ISO text in orjson; tuples become lists
    document["nodes"] = [asdict(node) for node in view.nodes.values()]
    # A date parameter (typed parameters) comes back a date, not its ISO text.
    document["parameters"] = [{**asdict(used), "is_date": isinstance(used.value, date)} for used in view.parameters]
    return orjson.dumps(document)


def _parameter(document: dict[str, Any]) -> UsedParameter:
    value = date.fromisoformat(document["value"]) if document["is_date"] else document["value"]
    return UsedParameter(document["id"], value, date.fromisoformat(document["version_from"]),
                         _day(document["version_to"]))


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _leaf(document: dict[str, Any] | None) -> Leaf | None:
    if document is None:
        return None
    tests = tuple(Test(**test) for test in document.pop("tests"))
    return Leaf(**document, tests=tests)


def _node(document: dict[str, Any]) -> Node:
    return Node(node=document["node"], kind=document["kind"], children=tuple(document["children"]),
                leaf=_leaf(document["leaf"]), text=document["text"])


def decode_rule(text: str | bytes) -> RuleView:
    document = orjson.loads(text)
    nodes = [_node(node) for node in document["nodes"]]
    neither = document["neither"]
    effective_from = _day(document["effective_from"])
    assert effective_from is not None  # every version has a start
    return RuleView(
        entity_type=document["entity_type"], rule_id=document["rule_id"], name=document["name"],
        tag=document["tag"], version=document["version"], effective_from=effective_from,
        effective_to=_day(document["effective_to"]), legal_basis=tuple(document["legal_basis"]),
        notes=tuple(document["notes"]), neither=Neither(**neither) if neither else None, root=document["root"],
        nodes={node.node: node for node in nodes},
        parameters=tuple(_parameter(used) for used in document["parameters"]),
    )
