"""Templates are checked and documents rendered in a separate process with CPU and memory limits.

A template is text an administrator uploaded, and rendering it runs its loops: a 38 KB template
with nested loops kept a worker busy for seconds, and one with 300,000 empty paragraphs took a
worker's memory until it was killed. Rendering on the event loop (or in one of its threads) let
that stop every request the worker was serving. Here it runs in a child process that:

- is started with a bare environment (no SECRET_KEY, no database address: a template that found
  a way out of Jinja's sandbox would find nothing to steal);
- has an address-space limit (RLIMIT_AS), so a memory bomb fails with MemoryError in the child;
- has a CPU-time limit per job (RLIMIT_CPU, moved up before each job), so a CPU bomb is killed;
- may not write files (RLIMIT_FSIZE) or start processes (RLIMIT_NPROC, for a non-root user);
- is killed if a job takes longer than a wall-clock limit, and replaced by a fresh one.

Children are started on first use and kept: a job costs a round trip through a pipe (a millisecond
or two), not a process start. Each web worker keeps at most `MAX_CHILDREN`; further jobs wait.

The protocol is a 4-byte big-endian length, then a msgpack message, in each direction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import signal
import struct
import sys
from dataclasses import dataclass
from typing import Any

import msgspec

log = logging.getLogger(__name__)

MAX_CHILDREN = 2
CPU_SECONDS = 3  # an undertaking takes about 50 ms of CPU here; an upload check about 100 ms
WALL_SECONDS = 10.0
MEMORY_BYTES = 512 * 1024 * 1024  # address space; a child maps about 90 MB after rendering an undertaking
_HEADER = struct.Struct(">I")
_MAX_MESSAGE = 64 * 1024 * 1024
# Only what Python needs to start: nothing secret reaches the child.
_ENVIRONMENT_KEPT = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TZ")


class SandboxError(RuntimeError):
    """The job failed in the child; the message is safe to show to the person who asked."""


class _Job(msgspec.Struct):
    op: str
    template: bytes
    context: dict[str, Any] = {}
    crest: bytes | None = None
    name: str = ""
    cpu_seconds: int = CPU_SECONDS


class _Answer(msgspec.Struct):
    ok: bool
    document: bytes = b""
    problems: list[str] = []
    error: str = ""
    kind: str = ""


# ---------------------------------------------------------------------------------------------
# The parent side


@dataclass
class _Child:
    process: asyncio.subprocess.Process
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    @classmethod
    async def start(cls) -> _Child:
        environment = {name: os.environ[name] for name in _ENVIRONMENT_KEPT if name in os.environ}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=environment,
            cwd="/",
        )
        assert process.stdin is not None  # noqa: S101  # asked for above
        assert process.stdout is not None  # noqa: S101
        return cls(process, process.stdout, process.stdin)

    async def ask(self, job: _Job) -> _Answer:
        message = msgspec.msgpack.encode(job)
        self.writer.write(_HEADER.pack(len(message)) + message)
        await self.writer.drain()
        size = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))[0]
        if size > _MAX_MESSAGE:
            raise SandboxError("the document is too big")
        return msgspec.msgpack.decode(await self.reader.readexactly(size), type=_Answer)

    async def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        await self.process.wait()


class Sandbox:
    """A few child processes for one event loop, started when first needed."""

    def __init__(self, max_children: int = MAX_CHILDREN) -> None:
        self._idle: list[_Child] = []
        self._slots = asyncio.Semaphore(max_children)

    async def run(self, job: _Job) -> _Answer:
        async with self._slots:
            child = self._idle.pop() if self._idle else await _Child.start()
            try:
                answer = await asyncio.wait_for(child.ask(job), WALL_SECONDS)
            except TimeoutError:
                await child.kill()
                raise SandboxError(
                    f"it took more than {WALL_SECONDS:.0f} seconds: the template is too large or too complex"
                ) from None
            except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
                await child.kill()
                code = child.process.returncode
                log.warning("document sandbox child ended with %s", code)
                raise SandboxError(
                    "it used more than its share of time or memory: the template is too large or too complex"
                ) from None
            except BaseException:
                await child.kill()
                raise
            self._idle.append(child)
            return answer

    def idle_pids(self) -> list[int]:
        """The children waiting for work (for checks and tests)."""
        return [child.process.pid for child in self._idle]

    async def close(self) -> None:
        while self._idle:
            await self._idle.pop().kill()


_sandboxes: dict[asyncio.AbstractEventLoop, Sandbox] = {}


def sandbox() -> Sandbox:
    """The running loop's sandbox (each web worker process has one loop; tests may have several)."""
    loop = asyncio.get_running_loop()
    for other in [other for other in _sandboxes if other.is_closed()]:
        del _sandboxes[other]  # its children saw their pipes close and have exited
    if loop not in _sandboxes:
        _sandboxes[loop] = Sandbox()
    return _sandboxes[loop]


