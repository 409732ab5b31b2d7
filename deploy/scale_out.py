"""Start N app processes and nginx in front of them, on loopback, and stop them all.

    python -m deploy.scale_out --backends 2 --port 8080     # until Ctrl-C, then stops all

Each backend is the app as `make run` starts it (python -m app.serve), on its own port,
reading the same read-only extracts (data/, or $FABRIQUES_DATA_DIR). nginx (Debian package,
installed here when absent) balances sessions with a sticky cookie: see
deploy/nginx.conf.template and docs/deploy.md. The load test uses `ScaleOut` directly.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
PYTHON = ROOT / ".venv" / "bin" / "python"
BACKEND_HEADER = "X-Fabriques-Backend"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_config(template: str, *, run_dir: Path, listen: str, backends: list[str],
                  server_name: str = "localhost", backend_header: bool = False) -> str:
    """The nginx configuration: one `server` line per backend, the run folder, the port.

    backend_header adds the address of the backend that answered to every response, so a
    test can check that a page load and its websocket reached the same process.
    """
    if not backends:
        raise ValueError("il faut au moins un processus de l'application derrière nginx")
    servers = "\n".join(f"        server {address} max_fails=3 fail_timeout=10s;" for address in backends)
    headers = f"            add_header {BACKEND_HEADER} $upstream_addr always;" if backend_header else ""
    values = {"@RUN_DIR@": str(run_dir), "@LISTEN@": listen, "@UPSTREAM_SERVERS@": servers,
              "@SERVER_NAME@": server_name, "@EXTRA_HEADERS@": headers}
    for token, value in values.items():
        template = template.replace(token, value)
    leftover = re.search(r"@[A-Z_]+@", template)
    if leftover:
        raise ValueError(f"gabarit nginx : jeton {leftover.group()} non remplacé")
    return template


def ensure_nginx() -> str:
    """Path of nginx; installs the Debian package when it is absent."""
    found = shutil.which("nginx") or (Path("/usr/sbin/nginx").is_file() and "/usr/sbin/nginx")
    if found:
        return str(found)
    print("Installation de nginx (paquet Debian)…", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("nginx") or "/usr/sbin/nginx"


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} : le processus s'est arrêté (code {process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} ne répond pas après {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


class ScaleOut:
    """N backends + nginx; `with ScaleOut(2) as cluster: cluster.url` — all stopped on exit."""

    def __init__(self, backends: int = 2, port: int | None = None, app_module: str = "app.serve",
                 env: dict | None = None, backend_header: bool = False, backend_env=None):
        self.count = backends
        self.port = port or free_port()
        self.app_module = app_module
        self.env = {**os.environ, **(env or {})}
        self.backend_header = backend_header
        # backend_env(index) -> extra variables of one backend (the load test's counters).
        self._backend_env = backend_env
        self.run_dir = Path(tempfile.mkdtemp(prefix="fabriques-nginx-"))
        self.backend_ports: list[int] = []
        self.backend_processes: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def backend_env(self, index: int) -> dict:
        return {**self.env, **(self._backend_env(index) if self._backend_env else {})}

    def start(self) -> ScaleOut:
        try:
            self._start_backends()
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_backends(self) -> None:
        for index in range(self.count):
            port = free_port()
            log = (self.run_dir / f"backend-{index}.log").open("w")
            process = subprocess.Popen(
                [str(PYTHON), "-m", self.app_module, "--server.port", str(port),
                 # Where it listens; how it serves (no file watcher, headless) is in
                 # .streamlit/config.toml, read by make run and the systemd unit alike.
                 "--server.address", "127.0.0.1"],
                cwd=ROOT, env=self.backend_env(index), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.backend_ports.append(port)
            self.backend_processes.append(process)
        for port, process in zip(self.backend_ports, self.backend_processes):
            wait_until_healthy(f"http://127.0.0.1:{port}", process)

    def _start_nginx(self) -> None:
        nginx = ensure_nginx()
        for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / folder).mkdir()
        # nginx workers drop to an unprivileged user: they must be able to use the run folder.
        os.chmod(self.run_dir, 0o755)
        config = render_config(TEMPLATE.read_text(encoding="utf-8"), run_dir=self.run_dir,
                               listen=f"127.0.0.1:{self.port}",
                               backends=[f"127.0.0.1:{port}" for port in self.backend_ports],
                               backend_header=self.backend_header)
        conf_path = self.run_dir / "nginx.conf"
        conf_path.write_text(config, encoding="utf-8")
        subprocess.run([nginx, "-t", "-q", "-p", str(self.run_dir), "-c", str(conf_path)], check=True)
        self.nginx = subprocess.Popen(
            [nginx, "-p", str(self.run_dir), "-c", str(conf_path), "-g", "daemon off;"],
            stdout=(self.run_dir / "nginx.out").open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_healthy(self.url, self.nginx, timeout=30)

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.run_dir.glob("*.log")))

    def stop(self) -> None:
        if self.nginx is not None:
            _stop(self.nginx)
        for process in self.backend_processes:
            _stop(process)

    def __enter__(self) -> ScaleOut:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="N processus de l'application derrière nginx (boucle locale)")
    parser.add_argument("--backends", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    with ScaleOut(args.backends, args.port) as cluster:
        print(f"{args.backends} processus derrière nginx : {cluster.url} (Ctrl-C pour tout arrêter)", flush=True)
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
        try:
            while not stop and cluster.nginx.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    print("Arrêtés : nginx et les processus de l'application.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
