"""Background jobs: progress in the database, restart → interrupted → resumed, scope."""

from __future__ import annotations

import pytest

from tests.helpers import wait_for
from zhichan.errors import InputError, NotFoundError, PermissionDenied
from zhichan.platform import jobs
from zhichan.platform.db import session_scope
from zhichan.platform.models import JobStatus, Role


def _count_to(ctx: jobs.JobContext) -> dict:
    total = int(ctx.params.get("n", 5))
    start = int(ctx.checkpoint.get("next", 0))
    for i in range(start, total):
        if ctx.params.get("crash_at") == i and not ctx.checkpoint.get("crashed"):
            ctx.save_checkpoint({"next": i, "crashed": True})
            raise RuntimeError("simulated crash")
        ctx.progress(i + 1, total)
    return {"started_at": start, "total": total}


#: this module's own job kinds (an app has its own registry; so do these tests)
REGISTRY = jobs.JobRegistry()
REGISTRY.register("test.count", "计数 / count", _count_to, {Role.ANALYST, Role.SYSTEM_ADMIN})


def test_job_runs_with_progress(engine, tree):
    scope = tree.scope(engine, "wuhou_analyst")
    with session_scope(engine) as s:
        job_id = REGISTRY.submit(s, scope, "test.count", {"n": 7}).id
    assert REGISTRY.run_one(engine)
    assert not REGISTRY.run_one(engine)
    with session_scope(engine) as s:
        job = jobs.get_job(s, scope, job_id)
        assert job.status == JobStatus.SUCCEEDED and job.done == 7 and job.total == 7 and job.progress == 1.0


def test_interrupted_job_resumes_from_checkpoint(engine, tree):
    scope = tree.scope(engine, "wuhou_analyst")
    with session_scope(engine) as s:
        job_id = REGISTRY.submit(s, scope, "test.count", {"n": 6, "crash_at": 3}).id
    REGISTRY.run_one(engine)
    with session_scope(engine) as s:
        assert jobs.get_job(s, scope, job_id).status == JobStatus.FAILED
        jobs.resume(s, scope, job_id)
    # a process that died while the job ran leaves it "running"; the next start marks it interrupted
    from sqlalchemy import update

    from zhichan.platform.models import Job

    with session_scope(engine) as s:
        s.execute(update(Job).where(Job.id == job_id).values(status=JobStatus.RUNNING))
    assert jobs.mark_interrupted(engine) == 1
    with session_scope(engine) as s:
        assert jobs.get_job(s, scope, job_id).status == JobStatus.INTERRUPTED
        jobs.resume(s, scope, job_id)
    REGISTRY.run_one(engine)
    with session_scope(engine) as s:
        job = jobs.get_job(s, scope, job_id)
        assert job.status == JobStatus.SUCCEEDED and '"started_at": 3' in job.result and job.attempts == 2


def test_jobs_follow_org_scope(engine, tree):
    wuhou = tree.scope(engine, "wuhou_analyst")
    with session_scope(engine) as s:
        job_id = REGISTRY.submit(s, wuhou, "test.count", {}).id
    with session_scope(engine) as s:
        assert [j.id for j in jobs.list_jobs(s, tree.scope(engine, "cd_admin"))] == [job_id]
        assert jobs.list_jobs(s, tree.scope(engine, "jinjiang_admin")) == []
        with pytest.raises(NotFoundError):
            jobs.get_job(s, tree.scope(engine, "jinjiang_admin"), job_id)
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        REGISTRY.submit(s, tree.scope(engine, "ent_user"), "test.count", {})
    with pytest.raises(InputError), session_scope(engine) as s:
        REGISTRY.submit(s, wuhou, "no.such.kind", {})


