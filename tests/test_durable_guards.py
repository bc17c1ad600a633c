"""Each known durable_rules trap (../shared/notes/durable_rules.md, plus one found here) is
reproduced on the raw engine and shown to be caught by its guard."""

import itertools
import json
import subprocess
import sys
import threading

import durable_rules_engine
import pytest
from durable import engine as durable

from engine.durable_host import (EngineError, GuardedRuleset, IdHashes, QuietHost, check_hashes, check_message,
                                 fnv1a_32, hash_ids)
from engine.evaluate import Evaluator
from engine.facts import EntityFacts, to_fact_row
from engine.ingest.tables import Diklat, Koperasi, Rat
from engine.lean_evaluate import LeanEvaluator
from engine.rules.compiler import MAX_FACTS, NO_STATE, SESSION_INIT, SINK, WIDTH, compile_ruleset
from engine.rules.load import load_rulebook
from tests.support import RULES

NS = {"$nex": {"$s": 1}}


@pytest.fixture(scope="module")
def book():
    return load_rulebook(RULES)


def raw_ruleset(definition, actions):
    """A quiet host with the given rules plus session-init, drained like GuardedRuleset."""
    rules = {SESSION_INIT: {"all": [{"s": {"$and": [{"$s": 1}, {"$nex": {"init": 1}}]}}], "pri": 0, "run": SESSION_INIT}}
    rules.update(definition)
    return GuardedRuleset(rules, {SESSION_INIT: lambda matched, emit: None, **actions})


def recorder(log, name, fact=None):
    def act(matched, emit):
        log.append(name)
        if fact:
            emit(dict(fact))
    return act


def durable_recorder(log, name):
    """An action in durable's own form (a closure ``c``), for the raw host."""
    return lambda c: log.append(name)


def koperasi_entity(*rat_dates):
    record = Koperasi(row=2, nik="3578000000000001", nama="A", kode_wilayah="35.78", tanggal_badan_hukum="2010-01-01")
    facts = [to_fact_row(record)] + [
        to_fact_row(Rat(row=10 + index, nik=record.nik, tanggal_rat=day)) for index, day in enumerate(rat_dates)
    ]
    return EntityFacts("koperasi", record.nik, record, facts)


# Trap 1: the background dispatcher.
def test_quiet_host_starts_no_dispatcher_thread():
    before = {thread.ident for thread in threading.enumerate()}
    QuietHost({})
    started = [t for t in threading.enumerate() if t.ident not in before and isinstance(t, threading.Timer)]
    assert started == []


def test_a_large_batch_is_processed_completely_on_the_calling_thread():
    log = []
    ruleset = raw_ruleset(
        {"count": {"all": [{"m": {"$and": [{"t": "x"}, NS]}}], "pri": 1, "run": "count"}},
        {"count": recorder(log, "x")},
    )
    ruleset.run("s1", [{"t": "x", "id": f"x:{index}"} for index in range(20000)])
    assert len(log) == 20000


# Trap 2: the state fact re-fires a rule that could match it.
def test_every_compiled_condition_excludes_the_state_fact(book):
    compiled = compile_ruleset(book, "koperasi", 2024)
    for name, rule in compiled.definition.items():
        if name == SESSION_INIT:
            continue
        patterns = rule.get("all") or rule.get("any")
        for pattern in patterns:
            (condition,) = pattern.values()
            assert NO_STATE in condition["$and"], (name, condition)


# Trap 3: a message durable_rules cannot parse silently ends a batch.
def _message(properties: int, fact_id: str, sid: str | None = "1") -> dict:
    """A fact of exactly ``properties`` properties, its ``t``, ``id`` and (if given) ``sid`` included."""
    fact = {"t": "x", "id": fact_id, **({"sid": sid} if sid else {})}
    return {**fact, **{f"f{index}": index for index in range(properties - len(fact))}}


@pytest.mark.parametrize("properties, stored", [(254, ["a", "big", "b"]), (255, ["a"])])
def test_durable_silently_truncates_a_batch_at_255_properties(properties, stored):
    log = []
    host = QuietHost({"seen": lambda c: log.append(c.m["id"])})
    host.set_rulesets({"t3": {"seen": {"all": [{"m": {"$and": [{"t": "x"}, NS]}}], "run": "seen"}}})
    batch = [{"t": "x", "id": "a", "sid": "1"}, _message(properties, "big"), {"t": "x", "id": "b", "sid": "1"}]
    host.assert_facts("t3", batch)  # returns normally in both cases: that is the trap
    assert sorted(log) == sorted(stored)


