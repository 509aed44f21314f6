"""Terraform checks (parsed with python-hcl2, never executed): ML notebooks, models, endpoints and
storage on AWS, Google Cloud and Azure without encryption keys, with root access, open to the
internet, or readable by everyone.

A rule covers every resource type that writes the same setting (the legacy ``acl`` argument of
``aws_s3_bucket`` and the ``aws_s3_bucket_acl`` resource; GCS IAM members, bindings, policies and
ACLs; the three generations of Google notebooks). Findings point at the attribute's line, or at
the resource when the attribute is missing and its default is the unsafe value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from secplan.platform.config.locate import HclBlock, balanced_end, hcl_data, hcl_resource
from secplan.platform.findings import Finding, finding
from secplan.vocabulary import Severity

PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
GCS_PUBLIC_ACLS = {"publicRead", "publicReadWrite", "authenticatedRead", "bucketOwnerRead"}
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}
AWS_PUBLIC_GROUPS = re.compile(r"acs\.amazonaws\.com/groups/global/(?:AllUsers|AuthenticatedUsers)")
_PRINCIPAL_ANY = re.compile(
    r"""["']?Principals?["']?\s*[:=]\s*(?:["']\*["']|\{\s*["']?AWS["']?\s*[:=]\s*(?:["']\*["']|\[\s*["']\*["']\s*\]))""")


def _unq(value: Any) -> Any:
    """python-hcl2 keeps string quotes: ``'"x"'`` -> ``'x'``."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _block(body: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = body.get(name)
    if isinstance(value, list):
        value = value[0] if value and isinstance(value[0], dict) else None
    return value if isinstance(value, dict) else None


def _blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = body.get(name)
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, dict)]


def _attr(body: dict[str, Any], name: str) -> Any:
    return _unq(body.get(name))


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(_unq(v)) for v in items if v is not None]


def resources(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(type, name, body) of each ``resource`` block."""
    for entry in doc.get("resource") or []:
        for rtype, named in (entry or {}).items():
            for name, body in (named or {}).items():
                if isinstance(body, dict):
                    yield _unq(rtype), _unq(name), body


def _is_false(value: Any) -> bool:
    return value is False or str(value).lower() == "false"


def _is_true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def policy_is_public(policy: str) -> bool:
    """An IAM policy document (JSON, a heredoc or ``jsonencode({...})`` source) with an Allow
    statement for any principal and no condition narrowing it."""
    for match in _PRINCIPAL_ANY.finditer(policy):
        statement = _enclosing_object(policy, match.start())
        if re.search(r"""["']?Effect["']?\s*[:=]\s*["']Deny""", statement):
            continue
        if re.search(r"""["']?Condition["']?\s*[:=]""", statement):
            continue
        return True
    return False


def _enclosing_object(text: str, index: int) -> str:
    depth, start = 0, 0
    for i in range(index, -1, -1):
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                start = i
                break
            depth -= 1
    return text[start:balanced_end(text, start, "{", "}")]


def policy_document_is_public(block: HclBlock) -> bool:
    """A ``data "aws_iam_policy_document"`` with an Allow statement whose principals are anyone
    (``type = "*"``, or ``type = "AWS"`` with ``identifiers = ["*"]``) and no condition."""
    for statement in block.blocks("statement"):
        body = statement.body
        if re.search(r'(?m)^\s*effect\s*=\s*"Deny"', body) or statement.block("condition"):
            continue
        for principals in statement.blocks("principals"):
            text = principals.body
            if re.search(r'type\s*=\s*"\*"', text) or (
                    re.search(r'type\s*=\s*"AWS"', text) and re.search(r'identifiers\s*=\s*\[[^\]]*"\*"', text)):
                return True
    return False


def _policy_ref(value: Any, kind: str) -> str | None:
    match = re.search(rf"data\.{kind}\.([\w-]+)\.", str(value))
    return match.group(1) if match else None


class _Hit:
    """Builds the findings of one resource, at the line of the attribute they are about."""

    def __init__(self, path: str, ref: str, block: HclBlock | None) -> None:
        self.path, self.ref, self.block = path, ref, block

    def __call__(self, rule: str, message: str, *where: str, severity: Severity | None = None) -> Finding:
        line = self.block.at(*where) if self.block is not None else None
        return finding(rule, self.path, line, f"{self.ref}: {message}", severity=severity)


Check = Callable[[dict[str, Any], _Hit, str], Iterator[Finding]]
CHECKS: dict[str, Check] = {}


def checks(*types: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        for t in types:
            CHECKS[t] = fn
        return fn
    return register


def check_terraform(doc: dict[str, Any], text: str, path: str, *, project_text: str = "") -> Iterator[Finding]:
    """``project_text`` is every .tf file of the project joined, for resources that refer to one another."""
    context = project_text or text
    for rtype, name, body in resources(doc):
        check = CHECKS.get(rtype)
        if check is not None:
            yield from check(body, _Hit(path, f"{rtype}.{name}", hcl_resource(text, rtype, name)), context)


# -- AWS SageMaker -----------------------------------------------------------------------------------

@checks("aws_sagemaker_notebook_instance")
def _sagemaker_notebook(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if _attr(body, "root_access") != "Disabled":
        yield hit("tf-sagemaker-root-access", "root_access is not Disabled (the default is Enabled)", "root_access")
    if _attr(body, "direct_internet_access") != "Disabled":
        yield hit("tf-notebook-internet", "direct_internet_access is not Disabled (the default is Enabled)",
                  "direct_internet_access")
    if not _attr(body, "kms_key_id"):
        yield hit("tf-storage-unencrypted", "notebook volume without kms_key_id")


@checks("aws_sagemaker_endpoint_configuration")
def _sagemaker_endpoint(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if not _attr(body, "kms_key_arn"):
        yield hit("tf-storage-unencrypted", "endpoint storage without kms_key_arn")


@checks("aws_sagemaker_domain")
def _sagemaker_domain(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if _attr(body, "app_network_access_type") != "VpcOnly":
        yield hit("tf-notebook-internet", "app_network_access_type is not VpcOnly (PublicInternetOnly by default)",
                  "app_network_access_type")


@checks("aws_sagemaker_model")
def _sagemaker_model(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if not _is_true(body.get("enable_network_isolation")):
        yield hit("tf-sagemaker-network-isolation",
                  "enable_network_isolation is not true: the model container can call out to the network",
                  "enable_network_isolation")


# -- AWS S3 ------------------------------------------------------------------------------------------

@checks("aws_s3_bucket", "aws_s3_bucket_acl")
def _s3_acl(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    acl = _attr(body, "acl")
    if acl in PUBLIC_ACLS:
        yield hit("tf-bucket-public", f"acl = {acl}", "acl")
    for where in ("access_control_policy", "grant"):
        blocks = _blocks(body, where)
        text = hit.block.block(where).body if hit.block is not None and hit.block.block(where) else ""
        if blocks and AWS_PUBLIC_GROUPS.search(text or str(blocks)):
            yield hit("tf-bucket-public", "a grant to the AllUsers / AuthenticatedUsers group", where)
    policy = body.get("policy")
    if policy is not None:
        yield from _s3_policy_value(policy, hit, context)
    if hit.ref.startswith("aws_s3_bucket.") and _block(body, "server_side_encryption_configuration") is None \
            and not re.search(rf'aws_s3_bucket_server_side_encryption_configuration"[^{{]*{{[^}}]*aws_s3_bucket\.'
                              rf'{re.escape(hit.ref.split(".", 1)[1])}\b', context):
        yield hit("tf-storage-unencrypted", "no server-side encryption configuration with a KMS key",
                  severity=Severity.LOW)


@checks("aws_s3_bucket_policy")
def _s3_policy(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    yield from _s3_policy_value(body.get("policy"), hit, context)


def _s3_policy_value(policy: Any, hit: _Hit, context: str) -> Iterator[Finding]:
    document = _policy_ref(policy, "aws_iam_policy_document")
    if document:
        block = hcl_data(context, "aws_iam_policy_document", document)
        if block is not None and policy_document_is_public(block):
            yield hit("tf-bucket-public-policy", f"policy data.aws_iam_policy_document.{document} allows any principal "
                      "without a condition", "policy")
    elif policy_is_public(str(policy)):
        yield hit("tf-bucket-public-policy", 'bucket policy allows Principal "*" without a condition', "policy")


@checks("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")
def _s3_block(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    off = [k for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
           if _is_false(body.get(k))]
    if off:
        yield hit("tf-bucket-public-access-block", f"public access block disabled: {', '.join(off)}", *off)


# -- Google Cloud Storage ----------------------------------------------------------------------------

@checks("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding",
        "google_storage_object_iam_member", "google_storage_object_iam_binding")
def _gcs_iam(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    members = set(_strings(body.get("members"))) | set(_strings(body.get("member")))
    public = sorted(PUBLIC_MEMBERS & members)
    if public:
        yield hit("tf-bucket-public-policy", f"grants {_attr(body, 'role')} to {', '.join(public)}", "member", "members")


@checks("google_storage_bucket_iam_policy", "google_storage_object_iam_policy")
def _gcs_iam_policy(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    data = _policy_ref(body.get("policy_data"), "google_iam_policy")
    block = hcl_data(context, "google_iam_policy", data) if data else None
    text = block.body if block is not None else str(body.get("policy_data"))
    public = sorted(m for m in PUBLIC_MEMBERS if re.search(rf'"{m}"', text))
    if public:
        yield hit("tf-bucket-public-policy", f"IAM policy binds {', '.join(public)}", "policy_data")


@checks("google_storage_bucket_acl", "google_storage_default_object_acl", "google_storage_object_acl")
def _gcs_acl(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    public = [e for e in _strings(body.get("role_entity")) if e.split(":")[-1] in PUBLIC_MEMBERS]
    if public:
        yield hit("tf-bucket-public", f"role_entity grants {', '.join(public)}", "role_entity")
    acl = _attr(body, "predefined_acl")
    if acl in GCS_PUBLIC_ACLS - {"bucketOwnerRead"}:
        yield hit("tf-bucket-public", f"predefined_acl = {acl}", "predefined_acl")


@checks("google_storage_bucket_access_control", "google_storage_default_object_access_control",
        "google_storage_object_access_control")
def _gcs_access_control(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if _attr(body, "entity") in PUBLIC_MEMBERS:
        yield hit("tf-bucket-public", f"entity = {_attr(body, 'entity')} ({_attr(body, 'role')})", "entity")


@checks("google_storage_bucket")
def _gcs_bucket(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if _attr(body, "public_access_prevention") == "inherited":
        yield hit("tf-bucket-public-access-block", 'public_access_prevention = "inherited" (not "enforced")',
                  "public_access_prevention", severity=Severity.MEDIUM)
    if not (_block(body, "encryption") or {}).get("default_kms_key_name"):
        yield hit("tf-storage-unencrypted", "no CMEK (encryption.default_kms_key_name)", "encryption",
                  severity=Severity.LOW)


# -- Vertex AI and Google notebooks ------------------------------------------------------------------

@checks("google_notebooks_instance")
def _notebooks_instance(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if not _is_true(body.get("no_public_ip")):
        yield hit("tf-notebook-internet", "no_public_ip is not true: the notebook gets a public IP", "no_public_ip")
    if _attr(body, "disk_encryption") != "CMEK":
        yield hit("tf-storage-unencrypted", "disk_encryption is not CMEK", "disk_encryption")


@checks("google_workbench_instance")
def _workbench(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    setup = _block(body, "gce_setup") or {}
    if not _is_true(setup.get("disable_public_ip")):
        yield hit("tf-notebook-internet", "gce_setup.disable_public_ip is not true: the instance gets a public IP",
                  "gce_setup/disable_public_ip", "gce_setup")


@checks("google_notebooks_runtime")
def _notebooks_runtime(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    vm = _block(_block(body, "virtual_machine") or {}, "virtual_machine_config") or {}
    if not _is_true(vm.get("internal_ip_only")):
        yield hit("tf-notebook-internet", "virtual_machine_config.internal_ip_only is not true: the runtime gets "
                  "a public IP", "virtual_machine/virtual_machine_config/internal_ip_only",
                  "virtual_machine/virtual_machine_config", "virtual_machine")


@checks("google_colab_runtime_template")
def _colab_template(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    network = _block(body, "network_spec") or {}
    if _is_true(network.get("enable_internet_access")):
        yield hit("tf-notebook-internet", "network_spec.enable_internet_access = true",
                  "network_spec/enable_internet_access")


@checks("google_vertex_ai_index_endpoint")
def _index_endpoint(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if _is_true(body.get("public_endpoint_enabled")):
        yield hit("tf-notebook-internet", "public_endpoint_enabled = true: the index is served on a public endpoint",
                  "public_endpoint_enabled")


@checks("google_vertex_ai_endpoint", "google_vertex_ai_dataset", "google_vertex_ai_featurestore",
        "google_vertex_ai_index", "google_vertex_ai_metadata_store", "google_vertex_ai_tensorboard")
def _vertex_cmek(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if _block(body, "encryption_spec") is None:
        yield hit("tf-storage-unencrypted", "no encryption_spec (CMEK)")


# -- Azure -------------------------------------------------------------------------------------------

@checks("azurerm_machine_learning_workspace")
def _aml_workspace(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if not _is_false(body.get("public_network_access_enabled")):
        yield hit("tf-public-network-access", "public_network_access_enabled is not false",
                  "public_network_access_enabled")


@checks("azurerm_machine_learning_compute_instance", "azurerm_machine_learning_compute_cluster")
def _aml_compute(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    if not _is_false(body.get("node_public_ip_enabled")):
        yield hit("tf-notebook-internet", "node_public_ip_enabled is not false (the default gives the node a "
                  "public IP)", "node_public_ip_enabled")


@checks("azurerm_storage_account")
def _azure_storage(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    for key in ("allow_nested_items_to_be_public", "allow_blob_public_access"):
        if _is_true(body.get(key)):
            yield hit("tf-bucket-public-access-block", f"{key} = true: blobs may be made public", key)


@checks("azurerm_storage_container")
def _azure_container(body: dict[str, Any], hit: _Hit, context: str) -> Iterator[Finding]:
    access = _attr(body, "container_access_type")
    if access in ("blob", "container"):
        yield hit("tf-bucket-public", f'container_access_type = "{access}": anonymous read access',
                  "container_access_type")
