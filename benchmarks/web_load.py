"""Load benchmark of the web platform: 50 concurrent clients on loopback (wrk, Debian package).

    .venv/bin/python benchmarks/web_load.py --patents 1000000 --duration 30

Builds (or reuses) a synthetic corpus and its search index in ``--data-dir``, seeds the workflow
database with a city-level analyst and an API token, then for each process count (``--workers``,
default 1 and one per core — the single process is the baseline) starts ``zhichan serve`` on a
free loopback port and runs wrk against: the liveness endpoint (the framework's floor), the
cockpit page, the search page over the retrieval benchmark's mixed query set taken in turn, and
an indicator API call. Prints requests/s and p50/p95/p99 latency. Needs ``apt-get install wrk``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.3f %.3f %.3f %.3f %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(data_dir: Path, patents: int) -> str:
    """Corpus + index + DB + token in ``data_dir``; returns the API token."""
    os.environ["ZHICHAN_DATA_DIR"] = str(data_dir)
    from zhichan.corpus.store import CorpusStore
    from zhichan.settings import get_settings

    get_settings.cache_clear()
    store = CorpusStore()
    snap = store.current_or_none()
    if snap is None or snap.counts.get("patents") != patents:
        from zhichan.corpus.generator import generate

        t = time.perf_counter()
        snap = generate(patents, 20261121, store=store)
        print(f"generated {patents:,} patents in {time.perf_counter() - t:.0f} s", flush=True)
    from zhichan.search.build import build_index
    from zhichan.search.layout import index_path

    if index_path(snap) is None:
        t = time.perf_counter()
        build_index(snap, with_vectors=False)
        print(f"built the search index in {time.perf_counter() - t:.0f} s", flush=True)
    from sqlalchemy import select

    from zhichan.platform.accounts import create_api_token, create_user
    from zhichan.platform.db import make_engine, session_scope, upgrade
    from zhichan.platform.models import Organization, Role, User
    from zhichan.platform.orgs import scope_for_user, seed_demo_tree

    engine = make_engine(get_settings().effective_database_url)
    upgrade(engine)
    with session_scope(engine) as s:
        seed_demo_tree(s)
        user = s.scalar(select(User).where(User.username == "bench"))
        if user is None:
            city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
            user = create_user(s, username="bench", password="benchmark-password", role=Role.ANALYST, org=city)
        _, token = create_api_token(s, scope_for_user(s, user), "benchmark")
    engine.dispose()
    return token


def run_wrk(base: str, paths: list[str], token: str, connections: int, duration: int, lua_dir: Path) -> tuple:
    """wrk against ``paths`` (taken in turn, so a rotating query set is not one cached request)."""
    lua = lua_dir / f"wrk-{abs(hash(tuple(paths)))}.lua"
    listed = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    lua.write_text(f"paths = {{{listed}}}\ni = 0\nrequest = function()\n  i = i % #paths + 1\n"
                   f"  return wrk.format(nil, paths[i])\nend\n" + LUA, "utf-8")
    for path in paths:  # warm each URL once (first use of a searcher, a cold cockpit key)
        request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        urllib.request.urlopen(request, timeout=300).read()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(lua),
         "-H", f"Authorization: Bearer {token}", base + paths[0]],
        capture_output=True, text=True, check=True,
    ).stdout
    result = next(line for line in out.splitlines() if line.startswith("RESULT")).split()
    n, seconds, p50, p95, p99, errors = int(result[1]), float(result[2]), *map(float, result[3:6]), int(result[6])
    return n / seconds, p50, p95, p99, errors


def serve(data_dir: Path, workers: int, threads: int | None = None) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "ZHICHAN_DATA_DIR": str(data_dir)}
    if threads is not None:
        env["ZHICHAN_WEB_THREADS"] = str(threads)
    server = subprocess.Popen(
        [sys.executable, "-m", "zhichan", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-demo-admin",
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.terminate()
        raise SystemExit("the server did not start")
    # each process precomputes the cockpits at start: measure after that, on a quiet server
    deadline = time.monotonic() + 180
    before = _cpu_ticks(server.pid)
    while time.monotonic() < deadline:
        time.sleep(2)
        now = _cpu_ticks(server.pid)
        if now - before < 10:  # < 5 % of one core over 2 s (100 ticks/s)
            break
        before = now
    return server, base


def _cpu_ticks(pid: int) -> int:
    """CPU time (clock ticks) of ``pid`` and its children."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patents", type=int, default=200_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1],
                        help="server process counts to compare in this run (default: 1 and one per core)")
    parser.add_argument("--threads", type=int, default=None,
                        help="ZHICHAN_WEB_THREADS for the server (default: the setting's default; 0: the framework's 40)")
    parser.add_argument("--data-dir", type=Path, default=Path("benchmarks/out/web-data"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    data_dir = args.data_dir.resolve()
    token = prepare(data_dir, args.patents)
    from search_bench import QUERIES  # the retrieval benchmark's fixed mixed query set

    urls = {
        "liveness /healthz (floor)": ["/healthz"],
        "cockpit (成都市)": ["/cockpit?region=510100"],
        f"search page ({len(QUERIES)} queries in turn)": [f"/search?q={urllib.parse.quote(q)}" for _, q in QUERIES],
        "its facets (the page's 2nd request)": [f"/search/facets?q={urllib.parse.quote(q)}" for _, q in QUERIES],
        "indicator API": ["/api/v1/regions/510100/indicators"],
    }
    lua_dir = Path(tempfile.mkdtemp())
    rows = []
    load_before = os.getloadavg()
    for workers in args.workers:
        server, base = serve(data_dir, workers, args.threads)
        try:
            for name, paths in urls.items():
                rows.append((workers, name, *run_wrk(base, paths, token, args.connections, args.duration, lua_dir)))
        finally:
            server.terminate()
            server.wait(30)
    print(f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; corpus {args.patents:,} synthetic patents; {args.connections} "
          f"connections, {args.duration} s per URL, web_threads {'default' if args.threads is None else args.threads}; load average before {load_before}, after {os.getloadavg()}")
    print("| processes | endpoint | req/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|---:|")
    for workers, name, rps, p50, p95, p99, errors in rows:
        print(f"| {workers} | {name} | {rps:.1f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {errors} |")


if __name__ == "__main__":
    main()
