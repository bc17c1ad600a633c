"""Entities' facts → decision rows, by durable_rules, with as little Python around the engine as possible.

durable_rules decides every leaf and every tag: each record leaf is a durable_rules rule, one for the
leaves of one pattern (its matches are the clause's evidence), and each conjunction of a rule's condition in disjunctive normal form is
one durable_rules rule that gives the tag (``compiler.TermRuleset``; all/any/not and tags built on
tags are matched in the Rete network, negations behind phase facts, ``"dist": 0`` so that one fact
may bind two aliases and a negation sees the facts the other aliases matched). The clause results
of the all/any/not nodes follow from the leaves by the compiled tree, worked out once per set of
leaves that held; the tree's tags must be durable_rules' tags, or the run stops. The decisions,
clause results and evidence are exactly those of the clause-level ruleset (``evaluate.Evaluator``),
which decides instead when a condition does not fit one rule per term (``term_refusal``).

Measured, the C engine was only a fifth of that evaluator's time; the rest was the Python around
each call. So here:

- actions are not Python closures behind durable's dispatch: the drain loop reads the action's
  message with orjson and records the facts it matched itself;
- a fact is given with only the values some leaf reads, and a table no leaf reads not at all: the C
  engine parses, stores and sends back in each action every property it is given;
- leaves of one pattern are one durable_rules rule (``TermRuleset.shared``): one action per match;
- a term that is one leaf's pattern alone has no rule of its own: that leaf's rule gives its tag
  (``TermRuleset.tagging``), and an alias another alias of its term implies is left out: fewer
  nodes to make in every session (durable_rules makes a pool and an index per alias);
- stratum 0's phase fact closes the batch of the entity's facts (always last: durable_rules trap 16);
- a clause or tag fact is asserted as JSON text made once per node (only the session id is added);
- which clauses held is known from the actions that ran, so the session's facts are never read
  back (``get_facts``);
- every entity has its own session, deleted after it: retracting facts from a reused session would
  retract facts a finished action matched, and durable_rules then reads and writes past that action's
  frame (heap damage, a segmentation fault later: README, durable_rules, trap 17);
- decisions are made as rows (``decisions.DecisionRow``), never as pydantic objects; equal parts of
  the rows of one batch are one object (pickled once, one object in the parent).

Kept for the benchmark's comparison until this path has landed: ``evaluate.Evaluator``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from math import isfinite
from operator import itemgetter
from typing import Any

import durable_rules_engine
import orjson

from engine.decisions import ClauseRow, Decision, DecisionRow, DecisionTable, TagTriple, decision_of
from engine.durable_host import (
    SESSION_INIT,
    EngineError,
    GuardedRuleset,
    IdHashes,
    check_message,
    checked,
    hash_ids,
)
from engine.evaluate import _matched_ids, check_complete, check_structure, clause_fact_id, tag_fact_id
from engine.fact_projection import SID, TAIL, projection_of
from engine.fact_projection import Projection as _Projection
from engine.fact_projection import json_head as _json_head
from engine.facts import ENTITY_TABLES, EntityFacts, FactRow, fact_layout
from engine.rules.compiler import (
    CLAUSE,
    PHASE,
    SINK,
    TAG,
    CompiledRuleset,
    TermRuleset,
    compile_ruleset,
)
from engine.rules.rulebook import RuleBook

_UNKNOWN = object()
# An entity's facts as the evaluator takes them: its fact rows, or the ready text of its relevant
# facts (``fact_texts``: made column-wise while the data is read, the same text the rows would give).
Facts = Iterable[FactRow] | str


# The ids of the facts an action's message names, read off its JSON text: a fact is a flat object
# with its "id" key (no key is "id" in a fact's values), and inside a JSON string every quote is
# escaped, so the text '"id":"' occurs only as that key. The same ids in the same order as parsing
# the message and walking it; a message with an escape anywhere is parsed (``_matched_ids``).
_IDS = re.compile(r'"id":"([^"]*)"')


def _message_ids(message: str) -> list[str]:
    if "\\" in message:
        return list(_matched_ids(next(iter(orjson.loads(message).values()))))
    return _IDS.findall(message)


class Share:
    """One object for equal parts of a batch of rows (see ``parallel._Sharing``, which does the same
    for decision objects): pickled once, and one object in the parent. Clause rows whose evidence
    names no input fact are the same for many entities and are shared across batches."""

    common: dict[ClauseRow, ClauseRow] = {}  # a few hundred at most: clause nodes × outcomes
    common_lists: dict[tuple[ClauseRow, ...], tuple[ClauseRow, ...]] = {}  # a rule's clauses naming no input fact

    def __init__(self) -> None:
        self.seen: dict[object, object] = {}

    def one(self, value: Any) -> Any:
        return self.seen.setdefault(value, value)

    def clause(self, node: str, held: bool, evidence: tuple[str, ...]) -> ClauseRow:
        if all(item[0] == "$" for item in evidence):
            row = (node, held, evidence)
            return self.common.setdefault(row, row)
        one = self.seen.setdefault
        evidence = tuple(one(item, item) for item in evidence)
        return one((node, held, one(evidence, evidence)), (node, held, evidence))  # type: ignore[return-value]


class LeanEvaluator:
    """Evaluates entities of one type for one year, one entity at a time, each in its own session."""

    def __init__(self, book: RuleBook, entity_type: str, year: int):
        self.entity_type = entity_type
        self.year = year
        self.compiled: CompiledRuleset = compile_ruleset(book, entity_type, year)
        self._terms = terms = self.compiled.terms
        definition = terms.definition if terms is not None else self.compiled.definition
        # The host, its guards (traps 1, 3, 12) and its registration; the actions run in our own loop.
        self._ruleset = GuardedRuleset(definition, {name: _unused for name in definition},
                                       prefix=f"lean_{entity_type}_{year}")
        self._handle = self._ruleset._handle
        # action name → what its first firing stands for (a node; with terms, a term gives its tag);
        # that → the JSON texts (without sid) asserted when it first fires
        self._key: dict[str, str] = {}
        self._emits: dict[str, tuple[str, ...]] = {}
        # the rule of a record leaf → the tags its first match gives (``TermRuleset.tagging``)
        self._tagging: dict[str, tuple[str, ...]] = {}
        if terms is not None:
            phases = [{"t": PHASE, "level": level, "id": f"$p:{level}"} for level in terms.phases]
            for name, term in terms.terms.items():
                self._key[name] = tag_fact_id(term.tag)
                head = _json_head({"t": TAG, "tag": term.tag, "rule": term.rule_id, "id": tag_fact_id(term.tag)})
                self._emits[tag_fact_id(term.tag)] = (head,) if term.tag in terms.reads else ()
            for name in terms.shared:  # the rules deciding record leaves
                self._emits[name] = ()
            for name, given in terms.tagging.items():  # … and the tags of the terms that are one of them alone
                self._tagging[name] = tuple(tag_fact_id(term.tag) for term in given)
                for term in given:
                    head = _json_head({"t": TAG, "tag": term.tag, "rule": term.rule_id, "id": tag_fact_id(term.tag)})
                    self._emits[tag_fact_id(term.tag)] = (head,) if term.tag in terms.reads else ()
            derived = [tag_fact_id(compiled.rule.tag) for compiled in self.compiled.rules]
        else:
            phases = self.compiled.phase_facts()
            for node, spec in self.compiled.actions.items():
                emits = [_json_head({"t": CLAUSE, "node": node, "id": clause_fact_id(node)})]
                if spec.tag is not None:
                    emits.append(_json_head({"t": TAG, "tag": spec.tag, "rule": spec.rule_id,
                                             "id": tag_fact_id(spec.tag)}))
                self._emits[node] = tuple(emits)
            derived = [clause_fact_id(node) for node in self.compiled.actions] + [
                tag_fact_id(compiled.rule.tag) for compiled in self.compiled.rules]
        self._phases = [_json_head(phase) for phase in phases]
        # the phase fact asserted as the last of the entity's facts, and those asserted after them
        batched = [head for phase, head in zip(phases, self._phases)
                   if terms is not None and phase["level"] == terms.batched_phase]
        self._batched_phase = "," + batched[0] + TAIL + "]" if batched else "]"
        self._phases_after = [head for head in self._phases if head not in batched]
        self._hashes = IdHashes(hash_ids([*derived, *(phase["id"] for phase in phases)]))
        self._tree = OutcomeTree(self.compiled, terms) if terms is not None else None
        self._tags = {node: spec.tag for node, spec in self.compiled.actions.items() if spec.tag is not None}
        # per rule: (rule id, version, tag, nodes as (node id, kind, children))
        self._rules = [
            (compiled, compiled.rule.id, compiled.version.version, compiled.rule.tag,
             tuple((node_id, node.kind, node.children) for node_id, node in compiled.nodes.items()))
            for compiled in self.compiled.rules
        ]
        self._broken = False
        self._projections: dict[str, _Projection | None] = {}
        self._texts_checked = False

    # -- one entity

    def rows(self, entity_id: str, fact_rows: Facts, share: Share | None = None) -> list[DecisionRow]:
        """The entity's decisions as rows, one per rule in force, in rule order."""
        share = share or Share()
        if self._tree is not None:
            mask, found = self.outcome(entity_id, fact_rows)
            return self._tree.rows(self.entity_type, entity_id, self.year, mask, found, share)
        evidence = self._run(self._facts(fact_rows))
        held = set(evidence)
        tags = {self._tags[node] for node in held if node in self._tags}
        rows = []
        for compiled, rule_id, version, tag, nodes in self._rules:
            check_structure(compiled, held, entity_id)
            clauses = []
            for node_id, kind, children in nodes:
                ok = node_id in held
                if ok and (kind == "all" or kind == "any"):
                    found = tuple(clause_fact_id(child) for child in children if child in held)
                else:
                    found = tuple(evidence.get(node_id, ()))
                clauses.append(share.clause(node_id, ok, found))
            rows.append((self.entity_type, entity_id, self.year, rule_id, version, tag, tag in tags,
                         share.one(tuple(clauses))))
        return rows

    @property
    def compact(self) -> bool:
        """Whether durable_rules decides by terms here, so that an entity's outcome is ``outcome``'s pair."""
        return self._tree is not None

    def outcome(self, entity_id: str, fact_rows: Facts) -> Outcome:
        """The entity's outcome in its compact form (``OutcomeTree.compact``), its tags cross-checked; terms only."""
        assert self._tree is not None
        return self._tree.compact(entity_id, self._run(self._facts(fact_rows)))

    @property
    def leaf_order(self) -> tuple[str, ...]:
        assert self._tree is not None
        return self._tree.order

    def evaluate(self, entity: EntityFacts) -> list[Decision]:
        """The entity's decisions as objects (explanations and tests read them so)."""
        if entity.entity_type != self.entity_type:
            raise EngineError(f"entitas {entity.entity_id} bukan {self.entity_type}")
        return [decision_of(row) for row in self.rows(entity.entity_id, entity.fact_rows)]

    def _facts(self, fact_rows: Facts) -> tuple[str, list[str]]:
        """The facts a leaf can match, as one compact JSON array (no spaces: the C engine's parser
        spends less per fact), and their ids; each fact with only the values some leaf reads
        (``_Projection``); checked as ``durable_host.check_message`` would (trap 3), the number of
        properties once per table (a fact has at most its table's columns). Ready texts are taken as
        they are (``_texts``)."""
        if fact_rows.__class__ is str:
            return self._texts(fact_rows)  # type: ignore[arg-type]
        facts = []
        ids = []
        projections = self._projections
        for row in fact_rows:
            projection = projections.get(row[0], _UNKNOWN)
            if projection is _UNKNOWN:
                projection = projections[row[0]] = self._projection(row[0])
            if projection is not None and (fact := projection.fact(row)) is not None:
                facts.append(fact)
                ids.append(fact["id"])
        self._hashes.check(ids)
        text = orjson.dumps(facts)
        # orjson writes NaN and ±inf as null, and a fact has no other null (empty values are left
        # out): only then is each value looked at, to refuse the fact with its id.
        if b"null" in text:
            for fact in facts:
                if any(value.__class__ is float and not isfinite(value) for value in fact.values()):
                    check_message(fact)
        return text.decode(), ids

    def _texts(self, text: str) -> tuple[str, list[str]]:
        """``_facts`` of an entity whose facts come as ready text (``fact_texts``: each fact's JSON as
        ``_Projection`` makes it, the relevant ones in the rows' order, joined by commas): the same
        array and ids. Only finite numbers are made so (the ingest refuses the others); the facts'
        tables are checked as ``_facts`` checks them, once."""
        if not self._texts_checked:
            own, _, related = ENTITY_TABLES[self.entity_type]
            for table in (own, *related):
                if table not in self._projections:
                    self._projections[table] = self._projection(table)
            self._texts_checked = True
        ids = _IDS.findall(text)  # a fact's "id" key, never inside a string (see ``_IDS``)
        self._hashes.check(ids)
        return f"[{text}]", ids

    def _projection(self, table: str) -> _Projection | None:
        """How a fact of ``table`` is handed to durable_rules; None: no leaf reads the table."""
        widest = {"t": table, "id": "", "row": 0, **dict.fromkeys(fact_layout(table), 0)}
        check_message(widest)  # a table whose facts could exceed durable_rules' properties is refused
        return projection_of(self.compiled, table)

    def _run(self, facts: tuple[str, list[str]]) -> dict[str, list[str]]:
        """Assert the facts, then each phase fact once the session is drained; the evidence of
        every node whose action ran (the clauses that held). Then the session is deleted, never its
        facts retracted (trap 17); its session-init action has run, so deleting it is safe (trap 6)."""
        if self._broken:
            raise EngineError("sesi durable_rules tidak dapat dipakai lagi setelah galat sebelumnya")
        handle = self._handle
        evidence: dict[str, list[str]] = {}
        text, ids = facts
        try:
            if ids:
                self._assert(text[:-1] + self._batched_phase, evidence, facts=True)
            phases = self._phases_after if ids else self._phases
            for phase in phases:
                self._assert(phase + TAIL, evidence)
            if ids or phases:  # else no fact made a session
                durable_rules_engine.delete_state(handle, SID)
        except BaseException:
            self._broken = True  # the session holds an unknown part of this entity's facts
            raise
        return evidence

    def _assert(self, text: str, evidence: dict[str, list[str]], facts: bool = False) -> None:
        handle = self._handle
        result = (durable_rules_engine.assert_facts if facts else durable_rules_engine.assert_fact)(handle, text)
        state = checked(result, "fakta entitas" if facts else "fakta fase")
        started = durable_rules_engine.start_action_for_state(handle, state)
        if started:
            self._actions(started[1], state, evidence)
        while started := durable_rules_engine.start_action(handle):  # trap 1: we drain, on this thread
            self._actions(started[1], started[2], evidence)

    def _actions(self, message: str, state: Any, evidence: dict[str, list[str]]) -> None:
        handle = self._handle
        key_of, emits, complete = self._key, self._emits, durable_rules_engine.complete_and_start_action
        name = "?"
        try:
            while message:
                name = message[2:message.index('"', 2)]  # {"<rule name>": {<alias>: <fact>, …}}
                key = key_of.get(name)
                if key is not None:  # a term: its tag is given (its facts are the leaves' evidence)
                    if key not in evidence:
                        self._give(key, evidence)
                elif name in emits:  # a node: a record leaf (with terms), or any node (clause-level)
                    found = evidence.get(name)
                    ids = _message_ids(message)
                    if found is not None:
                        # The same clause matched other facts too (two RATs in one year): more evidence.
                        found.extend(fact for fact in ids if fact not in found)
                    else:
                        evidence[name] = ids
                        if emits[name]:
                            self._emit(name)
                        for key in self._tagging.get(name, ()):
                            if key not in evidence:
                                self._give(key, evidence)
                elif name == SESSION_INIT:  # once per session: that an action ran lets it be deleted (trap 6)
                    pass
                elif name == SINK:
                    raise EngineError("aturan penampung tidak seharusnya berjalan")
                else:
                    raise EngineError(f"aksi aturan {name} tidak dikenal")
                message = complete(handle, state)
        except BaseException as error:
            durable_rules_engine.abandon_action(handle, state)
            if isinstance(error, EngineError):
                raise
            raise EngineError(f"aksi aturan {name} gagal: {error}") from error


    def _give(self, key: str, evidence: dict[str, list[str]]) -> None:
        """A tag durable_rules has just given (``"$t:<tag>"``): noted, and its fact asserted if a term reads it."""
        evidence[key] = []
        if self._emits[key]:
            self._emit(key)

    def _emit(self, key: str) -> None:
        """The clause and tag facts of a node (or the tag fact of a term) that has just held."""
        for head in self._emits[key]:
            checked(durable_rules_engine.assert_fact(self._handle, head + TAIL), "fakta turunan")

    def evaluate_all(
        self, entities: Iterable[EntityFacts], progress: Callable[[str, int, int], None] | None = None
    ) -> DecisionTable:
        """Every entity's decisions, checked complete (one per entity and rule in force)."""
        entities = list(entities)
        table = DecisionTable()
        share = Share()
        for done, entity in enumerate(entities, start=1):
            if entity.entity_type != self.entity_type:
                raise EngineError(f"entitas {entity.entity_id} bukan {self.entity_type}")
            for row in self.rows(entity.entity_id, entity.fact_rows, share):
                table.append_row(row)
            if progress is not None:
                progress(self.entity_type, done, len(entities))
        check_complete(table, entities, [compiled.rule.id for compiled in self.compiled.rules])
        return table