def test_the_guard_counts_the_sid_it_adds_at_the_exact_boundary():
    check_message(_message(254, "big"))
    check_message(_message(253, "big", sid=None))  # 254 once run() adds the sid
    with pytest.raises(EngineError, match="255 properti termasuk sid"):
        check_message(_message(254, "big", sid=None))
    with pytest.raises(EngineError, match="255 properti termasuk sid"):
        check_message(_message(255, "big"))


def test_a_fact_at_the_boundary_runs_with_the_rest_of_its_batch():
    log = []
    ruleset = raw_ruleset({"seen": {"all": [{"m": {"$and": [{"t": "x"}, NS]}}], "pri": 1, "run": "seen"}},
                          {"seen": lambda matched, emit: log.append(matched["m"]["id"])})
    ruleset.run("s1", [{"t": "x", "id": "a"}, _message(253, "big", sid=None), {"t": "x", "id": "b"}])
    assert sorted(log) == ["a", "b", "big"]
    with pytest.raises(EngineError, match="properti"):
        ruleset.run("s2", [{"t": "x", "id": "a"}, _message(254, "big", sid=None), {"t": "x", "id": "b"}])


def test_oversized_or_non_finite_facts_are_refused_before_asserting():
    with pytest.raises(EngineError, match="properti"):
        check_message({"t": "x", "id": "big", **{f"f{index}": index for index in range(300)}})
    with pytest.raises(EngineError, match="properti"):
        check_message({"t": "x", "id": "nested", "n": {f"f{index}": index for index in range(260)}})
    with pytest.raises(EngineError, match="tak hingga"):
        check_message({"t": "x", "id": "inf", "v": float("inf")})
    with pytest.raises(EngineError, match="tak hingga"):
        check_message({"t": "x", "id": "nan", "n": {"v": float("nan")}})


# Trap 4: a fact matching no condition is refused and not stored.
def test_without_a_sink_an_unmatched_fact_is_refused():
    host = QuietHost({"a": lambda c: None})
    host.set_rulesets({"t4": {"a": {"all": [{"m": {"$and": [{"t": "a"}, NS]}}], "run": "a"}}})
    with pytest.raises(durable.MessageNotHandledException):
        host.assert_fact("t4", {"t": "unknown", "id": "u", "sid": "1"})


def test_the_sink_keeps_every_fact_of_an_entity(book):
    evaluator = Evaluator(book, "koperasi", 2024)
    entity = koperasi_entity("1999-01-01")  # matches no rule of year 2024
    compiled = evaluator.compiled
    assert SINK in compiled.definition
    stored = evaluator._ruleset.run("sink-test", entity.facts)
    assert {fact["id"] for fact in stored if fact.get("t") == "rat"} == {"rat:10"}


# Traps 5 and 6: 1024 sessions per ruleset; delete_state of a session that never ran an action.
def test_more_than_1024_entities_on_one_ruleset(book):
    evaluator = Evaluator(book, "peserta_diklat", 2024)
    for index in range(1100):
        record = Diklat(row=index + 2, id_peserta=f"P-{index}", tahun=2020, skor="50")  # no rule fires
        evaluator.evaluate(EntityFacts("peserta_diklat", record.id_peserta, record, [to_fact_row(record)]))
    assert evaluator._ruleset.live_sessions == 0


# Trap 7: 32-bit id hashes.
def colliding_ids():
    seen = {}
    for index in itertools.count():
        text = f"rat:{index}"
        other = seen.setdefault(fnv1a_32(text), text)
        if other != text:
            return other, text


def test_durable_takes_two_ids_with_equal_hashes_as_one():
    first, second = colliding_ids()
    assert first != second and fnv1a_32(first) == fnv1a_32(second)
    host = QuietHost({"a": lambda c: None})
    host.set_rulesets({"t7": {"a": {"all": [{"m": {"$and": [{"t": "rat"}, NS]}}], "run": "a"}}})
    host.assert_fact("t7", {"t": "rat", "id": first, "sid": "1"})
    with pytest.raises(durable.MessageObservedException):
        host.assert_fact("t7", {"t": "rat", "id": second, "sid": "1"})


def test_colliding_ids_are_refused_before_asserting():
    with pytest.raises(EngineError, match="hash"):
        check_hashes(colliding_ids())