async def render(template: bytes, context: dict[str, Any], *, crest: bytes | None = None) -> bytes:
    answer = await sandbox().run(_Job("render", template, context, crest=crest, cpu_seconds=CPU_SECONDS))
    if not answer.ok:
        raise SandboxError(f"{answer.kind}: {answer.error}")
    return answer.document


async def problems(name: str, content: bytes) -> list[str]:
    """Why an uploaded template cannot be used (see `documents.problems`), checked in the sandbox."""
    try:
        answer = await sandbox().run(_Job("problems", content, name=name, cpu_seconds=CPU_SECONDS))
    except SandboxError as exc:
        return [f"The template could not be checked: {exc}"]
    if not answer.ok:
        return [f"The template could not be checked: {answer.error}"]
    return answer.problems


# ---------------------------------------------------------------------------------------------
# The child side


def _limit(kind: int, soft: int) -> None:
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _answer(job: _Job) -> _Answer:
    from disclosure_service.disclosures import documents  # noqa: PLC0415  # loaded before the limits

    try:
        if job.op == "render":
            return _Answer(ok=True, document=documents.render(job.template, job.context, crest=job.crest))
        if job.op == "problems":
            return _Answer(ok=True, problems=documents.problems(job.name, job.template))
        return _Answer(ok=False, error=f"unknown job {job.op!r}", kind="ValueError")
    except MemoryError:
        return _Answer(ok=False, error="the template needs too much memory", kind="MemoryError")
    except Exception as exc:  # noqa: BLE001  # every failure goes back to the parent as words
        return _Answer(ok=False, error=str(exc)[:2000], kind=type(exc).__name__)


def serve() -> None:
    """The child's loop: read a job, answer it, until the parent closes the pipe."""
    from disclosure_service.disclosures import documents  # noqa: F401, PLC0415  # import before the limits

    sys.dont_write_bytecode = True
    # Stray prints from a library must not corrupt the answers: keep stdout for the protocol only.
    incoming = sys.stdin.buffer
    outgoing = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
    _limit(resource.RLIMIT_AS, MEMORY_BYTES)
    _limit(resource.RLIMIT_FSIZE, 0)
    _limit(resource.RLIMIT_NPROC, 0)
    _limit(resource.RLIMIT_CORE, 0)  # killed for its CPU time, it leaves no core file behind
    while True:
        header = incoming.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        job = msgspec.msgpack.decode(incoming.read(_HEADER.unpack(header)[0]), type=_Job)
        # The limit counts the process's whole life: move it to this job's allowance.
        _limit(resource.RLIMIT_CPU, int(_cpu_used()) + max(1, min(job.cpu_seconds, CPU_SECONDS)) + 1)
        answer = msgspec.msgpack.encode(_answer(job))
        outgoing.write(_HEADER.pack(len(answer)) + answer)
        outgoing.flush()


if __name__ == "__main__":
    serve()
