"""Cloud IaC rules across the Terraform resource variants that write the same setting (AWS and
Google provider documentation): each planted resource fires once, on its attribute's line; each
documented private form stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.platform.config.terraform import policy_is_public
from secplan.platform.scan import Scanner, scan_project

PLANTED = {
    "tf-bucket-public": [
        'resource "aws_s3_bucket" "legacy" {\n  bucket = "b"\n  acl    = "public-read-write" # <-\n}\n',
        'resource "aws_s3_bucket_acl" "grant" {\n  bucket = "b"\n  access_control_policy { # <-\n    grant {\n'
        '      grantee {\n        type = "Group"\n        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"\n'
        '      }\n      permission = "READ"\n    }\n    owner {\n      id = "x"\n    }\n  }\n}\n',
        'resource "google_storage_bucket_acl" "acl" {\n  bucket      = "b"\n'
        '  role_entity = ["OWNER:project-owners-1", "READER:allUsers"] # <-\n}\n',
        'resource "google_storage_default_object_acl" "d" {\n  bucket      = "b"\n'
        '  role_entity = ["READER:allAuthenticatedUsers"] # <-\n}\n',
        'resource "google_storage_object_acl" "o" {\n  bucket         = "b"\n  object         = "model.bin"\n'
        '  predefined_acl = "publicRead" # <-\n}\n',
        'resource "google_storage_bucket_access_control" "c" {\n  bucket = "b"\n  role   = "READER"\n'
        '  entity = "allUsers" # <-\n}\n',
        'resource "google_storage_default_object_access_control" "c" {\n  bucket = "b"\n  role   = "READER"\n'
        '  entity = "allAuthenticatedUsers" # <-\n}\n',
        'resource "azurerm_storage_container" "c" {\n  name = "models"\n  container_access_type = "blob" # <-\n}\n',
    ],
    "tf-bucket-public-policy": [
        'resource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({ # <-\n'
        '    Version = "2012-10-17"\n    Statement = [{\n      Effect    = "Allow"\n      Principal = "*"\n'
        '      Action    = "s3:GetObject"\n      Resource  = "arn:aws:s3:::b/*"\n    }]\n  })\n}\n',
        'resource "aws_s3_bucket_policy" "h" {\n  bucket = "b"\n  policy = <<POLICY\n'
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]},\n'
        ' "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}\nPOLICY\n}\n',
        'data "aws_iam_policy_document" "public" {\n  statement {\n    actions   = ["s3:GetObject"]\n'
        '    resources = ["arn:aws:s3:::b/*"]\n    principals {\n      type        = "AWS"\n'
        '      identifiers = ["*"]\n    }\n  }\n}\nresource "aws_s3_bucket_policy" "d" {\n  bucket = "b"\n'
        '  policy = data.aws_iam_policy_document.public.json # <-\n}\n',
        'resource "google_storage_bucket_iam_binding" "b" {\n  bucket  = "b"\n  role    = "roles/storage.objectViewer"\n'
        '  members = ["user:a@example.com", "allAuthenticatedUsers"] # <-\n}\n',
        'resource "google_storage_object_iam_member" "m" {\n  bucket = "b"\n  object = "o"\n'
        '  role   = "roles/storage.objectViewer"\n  member = "allUsers" # <-\n}\n',
        'data "google_iam_policy" "viewer" {\n  binding {\n    role    = "roles/storage.objectViewer"\n'
        '    members = ["allUsers"]\n  }\n}\nresource "google_storage_bucket_iam_policy" "p" {\n  bucket = "b"\n'
        '  policy_data = data.google_iam_policy.viewer.policy_data # <-\n}\n',
    ],
    "tf-bucket-public-access-block": [
        'resource "aws_s3_account_public_access_block" "a" {\n  block_public_acls   = true\n'
        '  block_public_policy = false # <-\n}\n',
        'resource "google_storage_bucket" "g" {\n  name = "g"\n  location = "EU"\n'
        '  public_access_prevention = "inherited" # <-\n  encryption {\n    default_kms_key_name = "k"\n  }\n}\n',
        'resource "azurerm_storage_account" "s" {\n  name = "s"\n  allow_nested_items_to_be_public = true # <-\n}\n',
    ],
    "tf-sagemaker-network-isolation": [
        'resource "aws_sagemaker_model" "m" { # <-\n  name = "m"\n  execution_role_arn = "arn"\n}\n',
    ],
    "tf-notebook-internet": [
        'resource "google_notebooks_runtime" "r" {\n  name = "r"\n  location = "us-central1"\n'
        '  virtual_machine {\n    virtual_machine_config {\n      machine_type = "n1-standard-4"\n'
        '      internal_ip_only = false # <-\n    }\n  }\n}\n',
        'resource "google_colab_runtime_template" "t" {\n  name = "t"\n  network_spec {\n'
        '    enable_internet_access = true # <-\n  }\n}\n',
        'resource "google_vertex_ai_index_endpoint" "e" {\n  display_name = "e"\n'
        '  public_endpoint_enabled = true # <-\n}\n',
        'resource "google_workbench_instance" "w" {\n  name = "w"\n  gce_setup { # <-\n    machine_type = "e2-standard-4"\n'
        '  }\n}\n',
        'resource "azurerm_machine_learning_compute_instance" "ci" { # <-\n  name = "ci"\n  virtual_machine_size = "S"\n}\n',
    ],
}

SAFE = [
    'resource "aws_s3_bucket_acl" "a" {\n  bucket = "b"\n  acl = "private"\n}\n',
    'resource "aws_s3_bucket_ownership_controls" "o" {\n  bucket = "b"\n  rule {\n'
    '    object_ownership = "BucketOwnerEnforced"\n  }\n}\n',
    'resource "aws_s3_bucket_policy" "p" {\n  bucket = "b"\n  policy = jsonencode({\n    Statement = [{\n'
    '      Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*"\n'
    '      Condition = { StringEquals = { "aws:SourceVpce" = "vpce-1a2b3c4d" } }\n    }]\n  })\n}\n',
    'resource "aws_s3_bucket_policy" "d" {\n  bucket = "b"\n  policy = jsonencode({\n    Statement = [{\n'
    '      Effect = "Deny", Principal = "*", Action = "s3:*", Resource = "arn:aws:s3:::b/*"\n    }]\n  })\n}\n',
    'data "aws_iam_policy_document" "team" {\n  statement {\n    principals {\n      type        = "AWS"\n'
    '      identifiers = ["arn:aws:iam::123456789012:role/ml"]\n    }\n    actions = ["s3:GetObject"]\n  }\n}\n'
    'resource "aws_s3_bucket_policy" "t" {\n  bucket = "b"\n  policy = data.aws_iam_policy_document.team.json\n}\n',
    'resource "aws_s3_bucket_public_access_block" "b" {\n  bucket = "b"\n  block_public_acls = true\n'
    '  block_public_policy = true\n  ignore_public_acls = true\n  restrict_public_buckets = true\n}\n',
    'resource "google_storage_bucket_iam_member" "m" {\n  bucket = "b"\n  role = "roles/storage.objectViewer"\n'
    '  member = "serviceAccount:trainer@p.iam.gserviceaccount.com"\n}\n',
    'resource "google_storage_bucket" "g" {\n  name = "g"\n  location = "EU"\n  public_access_prevention = "enforced"\n'
    '  encryption {\n    default_kms_key_name = "k"\n  }\n}\n',
    'resource "aws_sagemaker_model" "m" {\n  name = "m"\n  execution_role_arn = "arn"\n'
    '  enable_network_isolation = true\n}\n',
    'resource "google_workbench_instance" "w" {\n  name = "w"\n  gce_setup {\n    disable_public_ip = true\n  }\n}\n',
    'resource "google_notebooks_runtime" "r" {\n  name = "r"\n  virtual_machine {\n    virtual_machine_config {\n'
    '      internal_ip_only = true\n    }\n  }\n}\n',
    'resource "google_vertex_ai_index_endpoint" "e" {\n  display_name = "e"\n  network = "projects/1/global/networks/n"\n}\n',
    'resource "azurerm_machine_learning_compute_instance" "ci" {\n  name = "ci"\n  node_public_ip_enabled = false\n}\n',
    'resource "azurerm_storage_container" "c" {\n  name = "models"\n  container_access_type = "private"\n}\n',
]


@pytest.mark.parametrize(("rule", "source"), [(r, s) for r, cases in PLANTED.items() for s in cases],
                         ids=lambda x: x if x.startswith("tf-") else x.split('"')[1])
def test_planted_variant_fires_on_its_line(project_dir: Path, write, rule: str, source: str) -> None:
    write("infra/main.tf", source)
    found = [f for f in scan_project(project_dir, scanners={Scanner.CONFIG}).findings if f.rule == rule]
    # a heredoc's opening line cannot carry a comment: there the attribute's line is expected
    expected = [i for i, line in enumerate(source.splitlines(), 1) if "# <-" in line or line.endswith("<<POLICY")]
    assert [f.line for f in found] == expected, [f.message for f in found]


@pytest.mark.parametrize("source", SAFE, ids=lambda s: s.split('"')[1])
def test_private_forms_stay_quiet(project_dir: Path, write, source: str) -> None:
    write("infra/main.tf", source)
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    assert [f.rule for f in found if f.rule != "tf-storage-unencrypted"] == []


def test_a_policy_document_in_another_file_is_followed(project_dir: Path, write) -> None:
    write("infra/policy.tf", PLANTED["tf-bucket-public-policy"][2].split("resource ")[0])
    write("infra/bucket.tf", "resource " + PLANTED["tf-bucket-public-policy"][2].split("resource ", 1)[1])
    found = scan_project(project_dir, scanners={Scanner.CONFIG}).findings
    assert [(f.path, f.rule) for f in found] == [("infra/bucket.tf", "tf-bucket-public-policy")]


def test_policy_statements_are_judged_one_by_one() -> None:
    two = ('{"Statement": [{"Effect": "Allow", "Principal": "*", "Condition": {"IpAddress": {}}},'
           ' {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject"}]}')
    assert policy_is_public(two)
    assert not policy_is_public('{"Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}}]}')
