"""Every manifest kind: exact pins, unpinned specs, includes, extras, markers, hashes; broken files warn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secplan.platform.manifests import read_manifest
from secplan.platform.scan import Scanner, scan_project


def pins(deps) -> dict[str, str | None]:
    return {d.name: d.version for d in deps}


def test_requirements_with_includes_hashes_markers_extras(project_dir: Path, write) -> None:
    write("requirements.txt", """# top
-r requirements/base.txt
--index-url https://pypi.org/simple
Pillow[avif]==9.0.0 ; python_version >= "3.8" \\
    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000
scikit_learn==0.23.0  # trailing comment
jinja2>=2.10
torch==2.*
-e ./local-package
mypkg @ https://example.com/mypkg.tar.gz
""")
    write("requirements/base.txt", "numpy===1.19.0\n-c ../constraints.txt\n")
    write("constraints.txt", "PyYAML==5.3\n")
    deps = read_manifest(project_dir / "requirements.txt", project_dir)
    assert pins(deps) == {"numpy": "1.19.0", "pyyaml": "5.3", "pillow": "9.0.0", "scikit-learn": "0.23.0",
                          "jinja2": None, "torch": None}
    pillow = next(d for d in deps if d.name == "pillow")
    assert pillow.line == 4 and pillow.path == "requirements.txt"
    assert next(d for d in deps if d.name == "numpy").path == "requirements/base.txt"


def test_requirements_include_cycle_and_missing_include(project_dir: Path, write) -> None:
    write("requirements-a.txt", "-r requirements-b.txt\nnumpy==1.0\n")
    write("requirements-b.txt", "-r requirements-a.txt\nscipy==1.0\n")
    assert pins(read_manifest(project_dir / "requirements-a.txt", project_dir)) == {"numpy": "1.0", "scipy": "1.0"}
    write("requirements-c.txt", "-r /etc/passwd\nscipy==1.1\n")
    problems: list[str] = []
    assert pins(read_manifest(project_dir / "requirements-c.txt", project_dir, problems)) == {"scipy": "1.1"}
    assert problems == ["requirements-c.txt:1: included file /etc/passwd not found in the project"]


def test_one_unreadable_line_never_drops_the_rest(project_dir: Path, write) -> None:
    write("requirements.txt", "numpy==1.0\nthis is not ][ valid\n-e git+https://github.com/org/lib.git#egg=lib\n"
                              "git+https://github.com/org/other.git@v1.2#egg=other\n./vendored/pkg\n"
                              "https://files.example.com/wheel-1.0-py3-none-any.whl\npandas==2.0.0\n")
    problems: list[str] = []
    assert pins(read_manifest(project_dir / "requirements.txt", project_dir, problems)) == {
        "numpy": "1.0", "pandas": "2.0.0"}
    assert [p.split(":")[1] for p in problems] == ["2", "3", "4", "5", "6"]
    assert problems[0].startswith("requirements.txt:2: invalid requirement") and "still read" in problems[0]
    assert "editable" in problems[1] and all("not checked against advisories" in p for p in problems[1:])


def test_lock_files(project_dir: Path, write) -> None:
    write("poetry.lock", '[[package]]\nname = "PyYAML"\nversion = "5.3"\n\n[[package]]\nname = "numpy"\nversion = "1.19.0"\n')
    write("uv.lock", 'version = 1\n[[package]]\nname = "requests"\nversion = "2.25.1"\n'
          '[[package]]\nname = "myproj"\nversion = "0.1.0"\nsource = { editable = "." }\n')
    write("pylock.toml", 'lock-version = "1.0"\n[[packages]]\nname = "torch"\nversion = "1.13.0"\n')
    write("Pipfile.lock", json.dumps({"_meta": {}, "default": {"jinja2": {"version": "==2.11.2"}},
                                      "develop": {"pytest": {"version": "*"}}}))
    assert pins(read_manifest(project_dir / "poetry.lock", project_dir)) == {"pyyaml": "5.3", "numpy": "1.19.0"}
    assert pins(read_manifest(project_dir / "uv.lock", project_dir)) == {"requests": "2.25.1"}
    assert pins(read_manifest(project_dir / "pylock.toml", project_dir)) == {"torch": "1.13.0"}
    assert pins(read_manifest(project_dir / "Pipfile.lock", project_dir)) == {"jinja2": "2.11.2", "pytest": None}
    assert read_manifest(project_dir / "poetry.lock", project_dir)[0].line == 2


def test_environment_yml_reads_only_the_pip_section(project_dir: Path, write) -> None:
    write("environment.yml", "name: ml\ndependencies:\n  - python=3.11\n  - numpy=1.19\n  - pip:\n"
          "    - mlflow==2.9.0\n    - transformers>=4\n")
    assert pins(read_manifest(project_dir / "environment.yml", project_dir)) == {"mlflow": "2.9.0", "transformers": None}


def test_pyproject_pep621_and_poetry(project_dir: Path, write) -> None:
    write("pyproject.toml", """[project]
name = "demo"
dependencies = ["requests==2.25.1", "numpy>=1.20", "demo-utils==0.1"]
[project.optional-dependencies]
ml = ["torch==1.13.0"]
all = ["demo[ml]"]
[tool.poetry.dependencies]
python = "^3.11"
pyyaml = "5.3"
jinja2 = "^2.10"
""")
    assert pins(read_manifest(project_dir / "pyproject.toml", project_dir)) == {
        "requests": "2.25.1", "numpy": None, "demo-utils": "0.1", "torch": "1.13.0", "pyyaml": "5.3", "jinja2": None}


@pytest.mark.parametrize(("name", "text"), [
    ("poetry.lock", "[[package]\nname = "),
    ("Pipfile.lock", "{not json"),
    ("environment.yml", "dependencies: [\n  - : :"),
    ("requirements.txt", "\x00\x01\x02binary"),
])
def test_broken_manifest_is_a_warning_and_the_scan_goes_on(project_dir: Path, write, name: str, text: str) -> None:
    write(name, text)
    write("requirements-ok.txt", "pyyaml==5.3\n")
    result = scan_project(project_dir, scanners={Scanner.VULN})
    assert any(w.startswith(name) for w in result.warnings), result.warnings
    assert [f.package for f in result.findings if f.rule == "vulnerable-dependency"].count("pyyaml") == 2
