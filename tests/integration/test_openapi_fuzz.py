"""Property-based run of schemathesis against the OpenAPI the sandbox serves.

It generates requests from the schema (valid and invalid) and checks every answer: no
5xx, every status documented, every body and header as declared, 405 with ``Allow`` for
undeclared methods. Two checks are left out, for stated reasons:

- ``positive_data_acceptance``: a schema-valid identifier may still fail its check
  character and a schema-valid item code may not be in the catalogue; JSON Schema cannot
  say either, so a 422 there is the contract, not a bug.
- the stateful phase feeds ids from batch rows (including rows whose id was invalid,
  even empty) into path templates, which then match no route.

``/sandbox/faults`` and ``/sandbox/changes`` are left out: they are meant to break and
change the platform, which would make the other answers meaningless.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "unsupported_method",
])


def test_schemathesis_finds_no_5xx_and_no_schema_violation(sandbox, tmp_path):
    st = Path(sys.executable).with_name("st")
    done = subprocess.run(
        [str(st), "run", f"{sandbox.url}/openapi.json",
         "-H", f"Authorization: Bearer {sandbox.key}",
         # calls that change the shared platform other tests read (faults, list
         # mutations, the alert tests' records, warnings and grades, the calendar)
         "--exclude-path-regex", "^/sandbox/(faults|changes|subjects|records|calendar)",
         "--checks", CHECKS, "--phases", "examples,coverage,fuzzing",
         "--max-examples", "25", "--seed", "20261128", "--request-timeout", "30"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert "Tested: 24" in done.stdout  # every operation outside the exclusions ran
