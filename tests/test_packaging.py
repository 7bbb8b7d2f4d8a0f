"""Packaging: conda and pip agree, the wheel carries the data, and import stays fast."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge spells a few PyPI names differently
CONDA_NAMES = {"pyyaml": "pyyaml"}


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    reqs = project["dependencies"] + extras["dev"] + extras["instructor"] + extras["scale"]
    return dict(_split(r) for r in reqs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if not item.startswith("-e"):
                    found.update([_split(item)])
        else:
            name, spec = _split(dep)
            if name not in {"python", "pip"}:
                found[name] = spec.replace("==", ">=") if spec.startswith("==") else spec
    return found


def test_environment_yml_matches_pyproject():
    pyproject, environment = _pyproject(), _environment()
    assert sorted(environment) == sorted(pyproject), (
        "environment.yml and pyproject.toml list different packages: "
        f"only in environment.yml {sorted(set(environment) - set(pyproject))}, "
        f"only in pyproject.toml {sorted(set(pyproject) - set(environment))}")
    assert environment == pyproject, "the version bounds differ"


def test_constraints_pin_every_dependency():
    pins = dict(_split(line) for line in (ROOT / "constraints.txt").read_text().splitlines()
                if line and not line.startswith("#"))
    for name in _pyproject():
        assert name in pins and pins[name].startswith("=="), f"{name} is not pinned"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (path,) = out.glob("crmlab-*.whl")
    return path


def test_wheel_carries_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in (ROOT / "crmlab").rglob("*.py"):
        assert module.relative_to(ROOT).as_posix() in names
    for data in (ROOT / "datasets").rglob("*"):
        if data.is_file() and data.suffix in {".csv", ".gz", ".txt", ".md"}:
            assert "crmlab/_data/" + data.relative_to(ROOT / "datasets").as_posix() in names


def test_installed_wheel_loads_every_dataset(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    code = (
        "import crmlab, crmlab.plots, crmlab.widgets\n"
        f"assert crmlab.__file__.startswith({str(site)!r}), crmlab.__file__\n"
        "print(sum(len(crmlab.load_data(n)) for n in crmlab.list_datasets()))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(site), "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr
    import crmlab

    expected = sum(len(crmlab.load_data(n)) for n in crmlab.list_datasets())
    assert int(result.stdout) == expected


def _import_seconds(statement: str) -> float:
    """CPU seconds of an import in a fresh interpreter (CPU time: other load on a shared
    machine changes the wall clock far more than the work done)."""
    code = f"import time; t = time.process_time(); {statement}; print(time.process_time() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


TOPIC_MODULES = "import crmlab, crmlab.schema, crmlab.datasets" + "".join(
    f", crmlab.{m}" for m in ("acquisition", "rfm", "pyramid", "key_accounts", "clv")
    if (ROOT / "crmlab" / f"{m}.py").exists() or (ROOT / "crmlab" / m / "__init__.py").exists())


def test_import_crmlab_is_cheap_relative_to_pandas():
    """import crmlab (with its topic modules) costs at most 1.5x import pandas.

    Measured in CPU time, in pairs, alternately, and compared by the fastest of each (as
    ``timeit`` advises): on a shared machine the other load only ever adds time.
    """
    _import_seconds("import pandas")  # warm the file cache
    pandas, crmlab = [], []
    for _ in range(3):
        pandas.append(_import_seconds("import pandas"))
        crmlab.append(_import_seconds(TOPIC_MODULES))
    ratio = min(crmlab) / min(pandas)
    assert ratio <= 1.5, f"crmlab {min(crmlab):.3f}s vs pandas {min(pandas):.3f}s " \
                         f"(ratio {ratio:.2f}, fastest of 3 each)"


def test_heavy_libraries_are_imported_lazily():
    code = (TOPIC_MODULES + "\nimport sys\n"
            "print(sorted(m for m in ('seaborn', 'sklearn', 'scipy', 'matplotlib', 'ipywidgets')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_editable_checkout_reads_the_repository_files():
    from importlib.resources import files

    import crmlab

    assert Path(crmlab.__file__).resolve().parent == ROOT / "crmlab"
    assert Path(str(files("crmlab._data"))).resolve() == ROOT / "datasets"