def test_one_worker_runs_jobs_among_processes_sharing_the_lock(engine, tree, tmp_path):
    """Several server processes each start a worker; only the lock holder runs jobs, and when it
    stops another takes over and marks the jobs the old holder left running as interrupted."""
    from sqlalchemy import update

    from zhichan.platform.models import Job

    lock = tmp_path / "jobs.lock"
    first = jobs.JobWorker(engine, REGISTRY, poll_seconds=0.05, lock_path=lock)
    second = jobs.JobWorker(engine, REGISTRY, poll_seconds=0.05, lock_path=lock)
    first.start()
    second.start()
    try:
        assert first.leading and not second.leading
        scope = tree.scope(engine, "wuhou_analyst")
        with session_scope(engine) as s:
            job_id = REGISTRY.submit(s, scope, "test.count", {"n": 3}).id
        first.wake()
        wait_for(lambda: _status(engine, scope, job_id) == JobStatus.SUCCEEDED, what="the job")
        # the holder "dies" while a job runs: the row stays running until the next holder takes over
        with session_scope(engine) as s:
            s.execute(update(Job).where(Job.id == job_id).values(status=JobStatus.RUNNING))
        first.stop()
        wait_for(lambda: second.leading, what="the second worker to lead")
        assert _status(engine, scope, job_id) == JobStatus.INTERRUPTED
    finally:
        first.stop()
        second.stop()


def _status(engine, scope, job_id):
    with session_scope(engine) as s:
        return jobs.get_job(s, scope, job_id).status


def test_postgres_runner_lock_survives_a_lost_session(pg_url, tmp_path):
    """On PostgreSQL the runner lock is an advisory lock held by one session: when that session
    dies (database restart, network), the worker notices, hands over and takes the lock again."""
    from sqlalchemy import text

    from zhichan.platform.db import make_engine, upgrade

    engine = make_engine(pg_url)
    upgrade(engine)
    worker = jobs.JobWorker(engine, REGISTRY, poll_seconds=0.05)
    other = jobs.JobWorker(engine, REGISTRY, poll_seconds=0.05)
    worker.start()
    try:
        assert worker.leading and not other._try_lead()  # one runner per database, whatever the host
        holders = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        with engine.connect() as conn:
            [first_pid] = conn.execute(text(holders)).scalars().all()
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})
        def new_holder() -> bool:
            with engine.connect() as conn:
                pids = conn.execute(text(holders)).scalars().all()
            return worker.leading and len(pids) == 1 and pids[0] != first_pid
        wait_for(new_holder, what="a new lock session")
    finally:
        worker.stop()
        other.stop()
        engine.dispose()


def test_a_busy_database_does_not_leave_a_finished_job_running(tmp_path, monkeypatch, caplog):
    """Another writer holds SQLite's lock longer than the busy timeout when the job ends: its
    final status is retried until it is written, not lost (the job would stay ``running``)."""
    import sqlite3
    import threading

    from tests.helpers import wait_for
    from zhichan.platform import db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "busy.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(60)
        con.execute("COMMIT")
        con.close()

    def busy_job(ctx: jobs.JobContext) -> dict:
        threading.Thread(target=hold_the_write_lock, daemon=True).start()
        locked.wait(60)
        return {"done": True}

    REGISTRY.register("test.busy", "忙 / busy", busy_job, {Role.SYSTEM_ADMIN})
    with session_scope(engine) as s:
        job_id = REGISTRY.submit_system(s, "test.busy").id
    runner = threading.Thread(target=REGISTRY.run_one, args=(engine,))
    runner.start()
    wait_for(lambda: "database busy" in caplog.text, what="a retried final write")
    release.set()
    runner.join(60)
    from zhichan.platform.models import Job

    with session_scope(engine) as s:
        job = s.get(Job, job_id)
        assert job.status == JobStatus.SUCCEEDED and '"done": true' in job.result
    engine.dispose()


def test_each_registry_keeps_its_own_kinds(engine, tree):  # type: ignore[no-untyped-def]
    """Job kinds belong to an app: registering in one registry does not change another's."""
    other = jobs.JobRegistry()
    other.register("test.other", "另一个 / other", _count_to, {Role.ANALYST})
    scope = tree.scope(engine, "wuhou_analyst")
    assert [k.kind for k in other.kinds(scope)] == ["test.other"]
    assert "test.other" not in [k.kind for k in REGISTRY.kinds(scope)]
    with session_scope(engine) as s, pytest.raises(InputError):
        REGISTRY.submit(s, scope, "test.other", {})
