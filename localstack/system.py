"""Installing Debian packages the stack needs, once, when they are missing."""

import os
import shutil
import subprocess

from .process import ServiceError

_apt_updated = False


def apt_install(*packages: str) -> None:
    global _apt_updated
    if os.geteuid() != 0:
        raise ServiceError(f"Installing {', '.join(packages)} needs root (apt-get); install them and retry.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
        _apt_updated = True
    result = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ServiceError(f"apt-get could not install {', '.join(packages)}:\n{result.stderr[-2000:]}")


def require_command(command: str, package: str) -> str:
    path = shutil.which(command)
    if path is None:
        apt_install(package)
        path = shutil.which(command)
    if path is None:
        raise ServiceError(f"{command} is missing even after installing {package}")
    return path
