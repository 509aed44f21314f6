"""The plan file (``secplan.yaml``): what the project is, what it holds, the policy probes apply.

Every model forbids unknown keys so that a typo in a plan is an error, not a silently ignored
setting. Policy defaults are the safe, common choice; the plan overrides them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from secplan.vocabulary import AssetKind, Classification, Severity

FRAMEWORKS = ("nist-ai-rmf", "iso-42001", "owasp-ml", "mitre-atlas", "eu-ai-act")
Framework = Literal["nist-ai-rmf", "iso-42001", "owasp-ml", "mitre-atlas", "eu-ai-act"]
AssetUse = Literal["training", "evaluation", "serving", "shared", "reference"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Project(Strict):
    id: str | None = Field(
        None, description="Stable project id (a UUID written by `secplan init`): every checkout of the project, "
                          "in any folder, shares its records in a team store under this id.")
    name: str = Field(description="Project name, unique in a store: used in reports and messages.")
    description: str = Field("", description="What the system does, for reports.")
    owners: list[str] = Field(default_factory=list, description="Accountable owners (e-mail or user ids).")
    on_call: str | None = Field(None, description="Who receives alerts and opens incidents (HS-5).")
    frameworks: list[Framework] = Field(
        default_factory=lambda: list(FRAMEWORKS), description="Frameworks the organisation reports against."
    )
    risk_category: Literal["minimal", "limited", "high", "unacceptable"] | None = Field(
        None, description="EU AI Act risk category of the system, when known."
    )


    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError(f"{value!r} is not a UUID (secplan init writes one)") from None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip() or len(value) > 200:
            raise ValueError("the project name must be 1 to 200 characters")
        return value


class Asset(Strict):
    path: str = Field(description="Path relative to the project root (a file or a directory).")
    kind: AssetKind | None = Field(None, description="Discovered from the content when omitted.")
    name: str | None = Field(None, description="A display name; defaults to the path.")
    owner: str | None = Field(None, description="Accountable owner; defaults to the project owners (HS-4).")
    classification: Classification | None = Field(None, description="Sensitivity (DS-4); drives encryption, access and retention checks.")
    retention_days: int | None = Field(None, ge=0, description="How long to keep it (CS-3); overrides the policy per classification.")
    uses: list[AssetUse] = Field(default_factory=list, description="What it is used for; anonymisation and monitoring checks depend on it.")
    encrypted: bool | None = Field(
        None, description="Declare true when encryption is provided outside secplan (for example the storage)."
    )
    anonymised: bool | None = Field(None, description="Declare true when this dataset is an anonymised release (DS-6).")
    notes: str = ""


class PatchPolicy(Strict):
    sla_days: dict[Severity, int] = Field(
        default_factory=lambda: {
            Severity.CRITICAL: 15,
            Severity.HIGH: 30,
            Severity.MEDIUM: 90,
            Severity.LOW: 180,
        },
        description="Days allowed to remediate a vulnerability, by severity (PS-2).",
    )


class FairnessPolicy(Strict):
    sensitive_features: list[str] = Field(default_factory=list, description="Columns whose groups fairness is measured across (CS-2).")
    min_disparate_impact: float = Field(0.8, ge=0, le=1, description="Four-fifths rule by default.")
    max_demographic_parity_difference: float = Field(0.1, ge=0, le=1)
    max_equalized_odds_difference: float = Field(0.1, ge=0, le=1)


class BackupPolicy(Strict):
    paths: list[str] = Field(default_factory=list, description="What to back up; default: every declared asset.")
    repository: str | None = Field(None, description="restic repository location.")
    max_age_days: int = Field(1, ge=1, description="Oldest acceptable last verified backup.")
    drill_every_days: int = Field(90, ge=1, description="Oldest acceptable last successful restore drill.")
    keep_daily: int = Field(7, ge=0, description="Snapshots kept: one per day for this many days.")
    keep_weekly: int = Field(4, ge=0, description="... one per week for this many weeks.")
    keep_monthly: int = Field(12, ge=0, description="... one per month for this many months.")


KEY_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(@v[0-9]+)?$"


class SigningKeys(Strict):
    """Which key signs for each purpose: a managed key (NAME or NAME@vN of ``secplan keys``) puts it in
    the keystore, an HSM or a KMS; signatures made with the previous key keep verifying."""

    attestations: str | None = Field(None, pattern=KEY_REF_PATTERN, description="Managed ed25519 or ecdsa-p256 key that signs attestations; none: the unattended key file in .secplan/.")
    model: str = Field("model-signing", pattern=KEY_REF_PATTERN, description="Managed ecdsa-p256 key that signs model versions (the default of `secplan model sign --key`).")


class KeyPolicy(Strict):
    provider: Literal["local", "pkcs11", "aws-kms"] = Field("local", description="Default key provider (DS-2).")
    rotate_every_days: int = Field(365, ge=1, description="Maximum age of a key-encryption key before rotation.")
    signing: SigningKeys = Field(default_factory=SigningKeys)


class RetentionPolicy(Strict):
    days_by_classification: dict[Classification, int] = Field(
        default_factory=dict, description="Retention per classification; asset values take precedence."
    )


class AnonymisationPolicy(Strict):
    required_for: list[AssetUse] = Field(default_factory=lambda: ["training", "shared"], description="Uses of confidential or restricted data that require anonymisation.")
    min_k: int = Field(5, ge=1, description="Target k for k-anonymity over quasi-identifiers.")


class EvaluationPolicy(Strict):
    """Thresholds of ``secplan model evaluate`` and of the production promotion gate (MS-4, CS-2)."""

    min_accuracy: float | None = Field(None, ge=0, le=1)
    max_attack_success_rate: float = Field(0.5, ge=0, le=1, description="Share of rows a black-box evasion attack may flip within attack_epsilon.")
    max_white_box_success_rate: float | None = Field(None, ge=0, le=1, description="Share of rows a white-box attack (FGSM, PGD, the decision tree attack) may flip within attack_epsilon (none: reported only).")
    attack_epsilon: float = Field(0.25, gt=0, description="Largest move per feature, in standard deviations, that counts as a successful evasion.")
    max_flip_rate: float = Field(0.1, ge=0, le=1, description="Share of predictions small perturbations may flip.")
    max_membership_advantage: float = Field(0.1, ge=0, le=1)
    max_membership_auc: float = Field(0.6, ge=0, le=1, description="Membership-inference AUC above which training rows are exposed.")
    max_extraction_fidelity: float | None = Field(None, ge=0, le=1, description="Fidelity a surrogate may reach from 500 queries (none: reported only).")
    min_parity_ratio: float = Field(0.8, ge=0, le=1, description="Demographic-parity ratio (the four-fifths rule).")
    max_equalized_odds_difference: float = Field(0.1, ge=0, le=1)
    proxy_balanced_accuracy: float = Field(0.7, ge=0.5, le=1, description="Balanced accuracy at which an input counts as a proxy of a sensitive attribute.")


class MonitoringPolicy(Strict):
    """Thresholds of the live-traffic monitors (MS-5) and the gateway's guards (MS-2, MS-6). The
    defaults are calibrated so that replayed held-out traffic raises no alert (tests/monitor)."""

    window: int = Field(500, ge=50, description="Requests per drift window (sliding, per model).")
    drift_alpha: float = Field(0.01, gt=0, lt=1, description="Benjamini-Hochberg-corrected p-value below which a feature may drift ...")
    drift_psi: float = Field(0.2, ge=0, description="... when its PSI is at least this ...")
    drift_wasserstein: float = Field(0.2, ge=0, description="... or its normalised Wasserstein distance is at least this.")
    prediction_psi: float = Field(0.25, ge=0, description="PSI of predicted classes against the training labels that is prediction drift.")
    ood_score: float = Field(4.0, gt=0, description="Out-of-distribution score (-log10 p) above which a request is out of distribution.")
    ood_rate: float = Field(0.05, gt=0, le=1, description="Share of out-of-distribution requests in a window that raises an alert.")
    client_window: int = Field(200, ge=20, description="Recent queries kept per client for the query-pattern detectors.")
    client_min_queries: int = Field(50, ge=10, description="Queries a client makes before its patterns are judged.")
    extraction_offmanifold_rate: float = Field(0.3, gt=0, le=1, description="Share of a client's queries off the training data's joint distribution that is extraction.")
    prada_delta: float = Field(0.8, gt=0, lt=1, description="Shapiro-Wilk W of a client's query distances below which PRADA flags extraction.")
    near_duplicate_rate: float = Field(0.2, gt=0, le=1, description="Share of a client's queries that nearly repeat an earlier one, for evasion.")
    boundary_probe_rate: float = Field(0.1, gt=0, le=1, description="Share of a client's queries that flip the label of a near neighbour, for evasion.")
    budget_burn: float = Field(0.8, gt=0, le=1, description="Share of a client's query budget used that raises a budget alert.")
    cut_off_extraction: bool = Field(False, description="Refuse further requests from a client with an open extraction alert.")


class PeoplePolicy(Strict):
    training_valid_days: int = Field(365, ge=1, description="How long a training completion counts (HS-1).")
    screening_level_for_restricted: Literal["basic", "standard", "enhanced"] = Field("standard", description="Screening level required for access to restricted assets (HS-2).")


class IncidentPolicy(Strict):
    drill_every_days: int = Field(365, ge=1, description="Cadence of incident response drills (HS-3).")


class ApprovalPolicy(Strict):
    two_person_rule: list[str] = Field(
        default_factory=lambda: ["model.promote", "access.grant.restricted", "data.delete"],
        description="Actions that need approval by a second person.",
    )


class ClassificationPolicy(Strict):
    entity_overrides: dict[str, Classification] = Field(
        default_factory=dict, description="Override the sensitivity of an entity type (for example DATE_TIME: internal)."
    )


class Policy(Strict):
    assessment_every_days: int = Field(90, ge=1, description="Cadence of assessments (CS-5).")
    vendor_review_every_days: int = Field(365, ge=1, description="Cadence of vendor reviews (CS-6).")
    patch: PatchPolicy = Field(default_factory=PatchPolicy)
    fairness: FairnessPolicy = Field(default_factory=FairnessPolicy)
    backup: BackupPolicy = Field(default_factory=BackupPolicy)
    keys: KeyPolicy = Field(default_factory=KeyPolicy)
    retention: RetentionPolicy = Field(default_factory=RetentionPolicy)
    anonymisation: AnonymisationPolicy = Field(default_factory=AnonymisationPolicy)
    evaluation: EvaluationPolicy = Field(default_factory=EvaluationPolicy)
    monitoring: MonitoringPolicy = Field(default_factory=MonitoringPolicy)
    people: PeoplePolicy = Field(default_factory=PeoplePolicy)
    incidents: IncidentPolicy = Field(default_factory=IncidentPolicy)
    approvals: ApprovalPolicy = Field(default_factory=ApprovalPolicy)
    classification: ClassificationPolicy = Field(default_factory=ClassificationPolicy)


class Waiver(Strict):
    target: str = Field(description="A control id (DS-1), a probe id, or a finding id.")
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: dt.date

    @field_validator("target")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    def is_expired(self, today: dt.date) -> bool:
        return self.expires < today


class Plan(Strict):
    """The whole plan file."""

    version: Literal[1] = 1
    project: Project
    assets: list[Asset] = Field(default_factory=list)
    exclude: list[str] = Field(
        default_factory=list, description="Glob patterns (relative to the root) that discovery skips."
    )
    policy: Policy = Field(default_factory=Policy)
    waivers: list[Waiver] = Field(default_factory=list)
