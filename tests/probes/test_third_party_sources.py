import pytest

from secplan.compliance.evidence import COMPLIANCE_RECORDS, ComplianceRecords
from secplan.vocabulary import Outcome

from .cases import NA, NE, Case
from .helpers import collector_installed, make_project, outcomes, run_probe

ID = "third-party-sources"


def test_hub_and_api_clients_are_found(project_dir):
    make_project(project_dir, {"a.py": "from transformers import AutoModel\nm = AutoModel.from_pretrained('x/y')\n",
                               "b.py": "from openai import OpenAI\n"})
    results = run_probe(ID, project_dir)
    if collector_installed("compliance_records"):
        assert results == []
    else:
        assert outcomes(results) == [Outcome.NO_EVIDENCE]
        assert "Hugging Face" in results[0].message and "OpenAI" in results[0].message


def test_no_third_parties(project_dir):
    make_project(project_dir, {"a.py": "import numpy\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


HUB = {"a.py": "from transformers import AutoModel\nm = AutoModel.from_pretrained('x/y')\n",
       "b.py": "from openai import OpenAI\n"}

CASES = [
    # Neither positive nor negative on purpose: with vendor records, vendor-agreements and vendor-reviews
    # judge each vendor; this probe only says when providers are used with no records at all.
    Case(ID, "providers in use with a vendor register", (), files=HUB,
         evidence={COMPLIANCE_RECORDS: ComplianceRecords(available=True, vendors=[])}),
    Case(ID, "providers in use without vendor records", (NE,), files=HUB,
         says=("third-party providers in use without vendor records: Hugging Face (a.py), OpenAI (b.py)",)),
    Case(ID, "no third-party provider", (NA,), files={"a.py": "import numpy\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
