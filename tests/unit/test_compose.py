"""compose.yaml and the Dockerfile: no fixed secret anywhere, health checks on the long-running services,
a 3-node cluster profile, and nothing of the local stack's state copied into the image."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|FERNET", re.IGNORECASE)


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_no_service_is_given_a_fixed_secret():
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert key.endswith("_FILE"), f"{name}: {key}={value!r} is a secret written in compose.yaml"
    assert "change-me" not in (ROOT / "compose.yaml").read_text()


def test_long_running_services_have_health_checks():
    services = compose()["services"]
    for name in ("postgres", "redis", "elasticsearch", "es01", "es02", "es03", "web", "worker", "beat"):
        assert "test" in services[name].get("healthcheck", {}), name


def test_the_cluster_profile_has_three_nodes_that_find_each_other():
    services = compose()["services"]
    nodes = [name for name, service in services.items() if "cluster" in service.get("profiles", [])]
    assert nodes == ["es01", "es02", "es03"]
    for name in nodes:
        env = services[name]["environment"]
        assert env["node.name"] == name and env["discovery.seed_hosts"] == "es01,es02,es03"


def test_the_image_gets_no_local_state_and_the_demo_data_package():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"var", ".venv", "node_modules", ".git"} <= set(ignored)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements-demo.txt" in dockerfile and "RedactingLogger" in dockerfile
