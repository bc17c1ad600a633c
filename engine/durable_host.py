"""A durable_rules host that cannot lose messages silently.

durable_rules 2.0.28 has known traps (../shared/notes/durable_rules.md); each has a guard here:

1. dispatcher race — ``QuietHost`` starts no timer thread; ``GuardedRuleset.run`` drains explicitly.
2. state-fact loop — the compiler adds ``$nex $s`` to every condition (compiler.NO_STATE).
3. silent batch truncation — ``check_message`` refuses non-finite numbers and ≥ 255 properties
   counting the ``sid`` added to every fact.
4. unhandled/observed messages — every fact matches the sink rule; any refusal is an error.
   (13.) a retracted negation drops every pending action — negations wait for phase facts
   (compiler.PHASE) asserted by ``run`` one at a time after draining.
5. 1024 sessions per ruleset — one live session at a time, deleted after use.
6. delete_state segfault — a session-init rule runs in every session before it is deleted.
7. 32-bit id hashes — ``check_hashes`` refuses two ids of one session with the same FNV-1a hash.
8. swallowed action exceptions — actions run in our own loop, where an exception surfaces.
9. content-hash ids — every fact carries its own unique id (table and row).
12. one ruleset name per host — each ``GuardedRuleset`` has its own host, names are unique.
(14.) retracting a negated fact while its phase fact is there fires the negation — and
(17.) retracting two facts that one finished action matched reads and writes past that action's frame
   (heap damage, a segmentation fault later; bench/durable_overrun.py) — facts are never retracted:
   ``lean_evaluate`` deletes each entity's session, as ``run`` here does.
(15.) a match takes distinct facts by default: one fact cannot bind two aliases, and a negation
   ignores the fact another alias matched — every DNF term rule carries ``"dist": 0`` (compiler).
(16.) in one ``assert_facts`` batch, a negation matched when its phase fact came is not withdrawn by a
   negated fact later in the batch — only stratum 0's phase fact is batched, and always last (compiler,
   ``TermRuleset.batched_phase``).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable
from typing import Any

import durable_rules_engine
from durable import engine as durable

MAX_PROPERTIES = 254  # per message, sid included: 255 is dropped with the rest of the batch (measured)
_names = itertools.count(1)


class EngineError(Exception):
    """durable_rules lost, refused or failed on a message: the run must stop, not guess."""


class QuietHost(durable.Host):
    """A host without the background dispatcher: actions run only when we drain (trap 1)."""

    def __init__(self, actions: dict[str, Callable[[Any], None]]):
        self._named_actions = actions
        super().__init__()

    def _run(self) -> None:
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._named_actions[action_name]


FNV_START = 0x811C9DC5


def fnv1a_32(text: str, value: int = FNV_START) -> int:
    """durable_rules' id hash: FNV-1a over the bytes as signed chars (state.c, fnv1Hash32);
    ``value``: the state after the text's prefix, to hash only the rest."""
    for byte in text.encode("utf-8"):
        value ^= byte if byte < 128 else (byte - 256) & 0xFFFFFFFF
        value = (value * 16777619) & 0xFFFFFFFF
    return value


def _count_properties(value: Any) -> int:
    if isinstance(value, dict):
        return sum(1 + _count_properties(item) for item in value.values())
    return 0


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, list):
        return all(_finite(item) for item in value)
    return True


def check_message(fact: dict[str, Any]) -> None:
    """Refuse what durable_rules would silently drop from a batch (trap 3). ``sid`` is counted
    even when it is not set yet: ``GuardedRuleset.run`` adds it to every fact before asserting,
    and a message of 255 properties with it is dropped with the rest of its batch."""
    if "$s" in fact:
        raise EngineError(f"fakta {fact.get('id')} memakai kolom khusus $s")
    flat = not any(isinstance(value, (dict, list)) for value in fact.values())  # the common case
    properties = (len(fact) if flat else _count_properties(fact)) + ("sid" not in fact)
    if properties > MAX_PROPERTIES:
        raise EngineError(f"fakta {fact.get('id')} punya {properties} properti termasuk sid; durable_rules menerima "
                          f"paling banyak {MAX_PROPERTIES}")
    finite = all(math.isfinite(value) for value in fact.values() if isinstance(value, float)) if flat else _finite(fact)
    if not finite:
        raise EngineError(f"fakta {fact.get('id')} memuat angka tak hingga atau NaN")


