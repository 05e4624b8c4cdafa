"""The short pass of `make test`: schemathesis with every check over every operation of the API
document, as an anonymous caller, a customer and an administrator, against the suite's local cloud.
Any failure fails the suite, with schemathesis' report (a curl command per failure) in the message.
The deep pass is `make fuzz` (python -m tests.fuzz)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.schemathesis_run import Identity, failure_report, run, sign_up

# Few examples per operation: the coverage phase still walks every schema edge, and the stateful
# phase every link; the whole pass stays well under the 3 minutes it may take.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
SEED = int(os.environ.get("FUZZ_SEED", "20261201"))


@pytest.fixture(scope="module")
def identities(local_cloud: Any) -> list[Identity]:
    cognito = local_cloud.client("cognito-idp")
    return [Identity("anonymous"), sign_up(local_cloud.api_url),
            sign_up(local_cloud.api_url, cognito, local_cloud.user_pool_id)]


@pytest.mark.slow
@pytest.mark.parametrize("who", ["anonymous", "customer", "admin"])
def test_the_api_answers_as_its_document_says(local_cloud: Any, identities: list[Identity], who: str,
                                              tmp_path: Path) -> None:
    identity = next(i for i in identities if i.name == who)
    outcome = run(local_cloud.api_url, identity, examples=EXAMPLES, seed=SEED, report_dir=tmp_path)
    print(outcome.summary())
    assert outcome.exit_code == 0 and outcome.failures == 0, f"{outcome.summary()}\n{failure_report(outcome)}"
    assert outcome.requests > 200, outcome.summary()  # it did reach the API
