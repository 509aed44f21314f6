"""Third-party model and AI service providers are known (CS-6)."""

import re
from collections.abc import Iterator

from secplan.assess.evidence import Evidence
from secplan.assess.files import read_text
from secplan.assess.interface import Result, no_evidence, not_applicable
from secplan.compliance.evidence import COMPLIANCE_RECORDS
from secplan.vocabulary import AssetKind

NEEDS = ()
OPTIONAL = (COMPLIANCE_RECORDS,)
"""With the vendor register installed, its probes judge the records."""

PROVIDERS = {
    "Hugging Face": re.compile(r"from_pretrained\(|hf_hub_download|snapshot_download|huggingface_hub"),
    "PyTorch Hub": re.compile(r"torch\.hub\.load"),
    "OpenAI": re.compile(r"\bimport openai\b|from openai import|OpenAI\("),
    "Anthropic": re.compile(r"\bimport anthropic\b|from anthropic import|Anthropic\("),
    "Cohere": re.compile(r"\bimport cohere\b"),
    "Replicate": re.compile(r"\bimport replicate\b"),
    "Google AI": re.compile(r"google\.generativeai|vertexai"),
    "AWS Bedrock": re.compile(r"['\"]bedrock-runtime['\"]"),
}


def run(ev: Evidence) -> Iterator[Result]:
    found: dict[str, str] = {}
    for f in ev.files_of(AssetKind.CODE, AssetKind.NOTEBOOK):
        text = read_text(ev.root / f.path)
        if not text:
            continue
        for provider, pattern in PROVIDERS.items():
            if provider not in found and pattern.search(text):
                found[provider] = f.path
    if not found:
        yield not_applicable("no third-party model hub or AI service is referenced in code")
        return
    if not ev.provides(COMPLIANCE_RECORDS):
        names = ", ".join(f"{p} ({path})" for p, path in found.items())
        yield no_evidence(f"third-party providers in use without vendor records: {names}")
