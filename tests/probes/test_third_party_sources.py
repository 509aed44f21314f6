from secplan.vocabulary import Outcome

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
