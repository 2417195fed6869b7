"""Where the local stack keeps its state. NZILA_VAR_DIR moves all of it (the tests use their own)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = Path(os.environ.get("NZILA_VAR_DIR", ROOT / "var"))
RUN_DIR = VAR_DIR / "run"
LOG_DIR = VAR_DIR / "log"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
# Import path for every Python child: the repository root and the platform/ folder (not a package).
PYTHONPATH = f"{ROOT}{os.pathsep}{ROOT / 'platform'}"