def _collision(fact_id: str, other: str) -> EngineError:
    return EngineError(f"id fakta '{fact_id}' dan '{other}' bertabrakan pada hash 32-bit durable_rules")


def hash_ids(ids: Iterable[str]) -> dict[int, str]:
    """The 32-bit hashes of ids that must not collide with each other (trap 7)."""
    # Filled here: ``check_hashes`` works on a copy of what it is given (an empty dict came back, so
    # that the entities' ids were never checked against the derived ones).
    seen: dict[int, str] = {}
    for fact_id in ids:
        other = seen.setdefault(fnv1a_32(fact_id), fact_id)
        if other != fact_id:
            raise _collision(fact_id, other)
    return seen


def check_hashes(ids: Iterable[str], seen: dict[int, str] | None = None) -> None:
    """Two ids of one session with equal 32-bit hashes would be taken as one (trap 7).

    ``seen`` holds hashes already known to be distinct (the derived ids, the same in every
    session), so that only the entity's own fact ids are hashed per session.
    """
    IdHashes(seen or {}).check(ids)


class IdHashes:
    """``check_hashes`` for one entity's fact ids at a time, against ids known to be distinct, at a
    fraction of its cost: fact ids (``rat:81234``) share all but their last characters with many
    others, so the hash state after that prefix is kept (a few per hundred rows) and only the last
    two characters are hashed per id. Same hashes, same refusal (trap 7)."""

    KEEP = 200_000  # prefixes remembered at most (then forgotten all at once: memory stays bounded)

    def __init__(self, derived: dict[int, str]):
        self.derived = derived
        self._states: dict[str, int] = {}

    def of(self, fact_id: str) -> int:
        head = fact_id[:-2]
        state = self._states.get(head)
        if state is None:
            if len(self._states) >= self.KEEP:
                self._states.clear()
            state = self._states[head] = fnv1a_32(head)
        return fnv1a_32(fact_id[-2:], state)

    def check(self, ids: Iterable[str]) -> None:
        derived, states = self.derived, self._states
        mine: dict[int, str] = {}
        for fact_id in ids:
            tail = fact_id[-2:]
            value = states.get(fact_id[:-2])
            if value is not None and len(tail) == 2 and tail.isascii():  # ``of``, unrolled: the common case
                value = ((value ^ ord(tail[0])) * 16777619) & 0xFFFFFFFF
                value = ((value ^ ord(tail[1])) * 16777619) & 0xFFFFFFFF
            else:
                value = self.of(fact_id)
            other = derived.get(value) or mine.setdefault(value, fact_id)
            if other != fact_id:
                raise _collision(fact_id, other)


Emit = Callable[[dict[str, Any]], None]
# An action gets the facts its rule matched ({alias: fact}) and a function to assert new facts.
Action = Callable[[dict[str, Any], Emit], None]
_NOT_HANDLED, _OBSERVED = 1, 2


def checked(result: Any, what: str) -> Any:
    """durable_rules answers (code, value); codes 1 and 2 mean a fact was refused (trap 4)."""
    if result.__class__ is tuple and result and result[0] == 0:  # the usual answer, first: asked once per assert
        return result[1]
    if isinstance(result, (list, tuple)) and result and result[0] in (_NOT_HANDLED, _OBSERVED):
        reason = "tidak cocok dengan aturan mana pun" if result[0] == _NOT_HANDLED else "id-nya sudah ada"
        raise EngineError(f"durable_rules menolak {what}: {reason}")
    return result[1] if isinstance(result, (list, tuple)) else result


