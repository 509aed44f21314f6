from secplan.vocabulary import Outcome

from .helpers import make_project, negatives, outcomes, run_probe

ID = "personal-data-not-anonymised"


def test_training_data_must_be_anonymised(project_dir):
    make_project(project_dir, {"raw.csv": "a\n", "anon.csv": "a\n", "public.csv": "a\n"}, assets=[
        {"path": "raw.csv", "classification": "restricted", "uses": ["training"]},
        {"path": "anon.csv", "classification": "confidential", "uses": ["shared"], "anonymised": True},
        {"path": "public.csv", "classification": "public", "uses": ["training"]},
    ])
    results = run_probe(ID, project_dir)
    assert [r.location.path for r in negatives(results)] == ["raw.csv"]
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["anon.csv"]


def test_uses_not_declared_is_no_evidence(project_dir):
    make_project(project_dir, {"raw.csv": "a\n"}, assets=[{"path": "raw.csv", "classification": "restricted"}])
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]


def test_policy_scope_is_respected(project_dir):
    make_project(project_dir, {"raw.csv": "a\n"},
                 assets=[{"path": "raw.csv", "classification": "restricted", "uses": ["training"]}],
                 policy={"anonymisation": {"required_for": ["shared"]}})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NO_EVIDENCE]
