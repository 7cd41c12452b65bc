"""Background jobs (后台任务): long operations with progress stored in the workflow database.

Deliberately small: a ``platform_jobs`` table and one worker thread inside *one* server process.
With several server processes (setting ``web_workers``) every process starts a :class:`JobWorker`,
but only the one holding the runner lock runs jobs (PostgreSQL: an advisory lock, so also across
hosts; SQLite: ``flock`` on ``<data_dir>/jobs.lock``); the others retry the lock at every poll, so
when the holder exits (its lock goes with its process or session) another takes over.

- A job is *submitted* (``queued``) by a request; the worker claims it with a conditional UPDATE
  (so two workers never run one job), runs the registered function and writes ``done/total``
  at most every ``PROGRESS_INTERVAL`` seconds; the jobs page polls that row (HTMX).
- **Restart**: when a worker takes the lock, every job still ``running`` (its process is gone —
  only the lock holder runs jobs) is marked ``interrupted``; a
  user may *resume* it (it is queued again with ``attempts + 1``). Job functions receive the
  last checkpoint they saved (``ctx.checkpoint``) and may continue from it.
- Visibility follows the organization scope: a job belongs to the submitter's organization path;
  jobs the platform submits itself (:meth:`JobRegistry.submit_system`, from a :class:`Periodic` check such as
  "quarterly navigation reports are due") belong to the root organization.
"""

from __future__ import annotations

import fcntl
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from zhichan.errors import InputError, NotFoundError, PermissionDenied, ZhichanError
from zhichan.platform.db import session_scope
from zhichan.platform.models import Job, JobStatus, Role, utcnow
from zhichan.platform.scope import Scope

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.5


@dataclass
class JobContext:
    job_id: int
    params: dict[str, Any]
    checkpoint: dict[str, Any]
    _engine: Engine
    _last_write: float = 0.0
    _state: dict[str, Any] = field(default_factory=dict)

    def progress(self, done: int, total: int | None) -> None:
        """A :data:`zhichan.progress.ProgressCallback` that stores progress (throttled)."""
        self._state.update(done=done, total=total)
        now = time.monotonic()
        if now - self._last_write >= PROGRESS_INTERVAL or (total is not None and done >= total):
            self._last_write = now
            self._write()

    def message(self, text: str) -> None:
        self._state["message"] = text[:2000]
        self._write()

    def save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        self.checkpoint = dict(checkpoint)
        self._write()

    def _write(self) -> None:
        done = int(self._state.get("done", 0))
        total = self._state.get("total")
        values: dict[str, Any] = {"done": done, "total": total}
        if total:
            values["progress"] = min(1.0, done / total)
        if "message" in self._state:
            values["message"] = self._state["message"]
        values["result"] = json.dumps({"checkpoint": self.checkpoint}, ensure_ascii=False, default=str)
        with session_scope(self._engine) as s:
            s.execute(update(Job).where(Job.id == self.job_id).values(**values))