def test_id_hashes_by_prefix_are_durables_hashes_and_refuse_the_same_collisions():
    hashes = IdHashes(hash_ids(["$t:aktif", "$p:0"]))
    for text in ["rat:1", "rat:12", "rat:123456", "koperasi:7", "x", "", "ék:9", "pembiayaan:99999"]:
        assert hashes.of(text) == fnv1a_32(text)
    hashes.check(["rat:1", "rat:2"])
    with pytest.raises(EngineError, match="hash"):
        hashes.check(colliding_ids())
    with pytest.raises(EngineError, match="hash"):  # against a derived id as well
        IdHashes(hash_ids([colliding_ids()[0]])).check([colliding_ids()[1]])


def test_fact_ids_are_checked_against_the_derived_ids_given():
    first, second = colliding_ids()
    assert hash_ids([first]) == {fnv1a_32(first): first}  # was {}: nothing was checked against derived ids
    with pytest.raises(EngineError, match="hash"):
        check_hashes([second], hash_ids([first]))


# Trap 8: an exception in an action is swallowed into the state.
def test_durable_swallows_an_action_exception_into_the_state():
    def broken(c):
        raise RuntimeError("rusak")

    host = QuietHost({"b": broken})
    host.set_rulesets({"t8": {"b": {"all": [{"m": {"$and": [{"t": "x"}, NS]}}], "run": "b"}}})
    host.assert_fact("t8", {"t": "x", "id": "x:1", "sid": "1"})  # returns normally: the trap
    assert "rusak" in host.get_state("t8", "1")["exception"]


def test_an_action_exception_stops_the_run():
    def broken(matched, emit):
        raise RuntimeError("rusak")

    ruleset = raw_ruleset({"b": {"all": [{"m": {"$and": [{"t": "x"}, NS]}}], "pri": 1, "run": "b"}}, {"b": broken})
    with pytest.raises(EngineError, match="rusak"):
        ruleset.run("s1", [{"t": "x", "id": "x:1"}])


# Trap 9: identical rows get distinct ids (table and row), so both are kept as evidence.
def test_identical_rows_are_both_evidence(book):
    evaluator = Evaluator(book, "koperasi", 2024)
    decisions = evaluator.evaluate(koperasi_entity("2024-03-01", "2024-03-01"))
    aktif = next(decision for decision in decisions if decision.tag == "aktif_22_2007")
    assert sorted(aktif.clause("koperasi_aktif_22_2007.rat_tahun_n").evidence) == ["rat:10", "rat:11"]


# Found here: a fact that retracts one pending negation drops every pending action of the session.
def negation_ruleset(log):
    rules = {
        "make_b": {"all": [{"m": {"$and": [{"t": "ent"}, NS]}}], "pri": 1, "run": "make_b"},
        "not_a": {"all": [{"e": {"$and": [{"t": "ent"}, NS]}}, {"x$not": {"$and": [{"t": "c"}, {"node": "a"}, NS]}}],
                  "pri": 5, "run": "not_a"},
        "not_b": {"all": [{"e": {"$and": [{"t": "ent"}, NS]}}, {"x$not": {"$and": [{"t": "c"}, {"node": "b"}, NS]}}],
                  "pri": 5, "run": "not_b"},
        "plain": {"all": [{"m": {"$and": [{"t": "ent"}, NS]}}], "pri": 5, "run": "plain"},
    }
    actions = {name: recorder(log, name) for name in rules}
    actions["make_b"] = recorder(log, "make_b", {"t": "c", "node": "b", "id": "c:b"})
    return raw_ruleset(rules, actions)


def test_durable_drops_pending_actions_when_a_negation_is_retracted():
    log = []
    negation_ruleset(log).run("s1", [{"t": "ent", "id": "e"}])
    assert log == ["make_b"]  # not_a and plain should have run too: that is the trap


def test_negations_are_gated_by_phases_so_nothing_is_dropped(book):
    evaluator = Evaluator(book, "koperasi", 2024)
    assert evaluator.compiled.phases
    for name, rule in evaluator.compiled.definition.items():
        if any(alias.endswith("$not") for pattern in rule.get("all", []) for alias in pattern):
            assert rule["all"][0]["p"]["$and"][0] == {"t": "$phase"}, name
    decisions = evaluator.evaluate(koperasi_entity())  # no RAT, no business: tidak aktif by two negations
    tidak_aktif = next(d for d in decisions if d.tag == "tidak_aktif_25_2015")
    assert tidak_aktif.given
    assert tidak_aktif.clause("koperasi_tidak_aktif_25_2015.tanpa_rat").held
    assert tidak_aktif.clause("koperasi_tidak_aktif_25_2015.tanpa_usaha").held


