"""Where durable_rules 2.0.28 breaks on wide rules: one rule joining k clause facts under ``all`` or
``any``, with ``holding`` of them asserted. Each case runs in its own process under a memory cap,
since the engine may abort (double free) or take gigabytes; the README's durable_rules section
records what this prints. Small and quick: about a second per case.

    .venv/bin/python bench/durable_limits.py                # the table of the README
    .venv/bin/python bench/durable_limits.py any 16 16      # one case: kind, children, holding
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MEMORY_CAP = 2_000_000_000  # bytes of address space per case
CASES = [("all", 16, 16), ("all", 17, 1), ("all", 17, 17), ("all", 64, 1), ("any", 8, 8), ("any", 12, 12),
         ("any", 14, 14), ("any", 16, 16), ("any", 17, 17), ("any", 50, 50)]

PROBE = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
import durable_rules_engine
from engine.durable_host import QuietHost
kind, width, holding = {case!r}
clause = lambda i: {{"$and": [{{"t": "$clause"}}, {{"node": f"x{{i}}"}}, {{"$nex": {{"$s": 1}}}}]}}
host = QuietHost({{"wide": lambda c: None}})
host.set_rulesets({{"w": {{"wide": {{kind: [{{f"c{{i}}": clause(i)}} for i in range(width)], "run": "wide"}}}}}})
facts = [{{"t": "$clause", "node": f"x{{i}}", "id": f"f{{i}}", "sid": "1"}} for i in range(holding)]
start = time.perf_counter()
durable_rules_engine.assert_facts(host.get_ruleset("w")._handle, json.dumps(facts))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({{"seconds": round(time.perf_counter() - start, 2), "peak_mb": peak}}))
"""


def probe(kind: str, width: int, holding: int) -> str:
    code = PROBE.format(cap=MEMORY_CAP, case=(kind, width, holding))
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                              cwd=Path(__file__).resolve().parents[1])
    except subprocess.TimeoutExpired:
        return "lebih dari 120 s"
    if done.returncode == 0:
        measured = json.loads(done.stdout)
        return f"jalan, {measured['seconds']} s, puncak {measured['peak_mb']} MB"
    last = (done.stderr.strip().splitlines() or [f"kode keluar {done.returncode}"])[-1]
    return f"gagal: {last}" + (f" (sinyal {-done.returncode})" if done.returncode < 0 else "")


def main(argv: list[str]) -> None:
    cases = [(argv[0], int(argv[1]), int(argv[2]))] if argv else CASES
    for kind, width, holding in cases:
        print(f"{kind:>3} {width:>3} anak, {holding:>3} terpenuhi: {probe(kind, width, holding)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