JobFunction = Callable[[JobContext], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    kind: str
    title: str  # "中文 / English"
    run: JobFunction
    #: the roles that may start it
    roles: frozenset[Role]
    #: it changes what the whole platform serves (e.g. the search index): only the roles above,
    #: and only at the root organization, may start it — a county's analyst may not
    platform_wide: bool = False

    def may_start(self, scope: Scope) -> bool:
        return scope.is_authenticated and scope.role in self.roles and (not self.platform_wide or scope.at_root)


@dataclass(frozen=True)
class Periodic:
    """A check the job runner makes every ``every_seconds`` (and once when it takes the lock):
    cheap, and it submits a job (see :meth:`JobRegistry.submit_system`) only when there is work."""

    name: str
    every_seconds: float
    check: Callable[[Engine], None]


class JobRegistry:
    """The job kinds and periodic checks of one application (``app.state.jobs``): each app — and
    each test — has its own, so a second app in the same process never overwrites the first's."""

    def __init__(self) -> None:
        self._kinds: dict[str, JobKind] = {}
        self._periodic: dict[str, Periodic] = {}

    def register(self, kind: str, title: str, run: JobFunction, roles: set[Role] | frozenset[Role], *,
                 platform_wide: bool = False) -> None:
        """Declare a job kind and who may start it (``roles``; ``platform_wide``: at the root organization only)."""
        self._kinds[kind] = JobKind(kind, title, run, frozenset(roles), platform_wide)

    def register_periodic(self, name: str, every_seconds: float, check: Callable[[Engine], None]) -> None:
        self._periodic[name] = Periodic(name, every_seconds, check)

    def periodic(self) -> list[Periodic]:
        return list(self._periodic.values())

    def all(self) -> list[JobKind]:
        """Every registered kind, whoever may start it (the API schema lists them)."""
        return list(self._kinds.values())

    def get(self, kind: str) -> JobKind | None:
        return self._kinds.get(kind)

    def title_of(self, job: Job) -> str:
        """A job's title as its kind declares it now ("中文 / English"); the title stored with the job only for a
        kind no longer registered (a job row keeps the title of the day it was queued)."""
        spec = self._kinds.get(job.kind)
        return spec.title if spec is not None else job.title

    def kinds(self, scope: Scope) -> list[JobKind]:
        """The kinds the caller may start."""
        return [k for k in self._kinds.values() if k.may_start(scope)]

    def _spec(self, kind: str) -> JobKind:
        spec = self._kinds.get(kind)
        if spec is None:
            raise InputError(f"未知任务类型 {kind[:40]} / unknown job kind")
        return spec

    def submit(self, session: Session, scope: Scope, kind: str, params: dict[str, Any] | None = None) -> Job:
        scope.require_authenticated()
        spec = self._spec(kind)
        scope.require_roles(*spec.roles)
        if not spec.may_start(scope):
            raise PermissionDenied("该任务影响整个平台，只有根机构的人员可以启动 / this job affects the whole platform; "
                                   "only the root organization may start it")
        return _insert(session, spec, params, user_id=scope.user_id, org_path=scope.org_path or "/")

    def submit_system(self, session: Session, kind: str, params: dict[str, Any] | None = None) -> Job | None:
        """Queue ``kind`` on behalf of the platform itself (no user; the root organization's job, so
        the top administrators see it) unless one is already queued or running; ``None`` then."""
        from zhichan.platform.orgs import root_org

        spec = self._spec(kind)
        pending = session.scalar(select(func.count()).select_from(Job).where(
            Job.kind == kind, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])))
        if pending:
            return None
        root = root_org(session)
        return _insert(session, spec, params, user_id=None, org_path=root.path if root is not None else "/")

    def run_one(self, engine: Engine) -> bool:
        """Claim and run the oldest queued job; ``False`` when there was none."""
        return run_one(engine, self)


def _insert(session: Session, spec: JobKind, params: dict[str, Any] | None, *, user_id: int | None,
            org_path: str) -> Job:
    job = Job(
        kind=spec.kind,
        title=spec.title,
        status=JobStatus.QUEUED,
        params=json.dumps(params or {}, ensure_ascii=False),
        result="{}",
        message="",
        done=0,
        progress=0.0,
        user_id=user_id,
        org_path=org_path,
        attempts=0,
    )
    session.add(job)
    session.flush()
    return job


def list_jobs(session: Session, scope: Scope, limit: int = 50) -> list[Job]:
    scope.require_authenticated()
    return list(
        session.scalars(
            select(Job).where(Job.org_path.like(scope.org_path_like())).order_by(Job.id.desc()).limit(limit)
        )
    )


def get_job(session: Session, scope: Scope, job_id: int) -> Job:
    scope.require_authenticated()
    job = session.get(Job, job_id)
    if job is None or not scope.covers_org_path(job.org_path):
        raise NotFoundError(f"任务 {job_id} 不存在 / no job {job_id}")
    return job


def resume(session: Session, scope: Scope, job_id: int) -> Job:
    job = get_job(session, scope, job_id)
    if job.status not in (JobStatus.INTERRUPTED, JobStatus.FAILED):
        raise InputError("只有中断或失败的任务可以继续 / only interrupted or failed jobs can be resumed")
    job.status = JobStatus.QUEUED
    job.finished_at = None
    session.flush()
    return job


def mark_interrupted(engine: Engine) -> int:
    """Startup: jobs the previous process left ``running`` become ``interrupted``."""
    with session_scope(engine) as s:
        result = s.execute(
            update(Job)
            .where(Job.status == JobStatus.RUNNING)
            .values(status=JobStatus.INTERRUPTED, message="服务重启时中断，可继续 / interrupted by a restart; resumable")
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def counts_by_status(session: Session, scope: Scope) -> dict[str, int]:
    rows = session.execute(
        select(Job.status, func.count()).where(Job.org_path.like(scope.org_path_like())).group_by(Job.status)
    ).all()
    return {str(status): int(n) for status, n in rows}


def run_one(engine: Engine, registry: JobRegistry) -> bool:
    """Claim and run the oldest queued job with ``registry``'s function; ``False`` when there was none."""
    with session_scope(engine) as s:
        job_id = s.scalar(select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.id).limit(1))
        if job_id is None:
            return False
        claimed = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, started_at=utcnow(), attempts=Job.attempts + 1)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return True
        job = s.get(Job, job_id)
        assert job is not None
        kind, params = job.kind, json.loads(job.params or "{}")
        checkpoint = json.loads(job.result or "{}").get("checkpoint") or {}
    ctx = JobContext(job_id=job_id, params=params, checkpoint=checkpoint, _engine=engine)
    spec = registry.get(kind)
    status, message, result = JobStatus.SUCCEEDED, "完成 / done", {}
    try:
        if spec is None:
            raise InputError(f"未知任务类型 {kind} / unknown job kind")
        result = spec.run(ctx)
    except ZhichanError as exc:
        status, message = JobStatus.FAILED, exc.message
    except Exception as exc:
        log.exception("job %s failed", job_id)
        status, message = JobStatus.FAILED, f"内部错误 / internal error: {type(exc).__name__}"
    values: dict[str, Any] = {"status": status, "message": message, "finished_at": utcnow()}
    if status == JobStatus.SUCCEEDED:
        values["result"] = json.dumps(result, ensure_ascii=False, default=str)
        values["progress"] = 1.0
    _write_final_status(engine, job_id, values)
    return True


