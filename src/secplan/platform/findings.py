"""The one result model of every platform scanner, and the rules that produce findings.

A rule is data (id, category, severity, the control it serves, the assessment probe that reports it,
a remediation); scanners only decide *where* a rule fires. Keeping rules in one table gives the
docs, SARIF and the probes the same names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from secplan import findings as common
from secplan.vocabulary import Severity


class Category(StrEnum):
    VULNERABILITY = "vulnerability"
    SECRET = "secret"
    CONFIG = "config"
    CODE = "code"


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    control: str
    probe: str
    """The assessment probe that reports findings of this rule."""
    title: str
    remediation: str


@dataclass(frozen=True)
class Finding:
    """One thing a scanner found. ``message`` never holds a secret in clear (see :mod:`.secrets`)."""

    rule: str
    category: Category
    severity: Severity
    path: str
    line: int | None
    message: str
    package: str | None = None
    version: str | None = None
    advisories: tuple[str, ...] = ()
    member: str | None = None
    """A place inside the file, such as a notebook cell."""
    fingerprint: str | None = None
    """For secrets: a hash of the value, so a baseline can accept it without storing it."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    column: int | None = field(default=None, compare=False)
    """1-based column (in characters) where the offending expression starts, when the scanner knows it."""
    context: str | None = field(default=None, compare=False)
    """The text of the line the finding is on (set by the scan; never for secrets), for the fingerprint."""
    remediation: str | None = field(default=None, compare=False)
    """What to do about this finding (the fix version of its package, say); else the rule's remediation."""

    @property
    def fix(self) -> str:
        """This finding's remediation, or its rule's."""
        return self.remediation or RULES[self.rule].remediation

    @property
    def control(self) -> str:
        return RULES[self.rule].control

    @property
    def probe(self) -> str:
        return RULES[self.rule].probe

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "category": str(self.category),
            "severity": str(self.severity),
            "control": self.control,
            "path": self.path,
            "line": self.line,
            "package": self.package,
            "version": self.version,
            "advisories": list(self.advisories),
            "message": self.message,
            "remediation": self.fix,
        }
        if self.member:
            data["member"] = self.member
        if self.column:
            data["column"] = self.column
        data.update(self.extra)
        return data

    def subject(self) -> str:
        """What the finding is about, without its line number: the secret's hash, the package and
        advisory, the offending line's text, else the message."""
        if self.fingerprint:
            return self.fingerprint
        if self.advisories:
            return f"{self.package}:{self.advisories[0]}"
        return self.context or self.message

    def to_finding(self) -> common.Finding:
        """This finding in the one finding model (SARIF and every other writer read that)."""
        r = RULES[self.rule]
        cell = self.member.split()[1] if self.member and self.member.startswith("cell ") else None
        location = common.Location(self.path, self.line, self.column, member=self.member,
                                  cell=int(cell) if cell and cell.isdigit() else None)
        props: dict[str, Any] = {"category": str(self.category)}
        if self.advisories:
            props["advisories"] = list(self.advisories)
        if self.package:
            props["package"] = self.package
        if self.version:
            props["version"] = self.version
        if self.extra.get("advisory_urls"):
            props["advisory_urls"] = list(self.extra["advisory_urls"])
        return common.Finding(rule=self.rule, control=r.control, severity=self.severity, message=self.message,
                             location=location, remediation=self.remediation or r.remediation,
                             fingerprint=common.fingerprint(self.rule, self.path, self.subject(),
                                                           where=self.member or ""),
                             properties=props)


RULES: dict[str, Rule] = {}


def rule(id: str, category: Category, severity: Severity, control: str, probe: str, title: str,
         remediation: str) -> Rule:
    """Declare a rule (module import time). Ids are unique across all scanners."""
    if id in RULES:
        raise ValueError(f"duplicate platform rule {id!r}")
    RULES[id] = Rule(id, category, severity, control, probe, title, remediation)
    return RULES[id]


V, S, C, K = Category.VULNERABILITY, Category.SECRET, Category.CONFIG, Category.CODE
CRIT, HIGH, MED, LOW = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW

