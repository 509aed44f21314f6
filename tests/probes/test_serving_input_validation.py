import pytest

from secplan.vocabulary import Outcome

from .cases import NA, Case, N, P
from .helpers import make_project, negatives, outcomes, run_probe

ID = "serving-input-validation"
UNVALIDATED = """from flask import Flask, request
app = Flask(__name__)

@app.post("/p")
def p():
    return {"y": model.predict([request.json["x"]]).tolist()}
"""
VALIDATED = """from fastapi import FastAPI
from pydantic import BaseModel
class In(BaseModel):
    x: float
app = FastAPI()
@app.post("/p")
def p(body: In):
    return {"y": model.predict([[body.x]]).tolist()}
"""


def test_serving_without_schema_is_negative_with_line(project_dir):
    make_project(project_dir, {"a.py": UNVALIDATED, "b.py": VALIDATED, "train.py": "model.predict(x)\n"})
    results = run_probe(ID, project_dir)
    assert [(r.location.path, r.location.line) for r in negatives(results)] == [("a.py", 6)]
    assert [r.location.path for r in results if r.outcome == Outcome.POSITIVE] == ["b.py"]


def test_no_serving_code(project_dir):
    make_project(project_dir, {"train.py": "model.fit(x, y)\nmodel.predict(x)\n"})
    assert outcomes(run_probe(ID, project_dir)) == [Outcome.NOT_APPLICABLE]


CASES = [
    Case(ID, "serving code with a pydantic schema", (P,), files={"serve.py": VALIDATED},
         says=("serving code declares an input schema",)),
    Case(ID, "flask handler passing requests straight to the model", (N,), files={"serve.py": UNVALIDATED},
         says=("passes requests to the model without input validation",)),
    Case(ID, "training code only", (NA,), files={"train.py": "model.predict(x)\n"}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir) -> None:
    case.check(project_dir)
