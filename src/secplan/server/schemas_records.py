"""Documents of the governance and registry records the API serves (the CLI's ``--format json``
shapes, so that a script reads the same fields from either). Fields beyond the ones named here may
be present: they are the record's own and documented with its command."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ApprovalOut(_Open):
    id: int
    action: str
    target: str
    reason: str
    requester: str
    state: str = Field(description="pending, approved or rejected.")
    decided_by: str | None
    created_at: str
    decided_at: str | None
    used_at: str | None


class ApprovalIn(BaseModel):
    action: str = Field(min_length=1, max_length=200, description="What needs approval, e.g. model.promote.")
    target: str = Field(min_length=1, max_length=500, description="What it is done to, e.g. model:fraud@3.")
    reason: str = Field("", max_length=5000)


class DecisionIn(BaseModel):
    approve: bool = Field(description="true approves, false rejects.")


class IncidentOut(_Open):
    id: int
    title: str
    type: str
    severity: str
    phase: str
    state: str
    owner: str | None
    opened_at: str
    closed_at: str | None
    steps: list[dict[str, Any]]
    clock: dict[str, Any] | None


class IncidentIn(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    type: str = Field(description="A playbook: `secplan incident playbooks` lists them.")
    severity: str
    owner: str | None = None
    assets: list[str] = Field(default_factory=list)
    atlas: list[str] = Field(default_factory=list, description="MITRE ATLAS technique ids.")


class PersonOut(_Open):
    name: str
    role: str
    email: str | None
    assets: list[str]
    screening: dict[str, Any]
    training: list[dict[str, Any]]


class VendorOut(_Open):
    name: str
    service: str
    data: list[Any]
    risk_tier: str | None
    agreement: dict[str, Any]
    certifications: list[Any]
    last_review: str | None


class AttestationOut(_Open):
    id: int
    control: str
    statement: str
    attester: str
    created_at: str
    expires: str
    state: str = Field(description="current, expired or invalid (its signature does not verify here).")
    problem: str | None


class KeyOut(_Open):
    id: str
    type: str
    provider: str
    state: str
    created: str


class ModelOut(BaseModel):
    name: str
    versions: int
    latest: str
    stages: dict[str, str] = Field(description="Stage -> the version it points at now.")


class EvaluationOut(BaseModel):
    suites: str
    passed: bool | None
    digest: str
    created: str
    created_by: str
    attested: bool


class ServedOut(BaseModel):
    digest: str
    requested: str
    host: str
    port: int
    auth: bool
    tls: bool
    started_at: str
    last_seen: str
    stopped_at: str | None


class VersionOut(BaseModel):
    name: str
    version: str
    digest: str
    scan: str = Field(description="The artifact scan's verdict at registration.")
    signed: bool
    signing_key: str | None
    signed_at: str | None
    signed_by: str | None
    created: str
    created_by: str
    stages: list[str]
    evaluations: list[EvaluationOut]
    served: list[ServedOut]


class VersionDetail(VersionOut):
    lineage: dict[str, Any]
    scan_report: dict[str, Any]
    promotions: list[dict[str, Any]]


class EntryOut(BaseModel):
    seq: int
    timestamp: str
    actor: str
    action: str
    object: str
    details: Any
    outcome: str
    prev_hash: str
    entry_hash: str


class CheckpointOut(_Open):
    tree_size: int
    root_hash: str


class HeadOut(BaseModel):
    public_key: str = Field(description="The ledger's Ed25519 public key (hex).")
    checkpoint: CheckpointOut | None


class InclusionOut(_Open):
    seq: int
    leaf_hash: str
    tree_size: int
    root_hash: str
    audit_path: list[str]
    checkpoint: CheckpointOut
    public_key: str


class ConsistencyOut(_Open):
    old_size: int
    old_root: str
    tree_size: int
    root_hash: str
    consistency_path: list[str]
    checkpoint: CheckpointOut
    public_key: str