# Dependencies (PS-1)
rule("vulnerable-dependency", V, HIGH, "PS-1", "vulnerable-dependency", "Dependency with a known vulnerability",
     "Upgrade to a fixed version named in the finding, then re-run the scan.")
rule("unpinned-requirement", V, LOW, "PS-2", "unpinned-dependencies",
     "Requirement without an exact version: cannot be matched against advisories",
     "Pin exact versions (a lock file or `==` pins) so scans and builds see the same versions.")
# Secrets (PS-7)
rule("secret-in-code", S, HIGH, "PS-7", "secret-in-code", "Credential committed to the project",
     "Revoke the credential, remove it from the history, and load it from a secret manager or the environment.")
# Containers and clusters
# The same id and severity as the assessment probe that reports it (one name for one problem).
rule("dockerfile-runs-as-root", C, HIGH, "PS-7", "dockerfile-runs-as-root", "Container runs as root",
     "Add a non-root user and switch to it before CMD/ENTRYPOINT: `RUN useradd --uid 10001 app` then `USER 10001`.")
rule("dockerfile-unpinned-base", C, MED, "PS-7", "insecure-config", "Base image not pinned (no tag or `latest`)",
     "Pin the base image to a version tag, better a digest (image@sha256:...).")
rule("dockerfile-secret-in-env", C, HIGH, "PS-7", "insecure-config", "Secret passed through ENV or ARG",
     "Use BuildKit secrets (RUN --mount=type=secret) or runtime secrets, never ENV/ARG values.")
rule("dockerfile-add-url", C, MED, "PS-7", "insecure-config", "ADD from a URL",
     "Download with a checksum check in RUN, or COPY a vetted file.")
rule("k8s-privileged", C, HIGH, "PS-3", "privileged-container", "Privileged container or host namespaces",
     "Remove privileged: true and hostNetwork/hostPID/hostIPC; grant only needed capabilities.")
rule("k8s-run-as-root", C, HIGH, "PS-3", "privileged-container", "Pod may run as root",
     "Set securityContext.runAsNonRoot: true and a non-zero runAsUser.")
rule("k8s-no-resource-limits", C, LOW, "PS-7", "insecure-config", "Container without resource limits",
     "Set resources.limits for cpu and memory.")
rule("k8s-no-network-policy", C, HIGH, "PS-5", "public-exposure-iac", "Workloads without any NetworkPolicy",
     "Add a default-deny NetworkPolicy and allow only the traffic the workloads need.")
rule("ml-port-public", C, HIGH, "PS-5", "public-exposure-iac", "ML server port published publicly",
     "Use a ClusterIP Service behind an authenticating ingress, or bind the port to 127.0.0.1.")
rule("compose-privileged", C, HIGH, "PS-3", "privileged-container", "Compose service privileged or on the host network",
     "Remove privileged: true and network_mode: host.")
# Terraform
rule("tf-sagemaker-root-access", C, HIGH, "PS-3", "privileged-container", "SageMaker notebook with root access",
     "Set root_access = \"Disabled\".")
rule("tf-notebook-internet", C, HIGH, "PS-5", "public-exposure-iac",
     "Managed notebook with direct internet access or a public IP",
     "Disable direct internet access / public IPs and route through a VPC with egress controls.")
rule("tf-storage-unencrypted", C, MED, "PS-4", "storage-unencrypted-iac",
     "ML storage or endpoint without customer-managed encryption",
     "Set a KMS / CMEK key (kms_key_id, kms_key_arn, encryption block, disk_encryption = \"CMEK\").")
rule("tf-bucket-public", C, CRIT, "PS-5", "public-exposure-iac", "Storage bucket readable by the public",
     "Remove public ACLs and allUsers bindings; enable public access blocks.")
rule("tf-public-network-access", C, HIGH, "PS-5", "public-exposure-iac", "ML workspace reachable from public networks",
     "Set public_network_access_enabled = false and use private endpoints.")
