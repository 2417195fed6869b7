"""Per-installation secrets: generated once into var/secrets.env (mode 0600), read by every process.

No stack runs on a value anyone can read in the code. `bin/setup` (through `localstack.stack up`) and the
test settings call `ensure()`; settings.py calls `load()`, so Django, gunicorn, Celery and every
management command see the same values. A variable already set in the environment wins over the file
(production sets its own from a secret store). New entries are added to an existing file; values in it
are never rewritten, so rotating one is an edit of the file (or of the environment).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from localstack.env_names import RENAMED


def _token() -> str:
    return secrets.token_urlsafe(48)


def _fernet_key() -> str:
    # Fernet's key format: 32 random bytes, url-safe base64 (what Fernet.generate_key() returns).
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


# Environment variable -> how to make a fresh value. The built-in development values these replace
# are declared beside each setting in platform/nzila/settings.py (dev_secret()).
GENERATORS: dict[str, Callable[[], str]] = {
    "DJANGO_SECRET_KEY": _token,
    "NZILA_DB_PASSWORD": _token,
    "NZILA_PAYMENTS_FERNET_KEYS": _fernet_key,
    "NZILA_PAYMENTS_CALLBACK_SECRET": _token,
    "STRIPE_WEBHOOK_SECRET": lambda: "whsec_" + secrets.token_urlsafe(32),
    "NZILA_WHATSAPP_APP_SECRET": _token,
    "NZILA_WHATSAPP_VERIFY_TOKEN": _token,
    "NZILA_METRICS_TOKEN": _token,
}


def default_path() -> Path:
    root = Path(__file__).resolve().parents[1]
    var_dir = Path(os.environ.get("NZILA_VAR_DIR", root / "var"))
    return Path(os.environ.get("NZILA_SECRETS_FILE", var_dir / "secrets.env"))


def read(path: Path | None = None) -> dict[str, str]:
    """KEY=VALUE lines of the file ({} when there is none); blank lines and # comments skipped. An entry
    under a name since renamed (localstack/env_names.py) is read under its new name, so an installation's
    secrets survive the rename."""
    path = path or default_path()
    try:
        text = path.read_text()
    except FileNotFoundError:
        return {}
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            key = key.strip()
            if key in RENAMED:
                values.setdefault(RENAMED[key], value.strip())
            else:
                values[key] = value.strip()
    return values


def ensure(path: Path | None = None) -> Path:
    """Create the file (0600) or add the entries it lacks; existing values are kept as they are."""
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = read(path)
    missing = {name: make() for name, make in GENERATORS.items() if name not in existing}
    if missing or not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as out:
            if not existing:
                out.write("# Secrets of this installation, generated once. Keep this file private.\n")
            out.writelines(f"{name}={value}\n" for name, value in missing.items())
    # Also tighten a file created by hand or copied with looser permissions.
    os.chmod(path, 0o600)
    return path


def load(path: Path | None = None) -> None:
    """Put the file's values into os.environ, below anything the environment already sets."""
    for name, value in read(path).items():
        os.environ.setdefault(name, value)


def value(name: str, default: str) -> str:
    """One secret as every process sees it: the environment, else the file, else the default."""
    return os.environ.get(name) or read().get(name) or default


def main(argv: list[str]) -> int:
    """`python -m localstack.secrets_file [PATH] [--password-file FILE]`: ensure PATH (default
    var/secrets.env); with --password-file, also write the database password alone to FILE, for
    images that read a password from a file (postgres' POSTGRES_PASSWORD_FILE)."""
    args = list(argv)
    password_file = None
    if "--password-file" in args:
        at = args.index("--password-file")
        password_file = Path(args[at + 1])
        del args[at : at + 2]
    path = ensure(Path(args[0]) if args else None)
    if password_file is not None:
        # Read by the database image's own user, not root; the volume holding it is this stack's only.
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w") as out:
            out.write(read(path)["NZILA_DB_PASSWORD"])
        os.chmod(password_file, 0o644)
    print(path)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