def test_definitions_survive_registration_unchanged(book):
    compiled = compile_ruleset(book, "koperasi", 2024)
    snapshot = json.dumps(compiled.definition, sort_keys=True)
    Evaluator(book, "koperasi", 2024)
    assert json.dumps(compiled.definition, sort_keys=True) == snapshot


def test_only_facts_no_leaf_can_match_are_left_out_of_a_session(book):
    compiled = compile_ruleset(book, "koperasi", 2024)
    assert compiled.relevant({"t": "rat", "tahun_rat": 2022})
    assert not compiled.relevant({"t": "rat", "tahun_rat": 2021})
    assert not compiled.relevant({"t": "kinerja_koperasi", "tahun": 2023})
    assert compiled.relevant({"t": "kinerja_koperasi", "tahun": 2024})
    assert compiled.relevant({"t": "koperasi"})


def test_leaving_out_old_history_changes_no_decision(book):
    evaluator = Evaluator(book, "koperasi", 2024)
    with_history = evaluator.evaluate(koperasi_entity("2016-03-01", "2019-03-01", "2023-03-01", "2024-03-01"))
    without = evaluator.evaluate(koperasi_entity("2023-03-01", "2024-03-01"))
    assert [(d.tag, d.given) for d in with_history] == [(d.tag, d.given) for d in without]


# Trap (measured here): at most 16 facts in one rule's match (MAX_MESSAGE_FRAMES in state.h).
_WIDE_PROBE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a runaway match fails, not the machine
import durable_rules_engine
from engine.durable_host import QuietHost
for width in (16, 17):
    host = QuietHost({"wide": lambda c: None})
    clause = lambda i: {"$and": [{"t": "$clause"}, {"node": f"x{i}"}, {"$nex": {"$s": 1}}]}
    host.set_rulesets({f"w{width}": {"wide": {"all": [{f"c{i}": clause(i)} for i in range(width)], "run": "wide"}}})
    facts = [{"t": "$clause", "node": f"x{i}", "id": f"f{i}", "sid": "1"} for i in range(width)]
    try:
        durable_rules_engine.assert_facts(host.get_ruleset(f"w{width}")._handle, json.dumps(facts))
        print(width, "ok")
    except Exception as error:
        print(width, error)
"""


def test_durable_fails_on_a_rule_matching_more_than_16_facts():
    """Measured in a subprocess with a memory limit (durable_rules may abort the process)."""
    result = subprocess.run([sys.executable, "-c", _WIDE_PROBE], capture_output=True, text=True, timeout=60,
                            cwd=RULES.parent)
    assert result.stdout.splitlines() == ["16 ok", "17 Could not assert facts, error code: 304"], result.stderr
    assert WIDTH <= MAX_FACTS == 16


def test_a_definition_durable_rules_refuses_is_an_engine_error_not_a_traceback():
    """A list where a number belongs: durable_rules' error 102 at registration."""
    with pytest.raises(EngineError, match="durable_rules menolak aturan yang dikompilasi: .*error code: 102"):
        GuardedRuleset({"r": {"all": [{"m": {"$and": [{"$gte": {"x": [1]}}, NS]}}], "run": "r"}},
                       {"r": lambda matched, emit: None})


# Found with the reused session (engine/lean_evaluate.py): retracting a fact that a negation refers
# to, while the negation's phase fact is still there, makes the negation hold and fire.
def _negation_host(name):
    rules = {"not_c": {"all": [{"p": {"$and": [{"t": "$phase"}, NS]}}, {"x$not": {"$and": [{"t": "c"}, NS]}}],
                       "pri": 1, "run": "not_c"}}
    host = QuietHost({"not_c": lambda c: None})
    host.set_rulesets({name: rules})
    handle = host.get_ruleset(name)._handle
    durable_rules_engine.assert_fact(handle, '{"t":"c","id":"c1","sid":"1"}')
    durable_rules_engine.assert_fact(handle, '{"t":"$phase","id":"p","sid":"1"}')
    assert durable_rules_engine.start_action(handle) is None  # c is there: the negation does not hold
    return durable_rules_engine, handle


def test_retracting_a_negated_fact_before_its_phase_fires_the_negation():
    engine, handle = _negation_host("retract_c_first")
    engine.retract_fact(handle, '{"id":"c1","sid":"1"}')
    assert "not_c" in engine.start_action(handle)[1]  # the trap: a stray firing into the next entity


