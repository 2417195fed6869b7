"""The layer contract (pyproject.toml, [tool.importlinter]) holds, and it covers every top-level package.

import-linter checks it (`lint-imports`, also run by .ci/run); this test runs the same check in the unit
tier, so a wrong import fails where it is written."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_layer_contract_is_kept():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "platform")}
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([lint, "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_contract_covers_every_top_level_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    # A folder of Python modules at the root (bench/ is one without __init__.py), or an app in platform/.
    folders = {path.parent for path in ROOT.glob("*/*.py")} - {ROOT / "platform"}
    packages = {folder.name for folder in folders} | {path.parent.name for path in ROOT.glob("platform/*/__init__.py")}
    assert packages == set(config["root_packages"])
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    layered = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    assert layered == packages
