"""Run one untrusted Python program in a bubblewrap sandbox, with limits, and end its whole process tree.

What the sandbox is (``bwrap``, Debian's ``bubblewrap``):

* a new mount namespace whose root is an empty tmpfs; read-only binds of the system (``/usr``, the
  loader), the Python installation and the virtual environment, and the toolkit's ``immunokit/``
  folder — nothing else of the machine (no home folders, no ``/tmp`` of the host, no submissions, no
  grade files, no ``solutions/``, no ``.git``). Inside the toolkit, :data:`HIDDEN_IN_TOOLKIT` (the
  exercise catalogue's reference answers) is replaced by an empty folder, and a run may hide more
  (the function-case runs hide ``toxicity.py``);
* nothing of the host is writable: ``/scratch`` (the working folder), ``/tmp`` and ``/dev/shm`` are
  empty tmpfs mounts of limited size in the sandbox's own memory, gone with it; the job arrives on
  standard input and the answers leave on standard output, a pipe the grader reads with a size cap;
* new user, PID, network, IPC and UTS namespaces (``--unshare-all``): no network at all, and no view
  of the grader's processes; ``--cap-drop ALL``, ``--new-session`` (no terminal injection) and
  ``--die-with-parent``;
* limits set by the program itself before any student code runs (:func:`apply_limits`): address space,
  processes, file size, CPU time, no core files; and, where cgroups can be created (always for root,
  whom Linux exempts from the process rlimit), a ``pids`` cgroup per run capping its processes;
* the process tree ends with the run: when the sandbox's first process exits or is killed, the kernel
  kills every process of its PID namespace, including ones that started a new session or forked twice.

Without ``bwrap`` (:func:`find_bwrap` is None) the program runs as a plain child process in its own
process group, with the same limits and a temporary folder on the host as working directory, and
:data:`UNCONTAINED` says what is then not contained.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: Where the scratch folder appears inside the sandbox.
SCRATCH = "/scratch"
#: Parts of the toolkit a sandbox never sees (relative to the ``immunokit`` package folder).
HIDDEN_IN_TOOLKIT = ("exercises/questions",)

UNCONTAINED = (
    "bubblewrap (bwrap) is not installed: submissions run WITHOUT a sandbox. They can read every file "
    "this user can read (other submissions, the grade file), write and delete files outside their "
    "folder, use the network, signal the grader, and a process that starts its own session can outlive "
    "its submission. Time, memory, process and file-size limits still apply. Install it with "
    "`apt-get install bubblewrap`."
)


@dataclass(frozen=True)
class Limits:
    """Limits of one submission's run (and of each function test case)."""

    cell_timeout_s: float = 30.0
    notebook_timeout_s: float = 300.0
    case_timeout_s: float = 10.0
    memory_mb: int = 3072
    scratch_mb: int = 256
    file_size_mb: int = 64
    processes: int = 128
    max_output_bytes: int = 1_000_000
    #: Hidden test cases per function question, at most (0: the visible cases only).
    hidden_cases: int = 64


@dataclass(frozen=True)
class RunResult:
    """How a sandboxed run ended."""

    returncode: int | None
    timed_out: bool
    seconds: float
    stderr_tail: str = ""
    output: str = ""

    @property
    def signal(self) -> int | None:
        """The signal that ended the run, if one did."""
        return -self.returncode if self.returncode is not None and self.returncode < 0 else None


def find_bwrap() -> str | None:
    """Path of a working ``bwrap``, or None (``IMMUNOKIT_NO_SANDBOX=1`` forces None, for comparisons)."""
    if os.environ.get("IMMUNOKIT_NO_SANDBOX") == "1":
        return None
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = subprocess.run(
        [path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "--", "/bin/true"],
        capture_output=True,
        timeout=30,
    )
    return path if probe.returncode == 0 else None


def toolkit_dir() -> Path:
    """The ``immunokit`` package folder."""
    return Path(__file__).resolve().parents[1]


def _system_binds() -> list[str]:
    args: list[str] = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            args += ["--ro-bind", top, top]
    for etc in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime"):
        args += ["--ro-bind-try", etc, etc]
    return args


def _python_binds() -> list[str]:
    args: list[str] = []
    seen: set[str] = set()
    for raw in (sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parents[1])):
        path = str(Path(raw).resolve())
        if path not in seen and not any(path.startswith(s + "/") for s in seen):
            seen.add(path)
            args += ["--ro-bind", path, path]
    if sys.prefix != str(Path(sys.prefix).resolve()):  # the venv's own path, if it goes through a link
        args += ["--ro-bind", sys.prefix, sys.prefix]
    return args


