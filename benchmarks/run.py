"""Company-scale benchmark: every page and write timed through gunicorn, on SQLite or PostgreSQL.

    python benchmarks/run.py --scale 1                    # SQLite in a temporary instance folder
    python benchmarks/run.py --scale 1 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python benchmarks/run.py --smoke                      # a tiny run for CI, so the script never rots

Seeds a fresh database with `okr bench-seed`, serves it with `okr run` (gunicorn, 2 workers, on
loopback), signs in as a team manager, warms up, then measures each page and write (p50, p95,
SQL statements per request from X-Query-Count, ratio to /healthz p50), a mixed 80/20 workload
from 16 concurrent clients, and the RSS of each worker. After the writes it checks that the
rollup JSON agrees with okr.rollup.rules computed straight from the tables. Prints a table; writes
JSON. With --database-url, a new database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OKR = str(BIN / "okr")


# --- HTTP ---------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with the session cookie and CSRF token of a signed-in person."""

    def __init__(self, port: int, cookie: str = "", token: str = "", bearer: str = ""):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = cookie
        self.token = token
        self.bearer = bearer  # a personal access token: a script's requests, without a session

    def request(self, method: str, path: str, form: dict | None = None, htmx: bool = False):
        headers = {"Accept": "text/html"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.token
        if htmx:
            headers["HX-Request"] = "true"
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        elapsed = time.perf_counter() - t0
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie" and value.startswith("okr_session="):
                self.cookie = value.split(";", 1)[0]
        return resp.status, dict(resp.getheaders()), data, elapsed

    def login(self, email: str, password: str) -> None:
        status, _h, body, _t = self.request("GET", "/login")
        self.token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', body).group(1).decode()
        status, headers, _b, _t = self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": self.token}
        )
        if status != 302:
            raise SystemExit(f"sign-in as {email} failed with {status}")
        status, headers, body, _t = self.request("GET", "/teams")
        if status != 200:
            raise SystemExit(f"after signing in as {email}, /teams answered {status} {headers.get('Location')}")
        self.token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', body).group(1).decode()


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(cmd: list[str], env: dict) -> str:
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def worker_rss_mb(master_pid: int) -> list[float]:
    out = subprocess.run(["ps", "-o", "pid=,rss=", "--ppid", str(master_pid)], capture_output=True, text=True).stdout
    return [round(int(rss) / 1024, 1) for _pid, rss in (line.split() for line in out.strip().splitlines())]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --- the measurement ----------------------------------------------------------------------------


_ASSET_KB: dict[str, float] = {}


def page_weight_kb(client: Client, body: bytes) -> tuple[float, float]:
    """(HTML, its stylesheets and scripts) in KB, as a first visit downloads them uncompressed."""
    import re

    assets = set(re.findall(rb'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"', body))
    total = 0.0
    for ref in assets:
        path = ref.decode()
        if path not in _ASSET_KB:
            _status, _headers, data, _elapsed = client.request("GET", path)
            _ASSET_KB[path] = len(data) / 1024
        total += _ASSET_KB[path]
    return round(len(body) / 1024, 1), round(total, 1)