def evaluate_rows(evaluator: LeanEvaluator, ids: Sequence[str], fact_rows: Sequence[Facts]) -> list[DecisionRow]:
    """The rows of a batch of entities, equal parts shared."""
    share = Share()
    return [row for entity_id, rows in zip(ids, fact_rows, strict=True) for row in evaluator.rows(entity_id, rows, share)]


def _unused(c: Any) -> None:  # durable's own dispatch is never used
    raise EngineError("aksi durable_rules dijalankan di luar LeanEvaluator")


# An entity's outcome as a worker answers it: the mask of the record leaves that held (bit k: the
# k-th of ``OutcomeTree.order``) and each one's matched facts, in that order. The parent keeps it so
# (``DecisionTable.append_outcomes``) and makes the decision rows from it with its own compiled tree
# (``OutcomeTree.rows``) only when they are read.
Outcome = tuple[int, tuple[tuple[str, ...], ...]]
# A clause row to fill in per entity: (node, held, evidence), evidence None for a record leaf that
# held (its matched facts are the entity's own).
_Template = tuple[str, bool, "tuple[str, ...] | None"]
# A rule's decision for one set of leaves that held: rule id, version, tag, given, its clause rows
# (None where a held record leaf's evidence goes) and those places with their leaf.
_Outcome = tuple[str, int, str, bool, "tuple[ClauseRow | None, ...]", tuple[tuple[int, str], ...]]
# The same, as a row's tail after (entity type, entity id, year) — with its clause rows if none is
# filled in — the clause rows and the places to fill in.
_Part = tuple[tuple[Any, ...], "tuple[ClauseRow | None, ...]", tuple[tuple[int, str], ...]]
# What an entity's action keys tell (``OutcomeTree.compact``): the mask, the durable_rules rule of each held
# record leaf in bit order, and those rules once each.
_Shape = tuple[int, tuple[str, ...], frozenset[str]]