def bwrap_command(
    bwrap: str,
    argv: Sequence[str],
    scratch_mb: int = 256,
    hide_files: Sequence[str] = (),
    hide: Sequence[Path] = (),
) -> list[str]:
    """The full ``bwrap`` command line for ``argv``: writable only ``/scratch``, ``/tmp`` and ``/dev/shm``,
    each a size-limited tmpfs in the sandbox's own memory; nothing of the host is writable.

    ``hide_files`` are toolkit files (relative to the package folder) replaced by empty files, with their
    compiled copies in ``__pycache__``; ``hide``
    are host folders to cover with an empty tmpfs should they lie inside something bound.
    """
    size = str(scratch_mb * 1024 * 1024)
    toolkit = toolkit_dir()
    # The course files the toolkit reads (data layer, bibliography, question banks), read-only; the
    # chapters, solutions and everything else of the checkout stay out of the sandbox.
    book = toolkit.parent / "book"
    data = book / "data"
    course_files: list[str] = []
    for path in (data, book / "references.bib", *sorted(book.glob("*.quiz.yml"))):
        course_files += ["--ro-bind-try", str(path), str(path)]
    args = [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        # first the private /dev, /proc and /tmp, so that binds below may lie inside /tmp (a clone there)
        "--dev",
        "/dev",
        "--size",
        str(16 * 1024 * 1024),
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
        "--proc",
        "/proc",
        "--size",
        size,
        "--tmpfs",
        "/tmp",
        *_system_binds(),
        *_python_binds(),
        "--ro-bind",
        str(toolkit),
        str(toolkit),
        *course_files,
        "--size",
        size,
        "--tmpfs",
        SCRATCH,
        "--chdir",
        SCRATCH,
    ]
    for rel in HIDDEN_IN_TOOLKIT:
        if (toolkit / rel).is_dir():
            args += ["--tmpfs", str(toolkit / rel)]
    for rel in hide_files:
        if (toolkit / rel).is_file():
            args += ["--ro-bind", "/dev/null", str(toolkit / rel)]
        # its compiled copies too (an empty .pyc is invalid, so an import compiles the empty source)
        source = toolkit / rel
        for compiled in sorted((source.parent / "__pycache__").glob(f"{source.stem}.*.pyc")):
            args += ["--ro-bind", "/dev/null", str(compiled)]
    bound = [toolkit, data, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]
    for folder in hide:
        folder = folder.resolve()
        if folder.is_dir() and any(folder.is_relative_to(b) for b in bound):
            args += ["--tmpfs", str(folder)]
    args += ["--remount-ro", "/", "--", *argv]
    return args


