"""``/api/v1/assessments``: CI uploads a JSON report; history per project and branch; comparisons."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Query

from secplan.access import Identity
from secplan.ledger import record
from secplan.server.auth import allow, caller, project_by_ref
from secplan.server.context import Context, context
from secplan.server.errors import COMMON, ApiError
from secplan.server.pagination import Page, page_size
from secplan.server.queries import assessments as queries
from secplan.server.schemas import AssessmentDetail, AssessmentOut, ComparisonOut, UploadIn, UploadOut

router = APIRouter(prefix="/api/v1", tags=["assessments"], responses=COMMON)


@router.post("/assessments", response_model=UploadOut, status_code=201, summary="Upload an assessment from CI")
def upload(body: UploadIn, ctx: Context = Depends(context), who: Identity = Depends(caller)) -> UploadOut:
    """Keep a `secplan assess --format json` report in its project's history (permission `write` on
    `assessment` there), in the project named by `project`, else by the report."""
    ref = body.project or body.report.project.get("id") or body.report.project.get("name")
    if not ref:
        raise ApiError(422, "report.project: the report names no project (id or name)")
    project = project_by_ref(ctx.store, ref)
    acting = allow(ctx, who, "write", "assessment", project)
    assessment_id = queries.store_upload(ctx.store, project, body.report, branch=body.branch, commit=body.commit,
                                         pipeline=body.pipeline, uploaded_by=acting.name)
    found = queries.get(ctx.store, assessment_id)
    assert found is not None
    meta = found[0]
    changed = meta.changed or {"new": 0, "fixed": 0}
    record(ctx.store, action="assessments.upload", obj=f"assessment:{assessment_id}", actor=acting.name,
           details={"project_id": project.id, "project": project.name, "branch": body.branch,
                    "commit": body.commit, "pipeline": body.pipeline, "score": meta.score, **changed})
    return UploadOut(id=assessment_id, project_id=project.id, url=f"/api/v1/assessments/{assessment_id}",
                     new=changed.get("new", 0), fixed=changed.get("fixed", 0), score=meta.score)


@router.get("/projects/{project}/assessments", response_model=Page[AssessmentOut],
            summary="A project's assessments, newest first")
def list_assessments(project: str, branch: str | None = None, page_token: str | None = None,
                     size: int | None = Query(None, alias="page_size"), ctx: Context = Depends(context),
                     who: Identity = Depends(caller)) -> Page[AssessmentOut]:
    target = project_by_ref(ctx.store, project)
    allow(ctx, who, "read", "assessment", target)
    n = page_size(size)
    scope = {"project": target.id, "branch": branch}
    position = ctx.pager.decode("assessments", scope, page_token)
    rows, total, last = queries.history(ctx.store, target, branch, int(position[0]) if position else None, n)
    token = ctx.pager.encode("assessments", scope, [last]) if last is not None else None
    return Page[AssessmentOut](items=[AssessmentOut(**asdict(r)) for r in rows], next_page_token=token, total=total)


def _readable(ctx: Context, who: Identity, assessment_id: int) -> None:
    from secplan.projects import Project, ProjectRow

    project_id = queries.project_of_assessment(ctx.store, assessment_id)
    if project_id is None:
        raise ApiError(404, f"no assessment {assessment_id}")
    with ctx.store.session() as session:
        row = session.get(ProjectRow, project_id)
    allow(ctx, who, "read", "assessment", Project(project_id, row.name if row is not None else project_id))


@router.get("/assessments/{assessment_id}", response_model=AssessmentDetail, summary="One stored assessment")
def get_assessment(assessment_id: int, ctx: Context = Depends(context),
                   who: Identity = Depends(caller)) -> AssessmentDetail:
    _readable(ctx, who, assessment_id)
    found = queries.get(ctx.store, assessment_id)
    if found is None:
        raise ApiError(404, f"no assessment {assessment_id}")
    return AssessmentDetail(**asdict(found[0]), report=found[1])


@router.get("/assessments/{base}/compare/{head}", response_model=ComparisonOut,
            summary="New and fixed findings between two assessments")
def compare(base: int, head: int, ctx: Context = Depends(context), who: Identity = Depends(caller)) -> ComparisonOut:
    _readable(ctx, who, base)
    _readable(ctx, who, head)
    found = queries.compare(ctx.store, base, head)
    if found is None:
        raise ApiError(404, f"no assessment {base} or {head}")
    return ComparisonOut(base=AssessmentOut(**asdict(found.base)), head=AssessmentOut(**asdict(found.head)),
                         new=found.new, fixed=found.fixed, score_delta=found.score_delta)
