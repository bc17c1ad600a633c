"""A durable_rules host that cannot lose messages silently.

durable_rules 2.0.28 has known traps (../shared/notes/durable_rules.md); each has a guard here:

1. dispatcher race — ``QuietHost`` starts no timer thread; ``Session.run`` drains explicitly.
2. state-fact loop — the compiler adds ``$nex $s`` to every condition (compiler.NO_STATE).
3. silent batch truncation — ``check_message`` refuses non-finite numbers and ≥ 255 properties.
4. unhandled/observed messages — every fact matches the sink rule; any refusal is an error.
   (13.) a retracted negation drops every pending action — negations wait for phase facts
   (compiler.PHASE) asserted by ``run`` one at a time after draining.
5. 1024 sessions per ruleset — one live session at a time, deleted after use.
6. delete_state segfault — a session-init rule runs in every session before it is deleted.
7. 32-bit id hashes — ``check_hashes`` refuses two ids of one session with the same FNV-1a hash.
8. swallowed action exceptions — the state is read after each session and an exception raises.
9. content-hash ids — every fact carries its own unique id (table and row).
12. one ruleset name per host — each ``GuardedRuleset`` has its own host, names are unique.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable
from typing import Any

import durable_rules_engine
from durable import engine as durable

MAX_PROPERTIES = 254
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


def fnv1a_32(text: str) -> int:
    """durable_rules' id hash: FNV-1a over the bytes as signed chars (state.c, fnv1Hash32)."""
    value = 0x811C9DC5
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
    """Refuse what durable_rules would silently drop from a batch (trap 3)."""
    if _count_properties(fact) > MAX_PROPERTIES:
        raise EngineError(f"fakta {fact.get('id')} punya lebih dari {MAX_PROPERTIES} properti")
    if not _finite(fact):
        raise EngineError(f"fakta {fact.get('id')} memuat angka tak hingga atau NaN")
    if "$s" in fact:
        raise EngineError(f"fakta {fact.get('id')} memakai kolom khusus $s")


def check_hashes(ids: Iterable[str]) -> None:
    """Two ids of one session with equal 32-bit hashes would be taken as one (trap 7)."""
    seen: dict[int, str] = {}
    for fact_id in ids:
        other = seen.setdefault(fnv1a_32(fact_id), fact_id)
        if other != fact_id:
            raise EngineError(f"id fakta '{fact_id}' dan '{other}' bertabrakan pada hash 32-bit durable_rules")


class GuardedRuleset:
    """One ruleset on its own quiet host, run one session (one entity) at a time."""

    def __init__(self, definition: dict[str, Any], actions: dict[str, Callable[[Any], None]], prefix: str = "iku"):
        self.name = f"{prefix}_{next(_names)}"
        self.host = QuietHost(actions)
        # durable_rules deletes the "run" keys from the definition it is given.
        self.host.set_rulesets({self.name: json.loads(json.dumps(definition))})
        self._ruleset = self.host.get_ruleset(self.name)
        self.live_sessions = 0

    def run(
        self, sid: str, facts: list[dict[str, Any]], derived_ids: Iterable[str] = (),
        phases: list[dict[str, Any]] = (),  # type: ignore[assignment]
    ) -> list[dict[str, Any]]:
        """Assert one entity's facts, run every action, then each phase fact in turn (draining
        after each); return the session's facts and delete the session."""
        if self.live_sessions:
            raise EngineError("sesi sebelumnya belum dihapus")  # trap 5
        phases = [dict(phase, sid=sid) for phase in phases]
        for fact in [*facts, *phases]:
            check_message(fact)
            fact["sid"] = sid
        check_hashes([*(fact["id"] for fact in [*facts, *phases]), *derived_ids])
        self.live_sessions = 1
        try:
            self._assert(facts)
            self._drain()
            for phase in phases:
                self._assert([phase])
                self._drain()
            state = self.host.get_state(self.name, sid)
            if "exception" in state:
                raise EngineError(f"aksi aturan gagal untuk {sid}: {state['exception']}")  # trap 8
            return self.host.get_facts(self.name, sid)
        finally:
            self.host.delete_state(self.name, sid)
            self.live_sessions = 0

    def _assert(self, facts: list[dict[str, Any]]) -> None:
        try:
            self.host.assert_facts(self.name, facts)
        except (durable.MessageNotHandledException, durable.MessageObservedException) as error:
            self._drain()
            raise EngineError(f"durable_rules menolak fakta: {type(error).__name__}") from None

    def _drain(self) -> None:
        """Run every action still pending, on this thread (trap 1)."""
        errors: list[Any] = []

        def complete(error: Any, _state: Any) -> None:
            if error:
                errors.append(error)

        while True:
            result = durable_rules_engine.start_action(self._ruleset._handle)
            if not result:
                break
            self._ruleset._flush_actions(json.loads(result[0]), {"message": json.loads(result[1])}, result[2], complete)
        if errors:
            raise EngineError(f"durable_rules gagal menjalankan aksi: {errors[0]}")