def environment(home: str) -> dict[str, str]:
    """The whole environment of a sandboxed program: nothing of the grader's is passed on."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "IMMUNOKIT_IN_SANDBOX": "1",
    }


def _count_processes_of(uid: int) -> int:
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def limits_for_child(limits: Limits, cpu_s: float) -> dict[str, int]:
    """The rlimits a sandboxed program applies to itself (see :func:`apply_limits`).

    The process limit counts every process of the user (Linux counts per real user), so it is set to
    the user's current count plus :attr:`Limits.processes`.
    """
    return {
        "RLIMIT_AS": limits.memory_mb * 1024 * 1024,
        "RLIMIT_FSIZE": limits.file_size_mb * 1024 * 1024,
        "RLIMIT_NPROC": _count_processes_of(os.getuid()) + limits.processes,
        "RLIMIT_CPU": int(cpu_s) + 1,
        "RLIMIT_CORE": 0,
    }


def apply_limits(rlimits: dict[str, int]) -> None:
    """Set each rlimit (soft and hard) in this process: inherited by everything it starts."""
    import resource

    for name, value in rlimits.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large file raises OSError instead of killing


def private_output() -> int:
    """Keep the original standard output for the grader; send file descriptors 0-2 to ``/dev/null``."""
    log_fd = os.dup(1)  # not inherited by programs the student's code starts
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    return log_fd


@dataclass(frozen=True)
class GraderOutput:
    """The original standard output of a program run inside the sandbox: one JSON line per record."""

    fd: int

    def record(self, item: dict[str, Any]) -> None:
        os.write(self.fd, (json.dumps(item) + "\n").encode("utf-8"))

    def close(self) -> None:
        os.close(self.fd)


def start_inside() -> tuple[dict[str, Any], GraderOutput]:
    """What every program run inside the sandbox does before any student code runs.

    Reads its job (JSON on standard input), applies the job's rlimits to itself (:func:`apply_limits`),
    keeps the original standard output for the grader (:func:`private_output`) and returns the job and
    that output.
    """
    job: dict[str, Any] = json.loads(sys.stdin.buffer.read())
    apply_limits(job["rlimits"])
    return job, GraderOutput(private_output())


def module_argv(module: str) -> list[str]:
    """``python -I -m module`` for the toolkit this grader is, wherever the environment's ``immunokit`` is.

    An isolated interpreter (``-I``) ignores ``PYTHONPATH``, so a grader run from one checkout with a
    virtual environment that installed another (an editable install elsewhere) would otherwise run the
    other checkout's code, which the sandbox does not even contain: every submission a ``grader-error``.
    """
    boot = (
        "import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
        "runpy.run_module(sys.argv[1], run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-I", "-c", boot, str(toolkit_dir().parent), module]


@dataclass
class Sandbox:
    """Runs programs in bubblewrap when it is available, else as plain child processes (with a warning)."""

    bwrap: str | None = field(default_factory=find_bwrap)
    hide: tuple[Path, ...] = ()

    @property
    def contained(self) -> bool:
        """True when runs are sandboxed by bubblewrap."""
        return self.bwrap is not None

    def run(
        self,
        module: str,
        job: dict[str, Any],
        timeout_s: float,
        hide_files: Sequence[str] = (),
        scratch_mb: int = 256,
        max_output_bytes: int = 8 * 1024 * 1024,
        processes: int = 128,
    ) -> RunResult:
        """Run ``python -I -m module`` with ``job`` as JSON on its standard input; return what it printed.

        The program reports on its standard output (at most ``max_output_bytes`` are kept, the rest is
        read and dropped). It is killed, with its whole process tree, after ``timeout_s`` seconds.
        """
        argv = module_argv(module)
        with tempfile.TemporaryDirectory(prefix="immunokit-unsandboxed-") as host_scratch:
            if self.bwrap:
                command, cwd, home = (
                    bwrap_command(self.bwrap, argv, scratch_mb, hide_files, self.hide),
                    "/",
                    SCRATCH,
                )
            else:
                command, cwd, home = argv, host_scratch, host_scratch
            group = _pids_cgroup(processes)
            if group is not None:  # the shell joins the cgroup, then becomes the sandbox: no race
                command = [
                    "/bin/sh",
                    "-c",
                    'echo $$ > "$0" && exec "$@"',
                    str(group / "cgroup.procs"),
                    *command,
                ]
            start = time.monotonic()
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env=environment(home),
                start_new_session=True,
            )
            out = _CappedReader(proc.stdout, max_output_bytes)
            err = _CappedReader(proc.stderr, 4000)
            try:
                assert proc.stdin is not None
                proc.stdin.write(json.dumps(job).encode("utf-8"))
                proc.stdin.close()
            except OSError:  # it exited before reading its job
                pass
            timed_out = False
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill(proc)
            if not self.bwrap:
                _kill_group(proc.pid)  # whatever it left in its process group
            if group is not None:
                _remove_cgroup(group)
            output, errors = out.text(), err.text()
        tail = errors.strip().splitlines()[-3:]
        return RunResult(proc.returncode, timed_out, time.monotonic() - start, " | ".join(tail), output)


def _pids_cgroup(limit: int) -> Path | None:
    """A fresh pids cgroup allowing ``limit`` processes, or None where cgroups cannot be created here.

    Linux exempts root from ``RLIMIT_NPROC``, so for a grader running as root this is what bounds the
    number of processes of a submission (cgroup v1 ``pids`` hierarchy, or v2 with the pids controller).
    """
    for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if not (root / "cgroup.procs").exists():
            continue
        if root == Path("/sys/fs/cgroup") and "pids" not in _read(root / "cgroup.subtree_control"):
            continue
        group = root / f"immunokit-grader-{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(limit))
            return group
        except OSError:
            _remove_cgroup(group)
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _remove_cgroup(group: Path) -> None:
    """Kill whatever is left in ``group``, then remove it."""
    for _ in range(50):
        pids = [int(p) for p in _read(group / "cgroup.procs").split()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)


class _CappedReader:
    """Reads a pipe to its end in a thread, keeping at most ``cap`` bytes."""

    def __init__(self, pipe: Any, cap: int) -> None:
        self._pipe, self._cap, self._kept = pipe, cap, 0
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            chunk = self._pipe.read1(65536) if hasattr(self._pipe, "read1") else self._pipe.read(65536)
            if not chunk:
                break
            if self._kept < self._cap:
                keep = chunk[: self._cap - self._kept]
                self._chunks.append(keep)
                self._kept += len(keep)

    def text(self) -> str:
        self._thread.join(timeout=10)
        return b"".join(self._chunks).decode("utf-8", "replace")


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the run: bwrap's death takes its PID namespace, hence every process in it, with it."""
    _kill_group(proc.pid)
    try:
        proc.kill()
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def describe(limits: Limits) -> dict[str, Any]:
    """The limits as a JSON-ready dictionary (for the run summary)."""
    return asdict(limits)
