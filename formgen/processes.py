"""Worker processes that run one job at a time, each within limits, and never outlive the run.

A worker serves many jobs (the heavy imports are paid once per worker) until it is stopped. Per
job it has a wall-time limit; per worker a memory limit on the private writable memory (VmData:
shared libraries do not count) it adds to what it was forked with, watched by the supervisor
every MEMORY_POLL seconds, with the kernel's RLIMIT_DATA at HARD_MEMORY_FACTOR times it against
a sudden leap. A job that runs past its time or its memory, or a worker that dies under a job,
costs that job alone: the supervisor reports it as failed, starts a fresh worker and goes on
with the others.

Workers ignore Ctrl+C (the run decides what to keep and ends them) and die with the run: on
Linux the kernel kills them when their parent dies, even by SIGKILL (PR_SET_PDEATHSIG);
elsewhere a thread ends them once their parent is gone.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # multiprocessing itself is imported when workers start: `formgen form` is quick
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

from formgen.errors import FormgenError

MEMORY_ENV = "FORMGEN_WORKER_MEMORY_MB"
TIME_ENV = "FORMGEN_CHECK_TIMEOUT"
DEFAULT_MEMORY_MB = 2048  # twice the 1 GB peak a worker is built to stay under
DEFAULT_SECONDS = 300.0  # a page takes seconds; five minutes means a job that will not end

MEMORY_POLL = 0.1  # s between two looks at a busy worker's memory
HARD_MEMORY_FACTOR = 1.5  # allocations past this times the limit fail in the worker itself
PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """Ctrl+C during a run: what was finished (done) and what was not (left), for the caller to
    report. A KeyboardInterrupt, so code that does not know it still stops as on Ctrl+C."""

    def __init__(self, done: Any, left: list[Any]) -> None:
        super().__init__()
        self.done = done
        self.left = left


@dataclass(frozen=True)
class Limits:
    memory_mb: int | None = None  # per worker; None: no limit
    seconds: float | None = None  # per job; None: no limit

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Limits:
        """FORMGEN_WORKER_MEMORY_MB and FORMGEN_CHECK_TIMEOUT, else the defaults; 0 turns a
        limit off. A value that is no number is a usage error (LimitError)."""
        env = dict(os.environ) if env is None else env
        memory = _number(env, MEMORY_ENV, DEFAULT_MEMORY_MB)
        seconds = _number(env, TIME_ENV, DEFAULT_SECONDS)
        return cls(int(memory) or None, seconds or None)


def _number(env: dict[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise FormgenError(f"{name} moet een getal van 0 of meer zijn, niet '{text}'")
    return value


@dataclass
class Finished:
    """One job's end: its value, or why it has none (failure 'time', 'memory', 'died' or
    'error')."""

    tag: Any
    value: Any = None
    failure: str | None = None
    detail: str = ""


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    jobs: deque[tuple[Any, tuple[Any, ...]]] = field(default_factory=deque)  # sent, in order
    deadline: float = float("inf")  # for the first of its jobs
    inherited_mb: float = 0.0  # VmData it was forked with: the parent's, not its own use


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies; else watch the parent."""
    import ctypes
    import threading

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _serve(conn: Connection, func: Callable[..., Any], parent: int,
           memory_mb: int | None) -> None:
    """A worker's life: jobs from the pipe, one at a time, until the pipe closes."""
    import resource

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # started under _ctrl_c_held: take the mask off
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with_parent(parent)
    if memory_mb:  # the supervisor stops a worker past memory_mb; this stops a sudden leap
        limit = int((_data_mb(os.getpid()) + memory_mb * HARD_MEMORY_FACTOR) * 1024 * 1024)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply: tuple[str, Any] = ("ok", func(*args))
        except BaseException:  # the job's own function is to catch; this keeps the worker honest
            reply = ("error", traceback.format_exc())
        try:
            conn.send(reply)
        except BaseException:  # e.g. the value cannot be pickled, or no memory left to do it
            conn.send(("error", traceback.format_exc()))


