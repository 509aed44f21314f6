import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "plaintext-endpoints"


def test_plain_http_to_remote_hosts(project_dir):
    make_project(project_dir, {
        "a.py": 'URI = "http://mlflow.corp.net:5000"\nLOCAL = "http://localhost:8080"\n',
        "b.py": 'S3 = "https://s3.amazonaws.com/bucket"\n',
        "schema.yaml": "$schema: http://json-schema.org/draft-07/schema\n",
    })
    results = run_probe(ID, project_dir)
    assert [(r.location.path, r.location.line) for r in negatives(results)] == [("a.py", 1)]
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["b.py"]


def test_no_urls(project_dir):
    make_project(project_dir, {"a.py": "x = 1\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


CASES = [
    Case(ID, "remote services over TLS", (P,), files={"client.py": 'URL = "https://api.partner.io/v1"\n'},
         says=("1 remote service URL(s), all over TLS",)),
    Case(ID, "plain HTTP to a remote host", (N,), files={"client.py": 'x = 1\nURL = "http://api.partner.io/v1"\n'},
         says=("plain HTTP to api.partner.io",)),
    Case(ID, "only local and example URLs", (NA,),
         files={"client.py": 'A = "http://localhost:8080"\nB = "http://example.com"\n'}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    results = case.check(project_dir)
    if case.fails:
        assert (results[0].location.path, results[0].location.line) == ("client.py", 2)