def measure(client: Client, name: str, method: str, path_fn, n: int, warm: int, form_fn=None, htmx=False, ok=(200,)):
    times, queries, statuses, sizes = [], [], {}, []
    for i in range(warm + n):
        path = path_fn(i)
        form = form_fn(i) if form_fn else None
        status, headers, body, elapsed = client.request(method, path, form, htmx=htmx)
        statuses[status] = statuses.get(status, 0) + 1
        if status not in ok:
            raise SystemExit(f"{name}: {method} {path} answered {status}: {body[:300]!r}")
        if i >= warm:
            times.append(elapsed * 1000)
            queries.append(int(headers.get("X-Query-Count", "-1")))
            sizes.append(body)
    html_kb, assets_kb = page_weight_kb(client, sizes[len(sizes) // 2]) if sizes and method == "GET" else (None, None)
    return {
        "name": name,
        "path": path_fn(0),
        "requests": n,
        "p50_ms": round(pct(times, 0.5), 2),
        "p95_ms": round(pct(times, 0.95), 2),
        "queries": sorted(set(queries)),
        "statuses": statuses,
        "html_kb": html_kb,
        "assets_kb": assets_kb,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="years of history (okr bench-seed --scale)")
    ap.add_argument("--teams", type=int, default=40)
    ap.add_argument("--people", type=int, default=400)
    ap.add_argument("--database-url", default=None, help="a PostgreSQL server URL; a fresh database is created on it")
    ap.add_argument("--requests", type=int, default=200, help="timed requests per page or write")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--mixed-seconds", type=float, default=15.0)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--out", default=None, help="JSON results file (default benchmarks/results/<db>-scale<S>.json)")
    ap.add_argument("--smoke", action="store_true", help="tiny company, few requests: checks the script works")
    args = ap.parse_args(argv)
    if args.smoke:
        args.teams, args.people, args.scale = 6, 30, 0.1
        args.requests, args.warmup, args.mixed_seconds, args.clients = 5, 1, 2.0, 4

    work = Path(tempfile.mkdtemp(prefix="okr-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env.update(
        OKR_INSTANCE_PATH=str(work),
        OKR_SECRET_KEY="benchmark-secret-key-0123456789",
        OKR_QUERY_COUNT_HEADER="true",
        OKR_LOGIN_RATE_LIMIT="false",
        OKR_API_RATE_LIMIT="100000 per minute",
    )
    backend = "sqlite"
    pg_admin_url = pg_name = None
    if args.database_url:
        import sqlalchemy as sa

        backend = "postgresql"
        base = sa.engine.make_url(args.database_url)
        if base.drivername == "postgresql":
            base = base.set(drivername="postgresql+psycopg")
        pg_name = f"okr_bench_{uuid.uuid4().hex[:8]}"
        pg_admin_url = base
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{pg_name}"'))
        admin.dispose()
        env["OKR_DATABASE_URL"] = base.set(database=pg_name).render_as_string(hide_password=False)
    db_url = env.get("OKR_DATABASE_URL") or f"sqlite:///{work / 'okr.sqlite'}"
    server = None
    try:
        run([OKR, "init"], env)
        t0 = time.perf_counter()
        seeded = run(
            [OKR, "bench-seed", "--teams", str(args.teams), "--people", str(args.people), "--scale", str(args.scale)],
            env,
        )
        seed_seconds = time.perf_counter() - t0
        print(seeded.strip())
        logins = dict(re.findall(r"(admin|manager|member) (\S+@bench\.example)", seeded))

        port = free_port()
        server = subprocess.Popen(
            [OKR, "run", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=open(work / "server.log", "w"),  # noqa: SIM115 (open while the server runs)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start:\n" + (work / "server.log").read_text()[-2000:])

        results = run_benchmark(args, port, db_url, logins, server.pid)
        results.update(
            backend=backend,
            scale=args.scale,
            teams=args.teams,
            people=args.people,
            seed_seconds=round(seed_seconds, 1),
            seeded=seeded.strip().splitlines()[0],
            date=date.today().isoformat(),
            machine={
                "cores": os.cpu_count(),
                "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                "python": sys.version.split()[0],
            },
        )
        log = (work / "server.log").read_text(errors="replace")
        results["server_errors"] = log.count("Traceback (most recent call last)")
        print_table(results)
        if results["server_errors"]:
            start = log.index("Traceback (most recent call last)")
            print(f"\n{results['server_errors']} server error(s); the first:\n" + log[start : start + 3000])
        out = (
            Path(args.out)
            if args.out
            else ROOT / "benchmarks" / "results" / f"{backend}-scale{args.scale:g}{'-smoke' if args.smoke else ''}.json"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        print(f"\nresults written to {out}")
        return 0 if results["rollup_check"]["ok"] else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if pg_name:
            import sqlalchemy as sa

            admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(work, ignore_errors=True)


def run_benchmark(args, port: int, db_url: str, logins: dict, master_pid: int) -> dict:
    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT))
    from okr.core import models as m
    from okr.core import periods
    from okr.core.db import make_engine

    engine = make_engine(db_url)
    today = date.today()
    quarter, year, month, week = (
        periods.quarter_of(today),
        periods.year_of(today),
        periods.month_of(today),
        periods.week_of(today),
    )
    manager = Client(port)
    manager.login(logins["manager"], "bench-password")
    with engine.connect() as conn:
        me = conn.execute(sa.select(m.User.id).where(m.User.email == logins["manager"])).scalar_one()
        team_id, slug = conn.execute(
            sa.select(m.Team.id, m.Team.slug)
            .join(m.Membership, m.Membership.team_id == m.Team.id)
            .where(m.Membership.user_id == me, m.Membership.role == "manager")
            # The manager's own team (the leaf one), not the company above it: without an order
            # the database picks either, and the company has no tasks of its own.
            .order_by(sa.case((m.Team.kind == "team", 0), else_=1), m.Team.id)
        ).first()
        krs = (
            conn.execute(
                sa.select(m.KeyResult.id)
                .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
                .where(
                    m.Objective.team_id == team_id, m.Objective.quarter == str(quarter), m.KeyResult.kind != "milestone"
                )
            )
            .scalars()
            .all()
        )
        kpi_keys = conn.execute(sa.select(m.Kpi.key).where(m.Kpi.team_id == team_id).order_by(m.Kpi.id)).scalars().all()
        tasks = conn.execute(
            sa.select(m.Task.id, m.Task.version)
            .where(m.Task.team_id == team_id, m.Task.status == "todo")
            .where(m.Task.week.in_([str(week), str(week.next())]))
            .order_by(m.Task.id)
        ).all()
    n, warm = args.requests, args.warmup
    pages = [
        ("healthz", lambda i: "/healthz"),
        ("company rollup, quarter", lambda i: f"/rollup/{quarter}"),
        ("company rollup, year", lambda i: f"/rollup/{year}"),
        ("team rollup, quarter", lambda i: f"/teams/{slug}/rollup/{quarter}"),
        ("team quarter plan", lambda i: f"/teams/{slug}/plan/{quarter}"),
        ("team month plan", lambda i: f"/teams/{slug}/plan/{month}"),
        ("RACI matrix", lambda i: f"/teams/{slug}/raci"),
        ("my week", lambda i: "/week"),
        ("quarter review", lambda i: f"/teams/{slug}/review/{quarter}"),
        ("daily stand-up", lambda i: f"/teams/{slug}/standup"),
        ("monthly report", lambda i: f"/teams/{slug}/report/{month}"),
        ("inbox", lambda i: "/inbox"),
        ("rollup JSON", lambda i: f"/api/v1/rollup/{slug}/{quarter}"),
        ("company KPI board", lambda i: f"/teams/company/kpis/{quarter}"),
        ("team KPI board", lambda i: f"/teams/{slug}/kpis/{quarter}"),
        ("company KPI JSON", lambda i: f"/api/v1/kpis/company/{quarter}"),
        ("team KPI JSON", lambda i: f"/api/v1/kpis/{slug}/{quarter}"),
        ("budget review, quarter", lambda i: f"/teams/{slug}/budget/{quarter}"),
        ("budget review, year", lambda i: f"/teams/{slug}/budget/{year}"),
        ("budget JSON", lambda i: f"/api/v1/budget/{slug}/{quarter}"),
    ]
    rows = []
    for name, path_fn in pages:
        print(f"  measuring {name} …", flush=True)
        rows.append(measure(manager, name, "GET", path_fn, n, warm))

    # The same JSON read by a script with the manager's personal access token (no session).
    from sqlmodel import Session

    from okr.api import ops as api_ops

    with Session(engine) as s:
        _row, bearer = api_ops.create_token(
            session=s, actor_id=me, user=s.get(m.User, me), name="benchmark", scope="read", days=1, now=m.utcnow()
        )
        s.commit()
    script = Client(port, bearer=bearer)
    for name, path_fn in (
        ("rollup JSON, token", lambda i: f"/api/v1/rollup/{slug}/{quarter}"),
        ("team KPI JSON, token", lambda i: f"/api/v1/kpis/{slug}/{quarter}"),
    ):
        print(f"  measuring {name} …", flush=True)
        rows.append(measure(script, name, "GET", path_fn, n, warm))

    # Writes carry the version the person saw: read it before each request, outside the timing.
    def version_of(tid):
        with engine.connect() as conn:
            return conn.execute(sa.select(m.Task.version).where(m.Task.id == tid)).scalar_one()

    task_ids = [tid for tid, _v in tasks]
    if len(task_ids) < 2:
        raise SystemExit("the seeded team has too few open tasks to time writes")
    quadrants = ["do", "schedule", "delegate", "eliminate"]

    def move_form(i):
        tid = task_ids[i % len(task_ids)]
        return {"quadrant": quadrants[i % 4], "index": "0", "version": str(version_of(tid))}

    move_ids = [task_ids[i % len(task_ids)] for i in range(warm + n)]
    print("  measuring writes …", flush=True)
    rows.append(
        measure(
            manager,
            "check-in",
            "POST",
            lambda i: f"/key-results/{krs[i % len(krs)]}/check-ins",
            n,
            warm,
            form_fn=lambda i: {
                "value": str(100 + i % 50),
                "confidence": "0.7",
                "note": "bench",
                "return_to": "history",
            },
            htmx=True,
        )
    )
    if kpi_keys:
        # Today's value of one of the team's KPIs, again and again: a second value for a date
        # replaces the first, so this times the replacement and re-judging path too.
        rows.append(
            measure(
                manager,
                "enter a KPI value",
                "POST",
                lambda i: f"/teams/{slug}/kpis/{quarter}/values",
                n,
                warm,
                form_fn=lambda i: {"kpi": kpi_keys[i % len(kpi_keys)], "value": str(990 + i % 20), "on": str(today)},
                htmx=True,
            )
        )
    rows.append(
        measure(
            manager,
            "move a task",
            "POST",
            lambda i: f"/tasks/{move_ids[i]}/move",
            n,
            warm,
            form_fn=move_form,
            htmx=True,
        )
    )

    # Finish: alternate finish and reopen on the same tasks, so the count of open tasks holds.
    finish_seq = []
    for i in range(warm + n):
        tid = task_ids[(i // 2) % len(task_ids)]
        finish_seq.append((tid, "finish" if i % 2 == 0 else "reopen"))

    def finish_form(i):
        return {"version": str(version_of(finish_seq[i][0]))}

    finish = measure(
        manager,
        "finish a task",
        "POST",
        lambda i: f"/tasks/{finish_seq[i][0]}/{finish_seq[i][1]}",
        n,
        warm,
        form_fn=finish_form,
        htmx=True,
    )
    rows.append(finish)

    floor = rows[0]["p50_ms"]
    for r in rows:
        r["x_healthz"] = round(r["p50_ms"] / floor, 1) if floor else None

    check = rollup_check(engine, manager, slug, team_id, quarter)
    mixed = mixed_load(args, port, manager, pages[1:], krs, task_ids, version_of)
    rss = worker_rss_mb(master_pid)
    engine.dispose()
    return {"pages": rows, "mixed": mixed, "worker_rss_mb": rss, "rollup_check": check}


def rollup_check(engine, client: Client, slug: str, team_id: int, quarter) -> dict:
    """The rollup JSON straight after the writes against okr.rollup.rules fed from the tables."""
    import sqlalchemy as sa

    from okr.core import models as m
    from okr.rollup import rules as rollup

    status, _h, body, _t = client.request("GET", f"/api/v1/rollup/{slug}/{quarter}")
    tree = json.loads(body)
    shown = {}

    def walk(node):
        if isinstance(node, dict):
            if node.get("kind") in ("project", "key_result") and "id" in node and node.get("progress") is not None:
                shown[(node["kind"], node["id"])] = node["progress"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    with engine.connect() as conn:
        counts = conn.execute(
            sa.select(
                m.Task.project_id,
                sa.func.sum(sa.case((m.Task.status == "done", 1), else_=0)),
                sa.func.sum(sa.case((m.Task.status != "dropped", 1), else_=0)),
            )
            .join(m.Project, m.Project.id == m.Task.project_id)
            .where(m.Project.team_id == team_id, m.Task.is_archived == sa.false())
            .group_by(m.Task.project_id)
        ).all()
    from sqlmodel import Session

    with Session(engine) as session:
        krs = (
            session.exec(
                sa.select(m.KeyResult)
                .join(m.Objective, m.Objective.id == m.KeyResult.objective_id)
                .where(m.Objective.team_id == team_id, m.Objective.quarter == str(quarter))
            )
            .scalars()
            .all()
        )
    expected = {
        ("project", pid): float(rollup.project_progress(int(done), int(live))) for pid, done, live in counts if live
    }
    for kr in krs:
        if kr.progress_from == "checkins":
            expected[("key_result", kr.id)] = float(
                rollup.kr_progress(kr.start, kr.target, kr.current, kind=kr.kind, done=kr.is_done)
            )
    compared = [k for k in expected if k in shown]
    wrong = [(k, shown[k], round(expected[k], 4)) for k in compared if abs(shown[k] - expected[k]) > 0.0005]
    return {
        "status": status,
        "compared": len(compared),
        "wrong": wrong[:10],
        "ok": status == 200 and bool(compared) and not wrong,
    }


def mixed_load(args, port: int, manager: Client, pages, krs, task_ids, version_of) -> dict:
    """80% page reads, 20% writes (check-ins and moves on each client's own tasks)."""
    stop = time.perf_counter() + args.mixed_seconds
    done, errors = [0], [0]
    error_kinds: dict[str, int] = {}
    lock = threading.Lock()
    share = [task_ids[i :: args.clients] for i in range(args.clients)]

    def worker(k):
        c = Client(port, manager.cookie, manager.token)
        rnd = random.Random(k)
        mine = share[k] or task_ids[:1]
        count = bad = 0
        while time.perf_counter() < stop:
            if rnd.random() < 0.8:
                name, path_fn = rnd.choice(pages)
                status, *_ = c.request("GET", path_fn(0))
            elif rnd.random() < 0.5:
                name = "check-in"
                status, *_ = c.request(
                    "POST",
                    f"/key-results/{rnd.choice(krs)}/check-ins",
                    {"value": str(rnd.randint(100, 200)), "confidence": "0.6", "note": ""},
                    htmx=True,
                )
            else:
                name = "move a task"
                tid = rnd.choice(mine)
                status, *_ = c.request(
                    "POST",
                    f"/tasks/{tid}/move",
                    {"quadrant": rnd.choice(["do", "schedule"]), "version": str(version_of(tid))},
                    htmx=True,
                )
            count += 1
            if status >= 400:
                bad += 1
                with lock:
                    error_kinds[f"{name}: {status}"] = error_kinds.get(f"{name}: {status}", 0) + 1
        with lock:
            done[0] += count
            errors[0] += bad

    # The floor: /healthz alone from the same number of clients.
    def floor_worker(until, counter):
        c = Client(port)
        while time.perf_counter() < until:
            c.request("GET", "/healthz")
            with lock:
                counter[0] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    rps = done[0] / elapsed
    hz = [0]
    until = time.perf_counter() + min(args.mixed_seconds, 5)
    t1 = time.perf_counter()
    threads = [threading.Thread(target=floor_worker, args=(until, hz)) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    hz_rps = hz[0] / (time.perf_counter() - t1)
    return {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": done[0],
        "errors": errors[0],
        "error_kinds": error_kinds,
        "rps": round(rps, 1),
        "healthz_rps": round(hz_rps, 1),
        "ratio_to_healthz": round(rps / hz_rps, 2) if hz_rps else None,
    }


def print_table(res: dict) -> None:
    print(f"\n{res['backend']} · scale {res['scale']:g} · {res['seeded']}")
    print(
        f"seeded in {res['seed_seconds']} s · {res['machine']['cores']} cores, {res['machine']['memory_gb']} GB · {res['date']}\n"
    )
    print(
        f"{'page or write':<26} {'p50 ms':>8} {'p95 ms':>8} {'× healthz':>10} {'queries':>9} {'HTML KB':>8} {'+CSS/JS':>8}"
    )
    for r in res["pages"]:
        q = ",".join(str(x) for x in r["queries"])
        kb = "" if r.get("html_kb") is None else r["html_kb"]
        ak = "" if r.get("assets_kb") is None else r["assets_kb"]
        print(f"{r['name']:<26} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['x_healthz']:>10} {q:>9} {kb:>8} {ak:>8}")
    mx = res["mixed"]
    print(
        f"\nmixed 80/20, {mx['clients']} clients: {mx['rps']} req/s ({mx['errors']} errors) · /healthz {mx['healthz_rps']} req/s · ratio {mx['ratio_to_healthz']}"
    )
    if mx.get("error_kinds"):
        print("  errors: " + ", ".join(f"{k} ×{n}" for k, n in sorted(mx["error_kinds"].items())))
    print(f"worker RSS (MB): {res['worker_rss_mb']}")
    rc = res["rollup_check"]
    print(
        f"rollup JSON vs okr.rollup.rules from the tables: {rc['compared']} figures compared, {len(rc['wrong'])} differ → {'OK' if rc['ok'] else 'MISMATCH'}"
    )


if __name__ == "__main__":
    sys.exit(main())