class OutcomeTree:
    """The clause results of every rule from the record leaves durable_rules matched, by the compiled
    tree, worked out once per set of leaves that held; the tags they give must be those durable_rules
    gave (it decides them; this is the cross-check). In the parent, the tree of a ``DecisionTable``'s
    compact outcomes: it checks each (``tags_of``), makes an entity's rows when they are read
    (``rows``) and the tags of each mask once (``tag_table``)."""

    def __init__(self, compiled: CompiledRuleset, terms: TermRuleset):
        self.compiled = compiled
        self.year = compiled.year
        self.size = len(compiled.rules)  # rows per entity: one per rule in force
        self.leaves = terms.leaves
        self.not_phases = terms.not_phases
        self.by_stratum = sorted(compiled.rules, key=lambda rule: rule.stratum)
        self.order = tuple(sorted(terms.leaves))  # the same in the workers and the parent: the rules' node ids
        self.shared = terms.shared  # the rule deciding record leaves → those leaves
        self.bit = {leaf: 1 << index for index, leaf in enumerate(self.order)}
        self.at = {1 << index: leaf for index, leaf in enumerate(self.order)}
        self.tag_keys: dict[frozenset[str], frozenset[str]] = {}  # tags → their facts' ids
        # leaf mask → (tags, each rule's outcome as ``_Part``, the leaves of the mask in bit order)
        self.known: dict[int, tuple[frozenset[str], list[_Part], tuple[str, ...]]] = {}
        # the keys an entity's actions gave (leaves and terms' tags) → its mask and held leaves (``compact``)
        self.shapes: dict[frozenset[str], _Shape] = {}
        self.tags_given: dict[int, tuple[TagTriple, ...]] = {}  # leaf mask → the tags it gives (``tag_table``)

    def _known(self, mask: int) -> tuple[frozenset[str], list[_Part], tuple[str, ...]]:
        known = self.known.get(mask)
        if known is None:
            leaves = tuple(leaf for leaf, bit in self.bit.items() if mask & bit)
            tags, rules = self._work_out(frozenset(leaves))
            parts = [((rule_id, version, tag, ok) if fill else (rule_id, version, tag, ok, fixed), fixed, fill)
                     for rule_id, version, tag, ok, fixed, fill in rules]
            known = self.known[mask] = (tags, parts, leaves)
            self.tag_keys.setdefault(tags, frozenset(map(tag_fact_id, tags)))
        return known

    def compact(self, entity_id: str, evidence: dict[str, list[str]]) -> Outcome:
        """The record leaves that held as a mask (bit k: ``order[k]``) and their evidence in that order;
        checked: the tags durable_rules gave are the tree's for those leaves."""
        keys = frozenset(evidence)
        shape = self.shapes.get(keys)
        if shape is None:
            shape = self._shape(entity_id, keys)
        mask, rules, distinct = shape
        found = {rule: tuple(evidence[rule]) for rule in distinct}  # leaves of one pattern: one tuple
        return mask, tuple([found[rule] for rule in rules])

    def _shape(self, entity_id: str, keys: frozenset[str]) -> _Shape:
        """The mask, and the rule deciding each held leaf in bit order, of an entity whose actions ran
        for ``keys`` (the rules of its record leaves and the ``"$t:<tag>"`` keys of its terms), once the
        tags are checked; remembered, so that the check is made once per such set (as few as the masks)."""
        bit, shared = self.bit, self.shared
        rule_of = {leaf: rule for rule in keys if rule in shared for leaf in shared[rule]}
        held = sorted(map(bit.__getitem__, rule_of))
        mask = sum(held)
        tags = self._known(mask)[0]
        if keys - shared.keys() != (self.tag_keys.get(tags) or frozenset(map(tag_fact_id, tags))):
            given = {key[3:] for key in keys if key.startswith("$t:")}
            raise EngineError(f"tag dari durable_rules ({', '.join(sorted(given)) or '-'}) tidak sama dengan pohon "
                              f"klausa ({', '.join(sorted(tags)) or '-'}) untuk {entity_id}")
        rules = tuple(rule_of[self.at[one]] for one in held)
        shape = self.shapes[keys] = (mask, rules, frozenset(rules))
        return shape

    def tags_of(self, entity_id: str, mask: int, found: tuple[tuple[str, ...], ...]) -> frozenset[str]:
        """The tags an entity's compact outcome gives, once it is checked: known leaves only, and
        evidence for each leaf that held (what ``rows`` would refuse)."""
        if mask >> len(self.order):
            raise EngineError(f"daun yang tidak dikenal dalam jawaban untuk {entity_id}")
        tags, _, leaves = self._known(mask)
        if len(found) != len(leaves):
            raise ValueError(f"bukti daun tidak lengkap dalam jawaban untuk {entity_id}")
        return tags

    def tag_table(self) -> dict[int, tuple[TagTriple, ...]]:
        """Every mask met so far → the tags its rows give, as (tag, rule id, year) sorted by tag
        (equal tags in rule order, as tags.csv lists them): worked out once per mask."""
        table = self.tags_given
        for mask, (_, parts, _) in self.known.items():
            if mask not in table:
                given = [(tail[2], tail[0], self.year) for tail, _, _ in parts if tail[3]]
                table[mask] = tuple(sorted(given, key=itemgetter(0)))
        return table

    def rows(self, entity_type: str, entity_id: str, year: int, mask: int, found: tuple[tuple[str, ...], ...],
             share: Share | None = None) -> list[DecisionRow]:
        """The entity's decision rows from its compact outcome (``compact``); equal parts one object
        with ``share`` (rows to pickle), else only the parts equal for every entity."""
        if mask >> len(self.order):
            raise EngineError(f"daun yang tidak dikenal dalam jawaban untuk {entity_id}")
        _, parts, leaves = self._known(mask)
        evidence = dict(zip(leaves, found, strict=True))
        head = (entity_type, entity_id, year)
        rows = []
        for tail, fixed, fill in parts:
            if fill:  # the clause rows are the same for every entity but the evidence of held record leaves
                clauses = list(fixed)
                for position, node in fill:
                    clauses[position] = (node, True, evidence[node]) if share is None else \
                        share.clause(node, True, evidence[node])
                clauses = tuple(clauses)  # type: ignore[assignment]
                rows.append(head + tail + (clauses if share is None else share.one(clauses),))
            else:
                rows.append(head + tail)
        return rows

    def _work_out(self, leaves: frozenset[str]) -> tuple[frozenset[str], list[_Outcome]]:
        """Every node's result as the clause-level ruleset records it: a leaf its matched facts, an
        all/any node its children that held, a not node the phase fact it was decided at."""
        tags: set[str] = set()
        by_rule = {}
        for compiled in self.by_stratum:
            held: dict[str, bool] = {}
            templates: list[_Template] = []
            for node_id, node in compiled.nodes.items():  # children come before their parents
                found: tuple[str, ...] | None = ()
                if node.kind == "leaf":
                    assert node.leaf is not None
                    if node.leaf.tag is not None:
                        ok = node.leaf.tag in tags
                        found = (tag_fact_id(node.leaf.tag),) if ok else ()
                    else:
                        ok = node_id in leaves
                        found = None if ok else ()
                elif node.kind == "not":
                    ok = not held[node.children[0]]
                    found = (f"$p:{self.not_phases[node_id]}",) if ok else ()
                else:
                    ok = (all if node.kind == "all" else any)(held[child] for child in node.children)
                    found = tuple(clause_fact_id(child) for child in node.children if held[child]) if ok else ()
                held[node_id] = ok
                templates.append((node_id, ok, found))
            if held[compiled.root]:
                tags.add(compiled.rule.tag)
            fixed = tuple(None if found is None else Share.common.setdefault((node, ok, found), (node, ok, found))
                          for node, ok, found in templates)
            fill = tuple((position, node) for position, (node, _, found) in enumerate(templates) if found is None)
            if not fill:  # equal clause lists of different sets of leaves are one object too
                fixed = Share.common_lists.setdefault(fixed, fixed)
            by_rule[compiled.rule.id] = (compiled.rule.id, compiled.version.version, compiled.rule.tag,
                                         held[compiled.root], fixed, fill)
        return frozenset(tags), [by_rule[compiled.rule.id] for compiled in self.compiled.rules]
