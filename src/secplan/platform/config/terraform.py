"""Terraform checks (parsed with python-hcl2, never executed): ML notebooks, endpoints and storage on
AWS, Google Cloud and Azure without encryption keys, with root access, or open to the internet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from secplan.platform.findings import Finding, finding
from secplan.vocabulary import Severity

PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}


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


def _attr(body: dict[str, Any], name: str) -> Any:
    return _unq(body.get(name))


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


def check_terraform(doc: dict[str, Any], text: str, path: str, *, project_text: str = "") -> Iterator[Finding]:
    """``project_text`` is every .tf file of the project joined, for resources that refer to one another."""
    context = project_text or text
    for rtype, name, body in resources(doc):
        match = re.search(rf'resource\s+"{re.escape(rtype)}"\s+"{re.escape(name)}"', text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        ref = f"{rtype}.{name}"

        def hit(rule: str, message: str, severity: Severity | None = None, _line=line, _ref=ref) -> Finding:
            return finding(rule, path, _line, f"{_ref}: {message}", severity=severity)

        if rtype == "aws_sagemaker_notebook_instance":
            if _attr(body, "root_access") != "Disabled":
                yield hit("tf-sagemaker-root-access", "root_access is not Disabled (the default is Enabled)")
            if _attr(body, "direct_internet_access") != "Disabled":
                yield hit("tf-notebook-internet", "direct_internet_access is not Disabled (the default is Enabled)")
            if not _attr(body, "kms_key_id"):
                yield hit("tf-storage-unencrypted", "notebook volume without kms_key_id")
        elif rtype == "aws_sagemaker_endpoint_configuration":
            if not _attr(body, "kms_key_arn"):
                yield hit("tf-storage-unencrypted", "endpoint storage without kms_key_arn")
        elif rtype == "aws_sagemaker_domain":
            if _attr(body, "app_network_access_type") != "VpcOnly":
                yield hit("tf-notebook-internet", "app_network_access_type is not VpcOnly (PublicInternetOnly by default)")
        elif rtype in ("aws_s3_bucket", "aws_s3_bucket_acl"):
            if _attr(body, "acl") in PUBLIC_ACLS:
                yield hit("tf-bucket-public", f"acl = {_attr(body, 'acl')}")
            if rtype == "aws_s3_bucket" and _block(body, "server_side_encryption_configuration") is None and not re.search(
                rf'aws_s3_bucket_server_side_encryption_configuration"[^{{]*{{[^}}]*aws_s3_bucket\.{re.escape(name)}\b',
                context,
            ):
                yield hit("tf-storage-unencrypted", "no server-side encryption configuration with a KMS key",
                          severity=Severity.LOW)
        elif rtype == "aws_s3_bucket_public_access_block":
            off = [k for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                               "restrict_public_buckets") if _is_false(body.get(k))]
            if off:
                yield hit("tf-bucket-public", f"public access block disabled: {', '.join(off)}", Severity.HIGH)
        elif rtype in ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"):
            members = [_unq(m) for m in (body.get("members") or [])] + [_attr(body, "member")]
            if {"allUsers", "allAuthenticatedUsers"} & {str(m) for m in members}:
                yield hit("tf-bucket-public", "grants access to allUsers / allAuthenticatedUsers")
        elif rtype == "google_storage_bucket":
            if not (_block(body, "encryption") or {}).get("default_kms_key_name"):
                yield hit("tf-storage-unencrypted", "no CMEK (encryption.default_kms_key_name)", Severity.LOW)
        elif rtype == "google_notebooks_instance":
            if not _is_true(body.get("no_public_ip")):
                yield hit("tf-notebook-internet", "no_public_ip is not true: the notebook gets a public IP")
            if _attr(body, "disk_encryption") != "CMEK":
                yield hit("tf-storage-unencrypted", "disk_encryption is not CMEK")
        elif rtype == "google_workbench_instance":
            setup = _block(body, "gce_setup") or {}
            if not _is_true(setup.get("disable_public_ip")):
                yield hit("tf-notebook-internet", "gce_setup.disable_public_ip is not true")
        elif rtype in ("google_vertex_ai_endpoint", "google_vertex_ai_dataset", "google_vertex_ai_featurestore",
                       "google_vertex_ai_index", "google_vertex_ai_metadata_store", "google_vertex_ai_tensorboard"):
            if _block(body, "encryption_spec") is None:
                yield hit("tf-storage-unencrypted", "no encryption_spec (CMEK)")
        elif rtype == "azurerm_machine_learning_workspace":
            if not _is_false(body.get("public_network_access_enabled")):
                yield hit("tf-public-network-access", "public_network_access_enabled is not false")
        elif rtype == "azurerm_storage_account" and (
            _is_true(body.get("allow_nested_items_to_be_public")) or _is_true(body.get("allow_blob_public_access"))
        ):
            yield hit("tf-bucket-public", "blobs may be made public", Severity.HIGH)