# ML servers (PS-3)
for _id, _sev, _title, _fix in [
    ("jupyter-no-auth", CRIT, "Jupyter server without token or password",
     "Keep the default token (or set a password) and bind to 127.0.0.1."),
    ("ray-exposed", CRIT, "Ray dashboard, client or job API reachable from other hosts",
     "Bind the dashboard to 127.0.0.1 and reach it through an authenticating proxy or SSH tunnel."),
    ("mlflow-no-auth", HIGH, "MLflow server on a public interface without an auth app",
     "Run `mlflow server --app-name basic-auth` behind TLS, or bind to 127.0.0.1."),
    ("torchserve-management-exposed", CRIT, "TorchServe management API exposed or unrestricted",
     "Bind management_address to 127.0.0.1, restrict allowed_urls, keep token authorization enabled."),
    ("triton-model-control-exposed", HIGH, "Triton model control API exposed",
     "Use --model-control-mode=none or restrict it with --http-restricted-api / --grpc-restricted-api."),
    ("tensorboard-bind-all", MED, "TensorBoard bound to all interfaces", "Bind TensorBoard to localhost."),
    ("gradio-share", HIGH, "Gradio app published through a public share link",
     "Remove share=True; put the app behind authentication (auth=...)."),
    ("streamlit-exposed", MED, "Streamlit bound to all interfaces (Streamlit has no authentication)",
     "Bind to 127.0.0.1 and put an authenticating proxy in front."),
    ("vllm-no-api-key", HIGH, "vLLM OpenAI server without --api-key", "Start vLLM with --api-key (or VLLM_API_KEY)."),
    ("ollama-exposed", HIGH, "Ollama bound to all interfaces (Ollama has no authentication)",
     "Keep OLLAMA_HOST on 127.0.0.1 and add an authenticating proxy."),
]:
    rule(_id, C, _sev, "PS-3", "ml-server-unauthenticated", _title, _fix)
# Risky code (MS-6)
for _id, _sev, _title, _fix in [
    ("torch-load-unsafe", HIGH, "torch.load without weights_only=True", "Pass weights_only=True or use safetensors."),
    ("pickle-load", HIGH, "Unpickling (pickle/joblib/dill/cloudpickle/pandas.read_pickle)",
     "Load only trusted, signed artifacts; prefer safetensors, ONNX or skops."),
    ("numpy-allow-pickle", HIGH, "np.load(allow_pickle=True)", "Keep allow_pickle=False (the default)."),
    ("yaml-unsafe-load", HIGH, "yaml.load without a safe loader", "Use yaml.safe_load or Loader=yaml.SafeLoader."),
    ("trust-remote-code", HIGH, "trust_remote_code=True runs code from the model repository",
     "Pin a reviewed revision or vendor the code; avoid trust_remote_code."),
    ("keras-unsafe-mode", HIGH, "Keras safe_mode=False allows arbitrary code in Lambda layers",
     "Keep safe_mode=True (the default)."),
    ("dangerous-deserialization", HIGH, "allow_dangerous_deserialization=True", "Load only stores you created; keep it False."),
]:
    rule(_id, K, _sev, "MS-6", "risky-deserialization-code", _title, _fix)
rule("tls-verify-disabled", K, MED, "PS-4", "insecure-config", "TLS certificate verification disabled (verify=False)",
     "Keep verify=True; point verify at a CA bundle for private CAs.")
rule("subprocess-shell", K, MED, "PS-7", "insecure-config", "subprocess with shell=True",
     "Pass an argument list and shell=False.")


def rules() -> Iterator[common.Rule]:
    """The platform rules in the one rule model (docs/rules.md, SARIF rule metadata)."""
    for r in RULES.values():
        yield common.Rule(r.id, r.title, r.control, r.severity, remediation=r.remediation,
                         tags=("platform", str(r.category)))


def finding(rule_id: str, path: str, line: int | None, message: str, *, severity: Severity | None = None,
            **kw: Any) -> Finding:
    """Build a finding of ``rule_id`` (its severity unless overridden)."""
    r = RULES[rule_id]
    return Finding(rule=rule_id, category=r.category, severity=severity or r.severity, path=path, line=line,
                   message=message, **kw)
