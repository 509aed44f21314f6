import datetime as dt
import json

from secplan.assess.pipeline import assess
from secplan.plan.loader import load_plan
from secplan.vocabulary import Outcome, Severity, Status

from .probes.helpers import make_project

DOCKERFILE = "FROM python:3.11\nCMD [\"python\"]\n"


def run(root, **kw):
    return assess(root, load_plan(root / "secplan.yaml"), **kw)


def finding(doc, probe):
    return next(f for c in doc.controls for f in c.findings if f.probe == probe and f.outcome == Outcome.NEGATIVE)


def test_every_control_gets_a_status_and_pillars_roll_up(project_dir):
    make_project(project_dir, {"Dockerfile": DOCKERFILE})
    doc = run(project_dir)
    assert len(doc.controls) == 32 and len(doc.pillars) == 5
    assert sum(doc.counts.values()) == 32
    ps7 = next(c for c in doc.controls if c.id == "PS-7")
    assert ps7.status == Status.FAIL and ps7.findings[0].state == "open"
    assert doc.failed and doc.severity_counts[Severity.HIGH] >= 1
    ps = next(p for p in doc.pillars if p.id == "PS")
    assert ps.counts[Status.FAIL] >= 1


def test_fail_on_threshold(project_dir):
    make_project(project_dir, {"Dockerfile": DOCKERFILE})
    assert not run(project_dir, fail_on=Severity.CRITICAL).failed


def test_waivers_active_expired_unmatched(project_dir):
    waivers = [
        {"target": "dockerfile-runs-as-root", "reason": "r", "approver": "a", "expires": "2027-01-01"},
        {"target": "DS-8", "reason": "r", "approver": "a", "expires": "2027-01-01"},
    ]
    make_project(project_dir, {"Dockerfile": DOCKERFILE}, waivers=waivers, project={"on_call": "x"})
    doc = run(project_dir, today=dt.date(2026, 6, 1))
    assert finding(doc, "dockerfile-runs-as-root").state == "waived"
    assert next(c for c in doc.controls if c.id == "PS-7").status == Status.WAIVED
    assert [w.state for w in doc.waivers] == ["active", "unmatched"]

    expired = run(project_dir, today=dt.date(2027, 2, 1))
    assert finding(expired, "dockerfile-runs-as-root").state == "open"
    assert [w.state for w in expired.waivers] == ["expired", "expired"]
    assert next(c for c in expired.controls if c.id == "PS-7").status == Status.FAIL


def test_baseline_fails_only_on_new_findings(project_dir, tmp_path):
    make_project(project_dir, {"Dockerfile": DOCKERFILE})
    first = run(project_dir)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(first.model_dump_json())
    again = run(project_dir, baseline=baseline)
    assert not again.failed
    assert finding(again, "dockerfile-runs-as-root").state == "baseline"
    (project_dir / "svc").mkdir()
    (project_dir / "svc" / "Dockerfile").write_text(DOCKERFILE)
    third = run(project_dir, baseline=baseline)
    states = sorted(f.state for c in third.controls for f in c.findings if f.probe == "dockerfile-runs-as-root")
    assert states == ["baseline", "open"] and third.failed


def test_finding_ids_are_stable_across_runs(project_dir):
    make_project(project_dir, {"Dockerfile": DOCKERFILE, "requirements.txt": "numpy\n"})
    ids = [[f.id for c in run(project_dir).controls for f in c.findings] for _ in range(2)]
    assert ids[0] == ids[1]


def test_a_crashing_probe_is_an_error_result_not_a_crash(project_dir, monkeypatch):
    import secplan.assess.pipeline as pipeline
    from secplan.assess.registry import Probe, all_probes

    def boom(ev):
        raise RuntimeError("kaput")

    probes = tuple(Probe(p.definition, boom) if p.id == "on-call-named" else p for p in all_probes())
    monkeypatch.setattr(pipeline, "all_probes", lambda: probes)
    make_project(project_dir, {})
    doc = run(project_dir)
    hs5 = next(c for c in doc.controls if c.id == "HS-5")
    assert any(f.outcome == Outcome.ERROR and "kaput" in f.message for f in hs5.findings)
    assert next(p for p in doc.probes if p.id == "on-call-named").error == "RuntimeError: kaput"


def test_json_document_round_trips(project_dir):
    make_project(project_dir, {})
    doc = run(project_dir)
    data = json.loads(doc.model_dump_json())
    assert data["version"] == "1.0" and len(data["controls"]) == 32
    assert {"id", "pillar", "status", "score", "findings"} <= set(data["controls"][0])


def test_bad_baseline_is_an_input_error(project_dir, tmp_path):
    from typer.testing import CliRunner

    from secplan.cli.app import app

    make_project(project_dir, {})
    bad = tmp_path / "b.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(app, ["assess", str(project_dir), "--baseline", str(bad), "--no-store"])
    assert result.exit_code == 2 and "not a secplan JSON report" in result.output


def test_report_format_comes_from_the_suffix(project_dir, tmp_path):
    from typer.testing import CliRunner

    from secplan.cli.app import app

    make_project(project_dir, {})
    runner = CliRunner()
    bad = runner.invoke(app, ["assess", str(project_dir), "--report", str(tmp_path / "r.pdf"), "--no-store"])
    assert bad.exit_code == 2 and "cannot tell the report format" in bad.output
    good = runner.invoke(app, ["assess", str(project_dir), "--report", str(tmp_path / "r.htm"), "--no-store"])
    assert good.exit_code in (0, 1) and (tmp_path / "r.htm").read_text().startswith("<!")
