"""The production settings pass Django's deployment checklist with no warnings."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

AGENCYDESK = str(Path(sys.executable).parent / "agencydesk")


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "desk.agency.example",
        "AGENCYDESK_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "AGENCYDESK_MAILBOX_KEY": "dGVzdC1tYWlsYm94LWtleS0wMTIzNDU2Nzg5YWJjZGU=",
        **extra,
    }
    # The browser tests of this same run set it for themselves; production never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``agencydesk manage check --deploy``, failing on any warning."""
    return subprocess.run(
        [AGENCYDESK, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings(tmp_path):
    env = _production_env(tmp_path, WEB_TRUSTED_PROXY="127.0.0.1")
    done = _check_deploy(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_the_mailbox_key(tmp_path):
    env = _production_env(tmp_path, WEB_TRUSTED_PROXY="127.0.0.1")
    env.pop("AGENCYDESK_MAILBOX_KEY")
    done = _check_deploy(env)
    assert done.returncode != 0
    assert "AGENCYDESK_MAILBOX_KEY must be set in production" in done.stderr


def test_check_deploy_warns_when_no_proxy_is_trusted(tmp_path):
    env = _production_env(tmp_path)
    env.pop("WEB_TRUSTED_PROXY", None)
    done = _check_deploy(env)
    assert done.returncode != 0
    assert "agencydesk.W011" in done.stdout + done.stderr
    assert "WEB_TRUSTED_PROXY" in done.stdout + done.stderr


def test_production_server_without_a_trusted_proxy_warns_at_start_and_on_forwarded_requests(
    tmp_path,
):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _production_env(tmp_path)
    env.pop("WEB_TRUSTED_PROXY", None)
    subprocess.run([AGENCYDESK, "manage", "migrate"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [AGENCYDESK, "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, server)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "GET",
            "/accounts/login/",
            headers={
                "Host": "desk.agency.example",
                "X-Forwarded-For": "198.51.100.7",
                "X-Forwarded-Proto": "https",
            },
        )
        # Not believed: the scheme stays plain HTTP, so the TLS redirect answers.
        assert connection.getresponse().status == 301
        connection.close()
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=10)
    assert "WARNING: WEB_TRUSTED_PROXY is empty" in err
    assert "A request from 127.0.0.1 carries X-Forwarded-For" in err
    assert "WEB_TRUSTED_PROXY=127.0.0.1" in err


def test_production_settings_refuse_to_start_without_a_secret(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "agencydesk.settings.production",
        "AGENCYDESK_DATA_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [AGENCYDESK, "manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)


def test_production_server_behind_a_tls_proxy_keeps_many_clients(tmp_path):
    """Behind a TLS proxy: no redirect loop, plain HTTP redirected, 150 keep-alive clients served."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _production_env(tmp_path, WEB_TRUSTED_PROXY="127.0.0.1")
    env.pop("WEB_CONNECTIONS", None)
    subprocess.run([AGENCYDESK, "manage", "migrate"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [AGENCYDESK, "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    connections: list[http.client.HTTPConnection] = []
    try:
        _wait_for(port, server)
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        plain.request("GET", "/accounts/login/", headers={"Host": "desk.agency.example"})
        response = plain.getresponse()
        assert response.status == 301
        assert response.getheader("Location") == "https://desk.agency.example/accounts/login/"
        plain.close()
        # waitress's own default would stop at 100 open connections; the 101st would hang.
        for _ in range(150):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request(
                "GET",
                "/accounts/login/",
                headers={"Host": "desk.agency.example", "X-Forwarded-Proto": "https"},
            )
            response = connection.getresponse()
            assert response.status == 200, response.status
            assert b"csrfmiddlewaretoken" in response.read()
            connections.append(connection)
    finally:
        for connection in connections:
            connection.close()
        server.terminate()
        server.wait(timeout=10)
