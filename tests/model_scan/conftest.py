from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import build_benign


@pytest.fixture(scope="session")
def benign_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_benign(tmp_path_factory.mktemp("benign"))