class Workers:
    """Up to ``size`` workers running ``func(*args)`` for jobs given with :meth:`submit`.

    ``depth`` jobs may wait in a worker's pipe, so that short jobs do not wait for this process
    to be scheduled between two; a worker runs them in order, and when it dies or runs out of
    time, the job it was running fails and the ones behind it go to another worker. Use as a
    context manager: leaving it (also by Ctrl+C) kills every worker at once.
    """

    def __init__(self, func: Callable[..., Any], size: int, limits: Limits = Limits(), *,
                 depth: int = 1) -> None:
        import multiprocessing

        self.func = func
        self.size = max(1, size)
        self.depth = max(1, depth)
        self.limits = limits
        self._queue: deque[tuple[Any, tuple[Any, ...]]] = deque()
        self._workers: list[_Worker] = []
        self._context = multiprocessing.get_context("fork")
        for name in ("ctypes", "resource", "threading"):  # a new worker imports nothing first
            importlib.import_module(name)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        """Jobs given and not yet finished."""
        return len(self._queue) + sum(len(w.jobs) for w in self._workers)

    def submit(self, tag: Any, *args: Any) -> None:
        self._queue.append((tag, args))
        self._dispatch()

    def results(self) -> Iterator[Finished]:
        """Every job's end, in the order they end, until no job is left."""
        while len(self):
            yield self.next()

    def next(self) -> Finished:
        """Wait for the next job to end (there must be one given and not finished)."""
        from multiprocessing.connection import wait

        while True:
            self._dispatch()
            busy = [w for w in self._workers if w.jobs]
            if not busy:
                raise RuntimeError("no job to wait for")
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            if self.limits.memory_mb:
                timeout = min(timeout, MEMORY_POLL)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         None if timeout == float("inf") else timeout)
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    return self._collect(worker)
            now = time.monotonic()
            for worker in busy:
                if now >= worker.deadline:
                    tag = self._retire(worker)
                    return Finished(tag, failure="time",
                                    detail=f"job ran past {self.limits.seconds:g} s; "
                                           "worker killed")
                used = _data_mb(worker.process.pid) - worker.inherited_mb
                if self.limits.memory_mb and used > self.limits.memory_mb:
                    tag = self._retire(worker)
                    return Finished(tag, failure="memory",
                                    detail=f"worker used {used:.0f} MB, past "
                                           f"{self.limits.memory_mb} MB; worker killed")

    def drain(self, seconds: float) -> Iterator[Finished]:
        """Stop gently: no new job starts; the jobs already sent to a worker may end within
        seconds (the rest is killed by close)."""
        from multiprocessing.connection import wait

        self._queue.clear()
        end = time.monotonic() + seconds
        while (busy := [w for w in self._workers if w.jobs]) and time.monotonic() < end:
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         max(0.0, end - time.monotonic()))
            worker = next((w for w in busy if w.conn in ready or w.process.sentinel in ready),
                          None)
            if worker is not None:
                yield self._collect(worker)
                self._queue.clear()

    def close(self) -> None:
        """Kill every worker now and wait for them (a killed process ends at once)."""
        with _ctrl_c_held():
            self._queue.clear()
            for worker in self._workers:
                _kill(worker.process)
            for worker in self._workers:
                worker.process.join()
                worker.conn.close()
            self._workers = []

    # -- inside ---------------------------------------------------------------------------------

    def _collect(self, worker: _Worker) -> Finished:
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            tag = self._retire(worker)
            how = (f"killed by signal {signal.Signals(-code).name}" if code and code < 0
                   else f"exit code {code}")
            return Finished(tag, failure="died", detail=f"worker process died ({how})")
        tag, _ = worker.jobs.popleft()
        worker.deadline = self._deadline()
        if kind == "error":
            self._retire(worker)
            return Finished(tag, failure="error", detail=str(value))
        return Finished(tag, value=value)

    def _deadline(self) -> float:
        return time.monotonic() + self.limits.seconds if self.limits.seconds else float("inf")

    def _retire(self, worker: _Worker) -> Any:
        """Kill the worker; the jobs behind its first go back to the queue. The first's tag."""
        _kill(worker.process)
        worker.process.join()
        worker.conn.close()
        self._workers.remove(worker)
        first = worker.jobs.popleft()[0] if worker.jobs else None
        self._queue.extendleft(reversed(worker.jobs))
        return first

    def _dispatch(self) -> None:
        while self._queue:
            for worker in self._workers:  # started workers first, the least loaded
                if not worker.jobs:
                    break
            else:
                if len(self._workers) < self.size:
                    worker = self._start()
                else:
                    worker = min(self._workers, key=lambda w: len(w.jobs))
                    if len(worker.jobs) >= self.depth:
                        return
            tag, args = self._queue.popleft()
            if not worker.jobs:
                worker.deadline = self._deadline()
            worker.jobs.append((tag, args))
            try:
                worker.conn.send(args)
            except OSError:  # it died: a job it was running is collected from its sentinel
                if len(worker.jobs) == 1:  # it died idle: this job goes to another one
                    self._queue.appendleft(worker.jobs.pop())
                    self._retire(worker)

    def _start(self) -> _Worker:
        with _ctrl_c_held():  # a worker started is a worker known, so close() ends it
            ours, theirs = self._context.Pipe(duplex=True)
            process = self._context.Process(
                target=_serve, args=(theirs, self.func, os.getpid(), self.limits.memory_mb),
                daemon=True, name="formgen-worker")
            inherited = _data_mb(os.getpid())  # a forked worker starts with this process's
            process.start()
            theirs.close()
            worker = _Worker(process, ours, inherited_mb=inherited)
            self._workers.append(worker)
        return worker


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl+C waits until the block is done (its handler runs right after)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _data_mb(pid: int | None) -> float:
    """A process's private writable memory (VmData), in MB; 0 where /proc does not tell."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _kill(process: BaseProcess) -> None:
    if process.pid is not None and process.exitcode is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