class GuardedRuleset:
    """One ruleset on its own quiet host, run one session (one entity) at a time.

    The C engine (durable_rules_engine) does the matching, the agenda and the forward chaining;
    this class replaces only durable's Python dispatch glue with a loop that runs every action
    on the calling thread, lets an action's exception surface (trap 8) and keeps no state
    besides the session-init flag (trap 6). It is several times faster than ``Closure``.
    """

    def __init__(self, definition: dict[str, Any], actions: dict[str, Action], prefix: str = "iku"):
        self.name = f"{prefix}_{next(_names)}"
        self._actions = actions
        self.host = QuietHost({name: _unused for name in actions})
        # durable_rules deletes the "run" keys from the definition it is given.
        try:
            self.host.set_rulesets({self.name: json.loads(json.dumps(definition))})
        except durable_rules_engine.error as error:  # e.g. 102: a value durable_rules cannot compare
            raise EngineError(f"durable_rules menolak aturan yang dikompilasi: {error}") from None
        self._handle = self.host.get_ruleset(self.name)._handle
        self.live_sessions = 0
        self._derived_key: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._derived: dict[int, str] = {}

    def run(
        self, sid: str, facts: list[dict[str, Any]], derived_ids: Iterable[str] = (),
        phases: Iterable[dict[str, Any]] = (),
    ) -> list[dict[str, Any]]:
        """Assert one entity's facts and run every action; then each phase fact in turn, each
        after the session is drained; return the session's facts and delete the session."""
        if self.live_sessions:
            raise EngineError("sesi sebelumnya belum dihapus")  # trap 5
        phases = [dict(phase) for phase in phases]
        for fact in [*facts, *phases]:
            check_message(fact)
            fact["sid"] = sid
        check_hashes([fact["id"] for fact in facts], self._derived_hashes(derived_ids, phases))
        self.live_sessions = 1
        try:
            self._assert_and_run(facts, sid)
            for phase in phases:
                self._assert_and_run([phase], sid)
            self._drain(sid)
            return json.loads(durable_rules_engine.get_facts(self._handle, sid))
        finally:
            durable_rules_engine.delete_state(self._handle, sid)
            self.live_sessions = 0

    def _derived_hashes(self, derived_ids: Iterable[str], phases: list[dict[str, Any]]) -> dict[int, str]:
        key = (tuple(derived_ids), tuple(phase["id"] for phase in phases))
        if self._derived_key != key:
            self._derived_key, self._derived = key, hash_ids([*key[0], *key[1]])
        return self._derived

    def _assert_and_run(self, facts: list[dict[str, Any]], sid: str) -> None:
        state = checked(durable_rules_engine.assert_facts(self._handle, json.dumps(facts)), "fakta entitas")
        started = durable_rules_engine.start_action_for_state(self._handle, state)
        if started:
            self._run_actions(started[1], state, sid)
        self._drain(sid)

    def _drain(self, sid: str) -> None:
        """Run every action still pending, on this thread (trap 1)."""
        while started := durable_rules_engine.start_action(self._handle):
            self._run_actions(started[1], started[2], sid)

    def _run_actions(self, message: str, handle: Any, sid: str) -> None:
        def emit(fact: dict[str, Any]) -> None:  # derived facts have a fixed, flat shape
            checked(durable_rules_engine.assert_fact(self._handle, json.dumps({**fact, "sid": sid})), "fakta turunan")

        while message:
            ((name, matched),) = json.loads(message).items()
            try:
                self._actions[name](matched, emit)
                if name == SESSION_INIT:
                    state = {"sid": sid, "id": f"sid-{sid}", "$s": 1, "init": 1}
                    durable_rules_engine.update_state(self._handle, json.dumps(state))
            except BaseException as error:
                durable_rules_engine.abandon_action(self._handle, handle)
                if isinstance(error, EngineError):
                    raise
                raise EngineError(f"aksi aturan {name} gagal untuk {sid}: {error}") from error
            message = durable_rules_engine.complete_and_start_action(self._handle, handle)


SESSION_INIT = "$session_init"


def _unused(c: Any) -> None:  # durable's own dispatch is never used (see GuardedRuleset)
    raise EngineError("aksi durable_rules dijalankan di luar GuardedRuleset")
