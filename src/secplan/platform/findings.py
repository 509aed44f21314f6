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
    cell_line: int | None = None
    """For a notebook cell (``member`` ``cell N``): the line inside the cell; ``line`` is then the line
    of the ``.ipynb`` file, as code scanning shows it (two findings on one file line of a notebook
    written as one line of JSON stay two)."""
    remediation: str | None = field(default=None, compare=False)
    """What to do about this finding (the fix version of its package, say); else the rule's remediation."""

    @property
    def cell(self) -> int | None:
        """The 1-based index of the notebook cell the finding is in."""
        parts = (self.member or "").split()
        return int(parts[1]) if len(parts) > 1 and parts[0] == "cell" and parts[1].isdigit() else None

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
        if self.cell is not None:
            data["cell"] = {"index": self.cell, "line": self.cell_line}
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
        location = common.Location(self.path, self.line, self.column, member=self.member, cell=self.cell,
                                  cell_line=self.cell_line)
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
# Container runtime settings: one rule per setting, wherever it is written (Kubernetes pod specs,
# compose services, docker/podman run command lines).
rule("container-privileged", C, HIGH, "PS-3", "privileged-container", "Privileged container",
     "Remove `privileged: true` (`--privileged`); grant the one capability the workload needs with "
     "`securityContext.capabilities.add` (`cap_add`, `--cap-add`), or expose a device with a device plugin.")
rule("container-host-namespace", C, HIGH, "PS-3", "privileged-container",
     "Container shares a host namespace (network, PID, IPC)",
     "Remove `hostNetwork`/`hostPID`/`hostIPC: true` (`network_mode`/`pid`/`ipc: host`, `--network host`); "
     "publish ports through a Service or `ports:` instead of the host's network.")
rule("container-runs-as-root", C, HIGH, "PS-3", "privileged-container", "Container may run as root",
     "Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` (compose `user: \"10001\"`, "
     "`docker run --user 10001`), and build the image with a non-root `USER`.")
rule("container-privilege-escalation", C, HIGH, "PS-3", "privileged-container",
     "Container may gain privileges (escalation allowed, powerful capabilities, no seccomp/AppArmor)",
     "Set `allowPrivilegeEscalation: false`, drop ALL capabilities and add back only unprivileged ones; "
     "keep the default seccomp and AppArmor profiles.")
rule("container-socket-mount", C, CRIT, "PS-3", "privileged-container",
     "Container runtime socket mounted into a container",
     "Do not mount docker.sock/containerd.sock: whoever reaches it is root on the host. Build images with a "
     "rootless builder (BuildKit rootless, kaniko) or a remote builder over TLS.")
rule("k8s-no-resource-limits", C, LOW, "PS-7", "insecure-config", "Container without resource limits",
     "Set resources.limits for cpu and memory.")
rule("k8s-no-network-policy", C, HIGH, "PS-5", "public-exposure-iac", "Workloads without any NetworkPolicy",
     "Add a default-deny NetworkPolicy and allow only the traffic the workloads need.")
rule("ml-port-public", C, HIGH, "PS-5", "public-exposure-iac", "ML server port published publicly",
     "Use a ClusterIP Service behind an authenticating ingress, or bind the port to 127.0.0.1.")
# Terraform
rule("tf-sagemaker-root-access", C, HIGH, "PS-3", "privileged-container", "SageMaker notebook with root access",
     "Set root_access = \"Disabled\".")
rule("tf-notebook-internet", C, HIGH, "PS-5", "public-exposure-iac",
     "Managed notebook with direct internet access or a public IP",
     "Disable direct internet access / public IPs and route through a VPC with egress controls.")
rule("tf-storage-unencrypted", C, MED, "PS-4", "storage-unencrypted-iac",
     "ML storage or endpoint without customer-managed encryption",
     "Set a KMS / CMEK key (kms_key_id, kms_key_arn, encryption block, disk_encryption = \"CMEK\").")
rule("tf-bucket-public", C, CRIT, "PS-5", "public-exposure-iac", "Storage bucket or object ACL grants the public",
     "Set `acl = \"private\"` and `object_ownership = \"BucketOwnerEnforced\"` (AWS); remove `allUsers` / "
     "`allAuthenticatedUsers` entities from GCS ACLs and use uniform bucket-level access.")
rule("tf-bucket-public-policy", C, CRIT, "PS-5", "public-exposure-iac",
     "Bucket policy or IAM binding grants everyone",
     "Replace `Principal: \"*\"` with the accounts or roles that need access (or add a condition such as "
     "aws:SourceVpce); remove `allUsers` / `allAuthenticatedUsers` members from GCS IAM.")
rule("tf-bucket-public-access-block", C, HIGH, "PS-5", "public-exposure-iac",
     "Public access protection of a bucket or storage account turned off",
     "Set all four S3 public access block settings to true; `public_access_prevention = \"enforced\"` on GCS; "
     "`allow_nested_items_to_be_public = false` on Azure storage accounts.")
rule("tf-sagemaker-network-isolation", C, MED, "PS-5", "public-exposure-iac",
     "SageMaker model container can reach the network",
     "Set `enable_network_isolation = true` on the model (training and inference containers then get no "
     "outbound network) and run it in a VPC (`vpc_config`).")
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
    ("torchserve-management-exposed", CRIT, "TorchServe management API bound to all interfaces",
     "Bind `management_address` to http://127.0.0.1:8081 and reach it through an authenticating proxy."),
    ("torchserve-allowed-urls-open", HIGH, "TorchServe registers models from any URL (allowed_urls)",
     "Set `allowed_urls` to the one bucket or host you publish models to, e.g. "
     "`allowed_urls=https://models.example.com/.*` (the default accepts every URL and local file)."),
    ("torchserve-token-auth-disabled", HIGH, "TorchServe token authorization disabled",
     "Remove `disable_token_authorization=true` / `--disable-token-auth` (`TS_DISABLE_TOKEN_AUTHORIZATION`); "
     "clients then send the key from key_file.json."),
    ("triton-model-control-exposed", HIGH, "Triton model control API exposed",
     "Use --model-control-mode=none or restrict it with --http-restricted-api / --grpc-restricted-api."),
    ("tensorboard-bind-all", MED, "TensorBoard bound to all interfaces", "Bind TensorBoard to localhost."),
    ("gradio-share", HIGH, "Gradio app published through a public share link",
     "Remove share=True; put the app behind authentication (auth=...)."),
    ("gradio-no-auth", HIGH, "Gradio app on all interfaces without authentication",
     "Pass `auth=` (or `auth_dependency=`) to launch(), or keep `server_name` on 127.0.0.1 behind an "
     "authenticating proxy."),
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
rule("server-trust-remote-code", C, HIGH, "MS-6", "risky-deserialization-code",
     "Model server started with trust-remote-code (runs Python from the model repository)",
     "Drop `--trust-remote-code`; when the architecture needs it, pin `--revision`/`--code-revision` to a reviewed "
     "commit or vendor the modelling code into the image.")
rule("streamlit-xsrf-disabled", C, MED, "PS-7", "insecure-config", "Streamlit XSRF protection disabled",
     "Remove `enableXsrfProtection = false` from [server] (`--server.enableXsrfProtection`, "
     "`STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION`); it is on by default.")
rule("streamlit-cors-disabled", C, MED, "PS-7", "insecure-config", "Streamlit CORS protection disabled",
     "Remove `enableCORS = false` from [server] (`--server.enableCORS`, `STREAMLIT_SERVER_ENABLE_CORS`); list the "
     "origins that may call the app in `corsAllowedOrigins` instead.")
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
