"""`okr run` under gunicorn with two workers: each request sees only its own signed-in person.

A server started inside the CLI's app context shares one flask.g across all requests; this
test signs two people in and checks every page names the right one.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

OKR = str(Path(sys.executable).parent / "okr")


def _port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class _Person:
    def __init__(self, port):
        self.port, self.cookie, self.token = port, "", ""

    def req(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.token})
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read().decode()
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie" and value.startswith("okr_session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        return resp.status, data

    def login(self, email):
        _s, page = self.req("GET", "/login")
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        status, _ = self.req(
            "POST", "/login", {"email": email, "password": "a long password", "csrf_token": self.token}
        )
        assert status == 302


@pytest.mark.skipif(not Path(OKR).exists(), reason="the okr command is not installed in this environment")
def test_two_workers_keep_people_apart(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env.update(OKR_INSTANCE_PATH=str(tmp_path), OKR_SECRET_KEY="serve-test-secret-key-0123456789")
    subprocess.run([OKR, "init"], env=env, check=True, capture_output=True)
    for email, name in (("ana@example.com", "Ana Alpha"), ("bo@example.com", "Bo Beta")):
        subprocess.run(
            [OKR, "create-user", email, "--name", name, "--password", "a long password"],
            env=env,
            check=True,
            capture_output=True,
        )
    port = _port()
    server = subprocess.Popen(
        [OKR, "run", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90  # gunicorn and two workers start slowly on a busy machine
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        ana, bo = _Person(port), _Person(port)
        ana.login("ana@example.com")
        bo.login("bo@example.com")
        seen = []
        for _ in range(10):
            for person, name in ((ana, "Ana Alpha"), (bo, "Bo Beta")):
                status, page = person.req("GET", "/teams")
                seen.append((status, name in page))
        assert seen == [(200, True)] * 20
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)