def test_retracting_the_phase_first_fires_nothing():
    engine, handle = _negation_host("retract_phase_first")
    engine.retract_fact(handle, '{"id":"p","sid":"1"}')
    engine.retract_fact(handle, '{"id":"c1","sid":"1"}')
    assert engine.start_action(handle) is None


# Trap 16 (found batching stratum 0's phase fact with an entity's facts): in one assert_facts batch, a
# negation that matched when the phase fact came is not withdrawn by a negated fact later in the batch.
@pytest.mark.parametrize("order,fires", [("kcp", False), ("pkc", True), ("kpc", True)])
def test_a_negation_matched_in_a_batch_ignores_the_later_facts_of_the_batch(order, fires):
    rule = {"all": [{"m0": {"$and": [{"t": "k"}, NS]}}, {"p": {"$and": [{"t": "$phase"}, NS]}},
                    {"x0$not": {"$and": [{"t": "c"}, NS]}}], "pri": 1, "dist": 0, "run": "term"}
    host = QuietHost({"term": lambda c: None})
    host.set_rulesets({f"batch_{order}": {"term": rule}})
    handle = host.get_ruleset(f"batch_{order}")._handle
    facts = {"k": '{"t":"k","id":"k1","sid":"1"}', "c": '{"t":"c","id":"c1","sid":"1"}',
             "p": '{"t":"$phase","id":"p","sid":"1"}'}
    state = durable_rules_engine.assert_facts(handle, "[" + ",".join(facts[name] for name in order) + "]")[1]
    started = durable_rules_engine.start_action_for_state(handle, state) or durable_rules_engine.start_action(handle)
    assert bool(started) is fires  # only with the phase fact last is c seen: the lean path puts it last


def _recorded(monkeypatch, name):
    """The JSON texts given to ``durable_rules_engine.<name>`` from now on, parsed, as the test goes."""
    texts = []
    call = getattr(durable_rules_engine, name)
    monkeypatch.setattr(durable_rules_engine, name, lambda handle, text: texts.append(json.loads(text)) or call(handle, text))
    return texts


def test_the_phase_fact_of_stratum_0_closes_the_batch_of_facts(book, monkeypatch):
    batches = _recorded(monkeypatch, "assert_facts")
    lean = LeanEvaluator(book, "koperasi", 2024)
    assert lean._tree is not None and lean.compiled.terms.batched_phase is not None
    lean.evaluate(koperasi_entity("2024-03-01"))
    (batch,) = batches
    assert batch[-1]["t"] == "$phase" and not any(fact["t"] == "$phase" for fact in batch[:-1])


# Trap 17 (found chasing the segmentation faults of 2 December): a finished action's frame is freed
# but stays linked from the facts it matched, still marked as dispatching. Retracting two of those
# facts makes durable_rules read and write past the frame (bench/durable_overrun.py shows it on a
# checked build); in a normal build the damage is silent until a later crash. What a normal build
# shows is the link itself: once the freed frame is reused, retracting an old fact deletes the new
# match.
def _finished_pair(name):
    host = QuietHost({"pair": lambda c: None})
    host.set_rulesets({name: {"pair": {"all": [{"a": {"$and": [{"t": "a"}, NS]}}, {"b": {"$and": [{"t": "b"}, NS]}}],
                                       "run": "pair"}}})
    handle = host.get_ruleset(name)._handle
    durable_rules_engine.assert_facts(handle, '[{"t":"a","id":"a1","sid":"1"},{"t":"b","id":"b1","sid":"1"}]')
    started = durable_rules_engine.start_action(handle)
    assert durable_rules_engine.complete_and_start_action(handle, started[2]) is None  # the action has finished
    durable_rules_engine.assert_fact(handle, '{"t":"b","id":"b2","sid":"1"}')  # a new match (a1, b2) reuses its frame
    return handle


def test_a_finished_action_stays_linked_from_its_facts():
    handle = _finished_pair("finished_kept")
    assert '"b2"' in durable_rules_engine.start_action(handle)[1]
    handle = _finished_pair("finished_retracted")
    durable_rules_engine.retract_fact(handle, '{"id":"b1","sid":"1"}')  # b1 is not in the new match
    assert durable_rules_engine.start_action(handle) is None  # the trap: (a1, b2) was deleted with it


