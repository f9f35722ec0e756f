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


def test_two_workers_keep_people_apart(tmp_path):
    # This checkout's code (python -m okr), not whichever `okr` happens to be installed.
    root = str(Path(__file__).resolve().parent.parent)
    okr = [sys.executable, "-m", "okr"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env.update(OKR_INSTANCE_PATH=str(tmp_path), OKR_SECRET_KEY="serve-test-secret-key-0123456789", PYTHONPATH=root)
    subprocess.run([*okr, "init"], env=env, check=True, capture_output=True, cwd=root)
    for email, name in (("ana@example.com", "Ana Alpha"), ("bo@example.com", "Bo Beta")):
        subprocess.run(
            [*okr, "create-user", email, "--name", name, "--password", "a long password"],
            env=env,
            check=True,
            capture_output=True,
            cwd=root,
        )
    port = _port()
    server = subprocess.Popen(
        [*okr, "run", "--port", str(port), "--workers", "2"],
        cwd=root,
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


# --- how `okr run` serves: slow clients, body limits, forwarded headers ---------------------------

ROOT = Path(__file__).resolve().parent.parent
STRONG = "plum-orbit-lantern-42"


class _Served:
    """`python -m okr run` from this checkout on a free port, with its own instance folder."""

    def __init__(self, tmp_path, workers=2, **settings):
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
        self.env.update(
            OKR_INSTANCE_PATH=str(tmp_path),
            OKR_SECRET_KEY="serve-test-secret-key-0123456789",
            PYTHONPATH=str(ROOT),
            **{f"OKR_{k}": str(v) for k, v in settings.items()},
        )
        self.okr = [sys.executable, "-m", "okr"]
        subprocess.run([*self.okr, "init"], env=self.env, check=True, capture_output=True, cwd=ROOT)
        self.port = _port()
        self.workers = workers

    def create_user(self, email):
        subprocess.run(
            [*self.okr, "create-user", email, "--name", "Ana", "--password", STRONG],
            env=self.env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )

    def __enter__(self):
        self.server = subprocess.Popen(
            [*self.okr, "run", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(200):
            try:
                status, _ = self.get("/healthz", timeout=2)
                if status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        os.killpg(self.server.pid, signal.SIGTERM)
        self.server.wait(40)

    def get(self, path, headers=None, timeout=5):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            resp.read()
            return resp.status, resp.headers
        finally:
            conn.close()

    def chunked(self, path, chunks, headers=None, stall=False):
        """A raw socket sending a chunked POST; ``stall`` leaves the body unfinished."""
        sock = socket.create_connection(("127.0.0.1", self.port), 5)
        head = [f"POST {path} HTTP/1.1", "Host: localhost", "Transfer-Encoding: chunked"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for chunk in chunks:
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        if not stall:
            sock.sendall(b"0\r\n\r\n")
        return sock


def _status_of(sock, timeout):
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            more = sock.recv(4096)
            if not more:
                break
            data += more
    except OSError:
        return None
    return int(data.split()[1]) if data.startswith(b"HTTP/") else None


def test_forged_forwarded_headers_from_loopback_are_ignored(tmp_path):
    forged = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Ssl": "on",
        "X-Forwarded-Protocol": "ssl",
        "X-Forwarded-For": "203.0.113.7",
    }
    with _Served(tmp_path / "direct", TRUSTED_PROXIES=0) as served:
        status, headers = served.get("/login", headers=forged)
        assert status == 200
        assert "Strict-Transport-Security" not in headers
        assert "secure" not in headers["Set-Cookie"].lower()
    # Behind one trusted proxy the same header is believed: the check above is not vacuous.
    with _Served(tmp_path / "proxied", TRUSTED_PROXIES=1) as served:
        status, headers = served.get("/login", headers=forged)
        assert status == 200 and "Strict-Transport-Security" in headers
        assert "secure" in headers["Set-Cookie"].lower()


def test_two_stalled_chunked_bodies_do_not_starve_the_app(tmp_path):
    with _Served(tmp_path, workers=2) as served:
        stalled = [served.chunked("/login", [b"email=a"], stall=True) for _ in range(2)]
        try:
            time.sleep(0.5)
            started = time.monotonic()
            status, _ = served.get("/login", timeout=5)
            assert status == 200 and time.monotonic() - started < 2
            # A client that stops sending is answered 408 and dropped within seconds.
            assert _status_of(stalled[0], 20) == 408
        finally:
            for sock in stalled:
                sock.close()


def test_a_chunked_body_past_the_size_limit_gets_413_and_a_whole_one_is_read(tmp_path):
    with _Served(tmp_path, MAX_CONTENT_LENGTH=65536) as served:
        served.create_user("ana@example.com")
        big = served.chunked("/login", [b"email=" + b"a" * 40000, b"b" * 40000])
        try:
            assert _status_of(big, 10) == 413
        finally:
            big.close()
        # A chunked sign-in under the limit arrives whole: the form is read and the person signed in.
        conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=5)
        conn.request("GET", "/login")
        resp = conn.getresponse()
        page = resp.read().decode()
        cookie = resp.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        conn.close()
        body = urlencode({"email": "ana@example.com", "password": STRONG, "csrf_token": token}).encode()
        sock = served.chunked(
            "/login",
            [body[:10], body[10:]],
            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            assert _status_of(sock, 10) == 302
        finally:
            sock.close()