#: Attempts at a job's final status when the database stays busy (SQLite: another writer's lock).
FINAL_WRITE_ATTEMPTS = 8


def _write_final_status(engine: Engine, job_id: int, values: dict[str, Any]) -> None:
    """The outcome of work already done must not be lost to a busy database (a job left
    ``running`` for good could not even be resumed): retry with back-off."""
    for attempt in range(FINAL_WRITE_ATTEMPTS):
        try:
            with session_scope(engine) as s:
                s.execute(update(Job).where(Job.id == job_id).values(**values))
            return
        except OperationalError:
            if attempt == FINAL_WRITE_ATTEMPTS - 1:
                raise  # still "running": the next runner start marks it interrupted (resumable)
            log.warning("job %s: database busy while writing its final status; retrying", job_id)
            time.sleep(min(5.0, 0.2 * 2**attempt))


#: pg_try_advisory_lock key of the job runner (any fixed 64-bit number; this spells "zhjobs")
RUNNER_LOCK_KEY = 0x7A686A6F6273


class JobWorker:
    """One daemon thread polling the jobs table, running jobs only while it holds the runner lock:

    - PostgreSQL: a session-level advisory lock on a dedicated autocommit connection — one runner
      among all processes on all hosts that share the database; if that connection breaks, the
      lock is gone and another worker takes over.
    - SQLite (one host by nature): an exclusive ``flock`` on ``lock_path``; without one, no
      election (a single process, as in tests).
    """

    def __init__(self, engine: Engine, registry: JobRegistry, poll_seconds: float = 0.5,
                 lock_path: Path | None = None) -> None:
        self.engine = engine
        self.registry = registry
        self.poll_seconds = poll_seconds
        self.lock_path = lock_path
        self._lock_file: IO[bytes] | None = None
        self._lock_conn: Connection | None = None
        self._leading = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._checked: dict[str, float] = {}  # periodic check → when it last ran (monotonic)

    @property
    def leading(self) -> bool:
        """Whether this worker is the one that runs jobs."""
        return self._leading

    def start(self) -> None:
        self._try_lead()
        self._thread = threading.Thread(target=self._loop, name="zhichan-jobs", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._release()

    def _release(self) -> None:
        """Give the lock up (closing its file or connection): another worker takes over."""
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        if self._lock_conn is not None:
            try:
                self._lock_conn.close()
            except Exception:  # noqa: BLE001 - a broken connection has lost the lock already
                log.info("job runner lock connection was already broken")
            self._lock_conn = None
        self._leading = False

    def _still_leading(self) -> bool:
        if self._lock_conn is None:
            return True
        try:
            self._lock_conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - the session (and its advisory lock) is gone
            log.warning("job runner lost its database session; handing over")
            self._release()
            return False

    def _acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if conn.execute(select(func.pg_try_advisory_lock(RUNNER_LOCK_KEY))).scalar():
                self._lock_conn = conn
                return True
            conn.close()
            return False
        if self.lock_path is not None:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.lock_path, "ab")  # noqa: SIM115 - held open for as long as we lead
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._lock_file = handle
        return True

    def _try_lead(self) -> bool:
        if self._leading:
            return self._still_leading()
        if not self._acquire():
            return False
        # only the lock holder runs jobs, so any job still "running" belonged to a runner that is gone
        mark_interrupted(self.engine)
        self._leading = True
        return True

    def _run_periodic(self) -> None:
        now = time.monotonic()
        for periodic in self.registry.periodic():
            last = self._checked.get(periodic.name)
            if last is not None and now - last < periodic.every_seconds:
                continue
            self._checked[periodic.name] = now
            try:
                periodic.check(self.engine)
            except Exception:
                log.exception("periodic check %s failed", periodic.name)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                if self._try_lead():
                    self._run_periodic()
                    ran = run_one(self.engine, self.registry)
                else:
                    ran = False
            except Exception:
                log.exception("job worker error")
                ran = False
            if not ran:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
