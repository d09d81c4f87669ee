"""Contract fuzzing: schemathesis generates requests for every operation in /openapi.json
(1,000 and more per run) against the app; no 5xx, and every response matches its documented
schema, status and content type (errors in the one error shape)."""

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from api import create_app
from ccrules.access import create_token
from ccrules.store import Store

WORK = Path(tempfile.mkdtemp(prefix="ccrules-fuzz-"))
APP = create_app({"DATABASE": str(WORK / "fuzz.db"), "RATE_LIMIT": "1000000 per minute"})
_store = Store(APP.config["DATABASE"])
TOKEN = create_token(_store, "fuzzer")  # not an admin: reload answers its documented 403
_store.close()
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNT = {"requests": 0}

schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case):
    case.call_and_validate(headers=AUTH)
    COUNT["requests"] += 1


def test_the_fuzzer_sent_at_least_1000_requests():
    print(f"schemathesis sent {COUNT['requests']} requests")
    assert COUNT["requests"] >= 1000, COUNT