def test_the_lean_path_deletes_each_entitys_session_and_retracts_nothing(book, monkeypatch):
    for name in ("retract_fact", "retract_facts"):
        monkeypatch.setattr(durable_rules_engine, name, lambda *args: pytest.fail("fakta ditarik (jebakan 17)"))
    deleted = []
    delete_state = durable_rules_engine.delete_state
    monkeypatch.setattr(durable_rules_engine, "delete_state", lambda handle, sid: deleted.append(sid) or delete_state(handle, sid))
    lean = LeanEvaluator(book, "koperasi", 2024)
    without_rat, with_rat = koperasi_entity(), koperasi_entity("2022-03-01", "2023-03-01", "2024-03-01")
    entities = (without_rat, with_rat, without_rat, with_rat)  # negations hold, then not, then hold again
    for entity in entities:
        assert lean.evaluate(entity) == LeanEvaluator(book, "koperasi", 2024).evaluate(entity)
    assert next(d for d in lean.evaluate(without_rat) if d.tag == "tidak_aktif_25_2015").given
    assert len(deleted) == 2 * len(entities) + 1  # one session per entity, each evaluator's and the fresh ones'


# Found with one durable_rules rule per DNF term (compiler._term_rule): by default a match takes
# distinct facts, so one fact cannot bind two aliases, and a negation does not see the fact another
# alias matched. "dist": 0 on the rule makes both right; every term rule carries it.
_ROW = '{"t":"k","id":"k1","x":1,"y":1,"sid":"1"}'
_TWO_ALIASES = [{"a": {"$and": [{"t": "k"}, {"$gte": {"x": 1}}, NS]}}, {"b": {"$and": [{"t": "k"}, {"$gte": {"y": 1}}, NS]}}]
_NEGATION = [{"a": {"$and": [{"t": "k"}, {"$gte": {"x": 1}}, NS]}}, {"p": {"$and": [{"t": "$phase"}, NS]}},
             {"b$not": {"$and": [{"t": "k"}, {"$gte": {"y": 1}}, NS]}}]


def _fires(name, rule, facts):
    host = QuietHost({"r": lambda c: None})
    host.set_rulesets({name: {"r": {**rule, "run": "r"}}})
    handle = host.get_ruleset(name)._handle
    durable_rules_engine.assert_facts(handle, "[" + ",".join(facts) + "]")
    return durable_rules_engine.start_action(handle) is not None


def test_by_default_one_fact_cannot_bind_two_aliases():
    assert not _fires("two_distinct", {"all": _TWO_ALIASES}, [_ROW])  # the trap: the row satisfies both
    assert _fires("two_dist0", {"all": _TWO_ALIASES, "dist": 0}, [_ROW])


def test_by_default_a_negation_ignores_the_fact_another_alias_matched():
    phase = '{"t":"$phase","id":"p","sid":"1"}'
    assert _fires("neg_distinct", {"all": _NEGATION}, [_ROW, phase])  # the trap: the row makes the negation fail
    assert not _fires("neg_dist0", {"all": _NEGATION, "dist": 0}, [_ROW, phase])


def test_every_term_rule_takes_dist_0(book):
    for entity_type in ("koperasi", "ukm", "peserta_diklat"):
        terms = compile_ruleset(book, entity_type, 2024).terms
        assert terms is not None and (terms.terms or terms.tagging)
        assert all(terms.definition[name]["dist"] == 0 for name in terms.terms)


def test_with_dist_0_an_implied_alias_changes_no_match():
    """compiler._term_rule leaves out an alias whose conditions another alias's include: with "dist" 0 the
    rule fires for exactly the same facts without it (one fact may bind both)."""
    implied = {"a": {"$and": [{"t": "k"}, {"$gte": {"x": 1}}, NS]}}
    implying = {"b": {"$and": [{"t": "k"}, {"$gte": {"x": 1}}, {"$gte": {"y": 1}}, NS]}}
    rows = {"x only": '{"t":"k","id":"k2","x":1,"sid":"1"}', "both": _ROW,
            "none": '{"t":"k","id":"k3","x":0,"y":0,"sid":"1"}'}
    for number, chosen in enumerate(itertools.chain.from_iterable(
            itertools.combinations(rows, size) for size in (1, 2, 3))):
        facts = [rows[name] for name in chosen]
        both = _fires(f"implied_{number}", {"all": [implied, implying], "dist": 0}, facts)
        assert both == _fires(f"implying_{number}", {"all": [implying], "dist": 0}, facts) == ("both" in chosen)
