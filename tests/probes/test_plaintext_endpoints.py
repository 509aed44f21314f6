from secplan.vocabulary import Outcome

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
