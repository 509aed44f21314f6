"""PS-3: ML servers (Jupyter, Ray, MLflow...) are not started without authentication."""

from pathlib import Path

import pytest

from .cases import NA, Case, N, P
from .platformhelpers import finding, scan

CASES = [
    Case("ml-server-unauthenticated", "server started behind auth", (P,),
         files={"serve.sh": "mlflow server --host 127.0.0.1 --app-name basic-auth\n"}, evidence=scan(),
         says=("files that launch or configure servers checked, no issue found",)),
    Case("ml-server-unauthenticated", "MLflow on all interfaces without auth", (N,),
         files={"serve.sh": "mlflow server --host 0.0.0.0\n"},
         evidence=scan(finding("mlflow-no-auth", "serve.sh", 1, "MLflow server without authentication"))),
    Case("ml-server-unauthenticated", "no server files", (NA,), files={"README.md": "x\n"}, evidence=scan(files=0)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_case(case: Case, project_dir: Path) -> None:
    case.check(project_dir)
