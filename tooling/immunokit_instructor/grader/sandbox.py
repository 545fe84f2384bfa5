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
* new PID, network, IPC and UTS namespaces: no network at all, and no view of the grader's processes;
  ``--new-session`` (no terminal injection), ``--die-with-parent``, no new privileges (bubblewrap sets
  ``PR_SET_NO_NEW_PRIVS``), ``/proc`` read-only (so ``/proc/sys`` too), and the seccomp filter of
  :mod:`.seccomp` (no ``ptrace``, ``keyctl``, ``mount``, ``bpf``, ``perf_event_open``, modules, ``kexec``,
  new namespaces…);
* **never root inside**: run by an ordinary user, the sandbox is a user namespace mapping that user
  (``--unshare-all --disable-userns``, no capabilities). Run by root, bubblewrap starts without a user
  namespace, keeps only ``CAP_SETUID``/``CAP_SETGID``/``CAP_SETPCAP`` for its first program,
  ``setpriv``, which drops to the unprivileged user of :func:`sandbox_user` (``immunokit-grader`` if
  that user exists, else ``nobody``; ``IMMUNOKIT_GRADER_USER`` names another) with no supplementary
  groups, no capabilities, an empty bounding set and no new privileges — before the Python interpreter
  starts. Seen from the host, every process of the sandbox has that user's uid, so files such as
  ``/proc/sys/kernel/core_pattern`` that check the uid refuse it;
* limits set by the program itself before any student code runs (:func:`apply_limits`): address space,
  processes, file size, open files, CPU time, no core files (``RLIMIT_CORE`` 0); and the memory and
  process budget of the whole tree in a cgroup where one can be created (:mod:`.budget`);
* two caches the grader builds once per run and binds read-only into every sandbox
  (:func:`warm_caches`): matplotlib's font list and the toolkit's checked data layer, which a new, empty
  home would otherwise rebuild in every kernel (about half a second each); their contents come from the
  course's own files, never from a submission;
* the process tree ends with the run: when the sandbox's first process exits or is killed, the kernel
  kills every process of its PID namespace, including ones that started a new session or forked twice.

Without ``bwrap`` (:func:`find_bwrap` is None) the program runs as a plain child process in its own
process group, with the same limits and a temporary folder on the host as working directory, and
:data:`UNCONTAINED` says what is then not contained.
"""

from __future__ import annotations

import atexit
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
from functools import cache
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
    #: All the function tests of one submission together (a fixed budget, whatever the number of cells).
    tests_timeout_s: float = 60.0
    #: Open files per process (with ``file_size_mb``, the bound on memfds when no cgroup is available).
    open_files: int = 256
    #: Reading and checking one notebook file (JSON, notebook format) in its own sandbox.
    read_timeout_s: float = 30.0
    read_memory_mb: int = 1024

    @property
    def submission_budget_s(self) -> float:
        """The wall clock one submission may take at most: its notebook, its function tests, its reading."""
        return self.notebook_timeout_s + self.tests_timeout_s + self.read_timeout_s


@dataclass(frozen=True)
class RunResult:
    """How a sandboxed run ended."""

    returncode: int | None
    timed_out: bool
    seconds: float
    stderr_tail: str = ""
    output: str = ""
    #: The kernel killed a process of the run for exceeding the memory budget of its cgroup.
    oom_killed: bool = False

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


def sandbox_user() -> tuple[int, int] | None:
    """``(uid, gid)`` that student code runs as when the grader runs as root; None for an ordinary user.

    ``IMMUNOKIT_GRADER_USER`` (a user name or uid), else the user ``immunokit-grader`` if it exists
    (``useradd --system --no-create-home --shell /usr/sbin/nologin immunokit-grader``), else ``nobody``.
    Never uid 0.
    """
    if os.geteuid() != 0:
        return None
    import pwd

    wanted = os.environ.get("IMMUNOKIT_GRADER_USER")
    for name in [wanted] if wanted else ["immunokit-grader", "nobody"]:
        try:
            entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name)
        except (KeyError, ValueError):
            if wanted and name.isdigit():  # a bare uid without a passwd entry is fine
                return (int(name), int(name))
            continue
        if entry.pw_uid != 0 and entry.pw_gid != 0:
            return (entry.pw_uid, entry.pw_gid)
    raise RuntimeError(
        "the grader runs as root and found no unprivileged user to run submissions as: create one "
        "(useradd --system --no-create-home --shell /usr/sbin/nologin immunokit-grader) or set "
        "IMMUNOKIT_GRADER_USER"
    )


def _setpriv(user: tuple[int, int]) -> list[str]:
    """The command prefix that drops from root to ``user`` for good (util-linux ``setpriv``)."""
    setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
    uid, gid = user
    return [
        setpriv,
        f"--reuid={uid}",
        f"--regid={gid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
        "--",
    ]


def toolkit_dir() -> Path:
    """The ``immunokit`` package folder (the student toolkit the sandbox imports)."""
    import immunokit

    return Path(immunokit.__file__).resolve().parent


def grader_dir() -> Path:
    """The ``immunokit_instructor`` package folder (the sandboxed kernel and case runner live there)."""
    import immunokit_instructor

    return Path(immunokit_instructor.__file__).resolve().parent


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


#: Where matplotlib keeps its font list in a sandbox (``MPLCONFIGDIR``; see :func:`warm_caches`).
MPL_DIR = f"{SCRATCH}/.matplotlib"
#: Where the toolkit keeps what it has checked once (the data layer, the bibliography's index) in a
#: sandbox (``$HOME/.cache/immunokit``; see :func:`warm_caches`).
TOOLKIT_CACHE_DIR = f"{SCRATCH}/.cache/immunokit"


@dataclass(frozen=True)
class WarmCaches:
    """What every sandboxed kernel would otherwise build again in its new, empty home (see :func:`warm_caches`)."""

    #: matplotlib's font list (``fontlist-v*.json``).
    fonts: Path | None
    #: The toolkit's cache folder: the checked data layer and the bibliography's index.
    toolkit: Path | None


@cache
def warm_caches() -> WarmCaches:
    """Built once per grader process, for every sandbox to read (bound read-only; copied without bubblewrap).

    A sandbox's home is new in every run, so each kernel would scan the system's fonts for matplotlib
    and validate the course's data layer again: about a second of every submission's kernel. Here a
    child process with an empty home imports ``matplotlib.font_manager`` and loads the data layer and
    the bibliography, which write those caches; their contents depend only on the course's own files
    (the toolkit checks a cached data layer against the files' hash). Either is None when it cannot be
    built: each run then builds its own, as before.
    """
    folder = Path(tempfile.mkdtemp(prefix="immunokit-warm-"))
    atexit.register(shutil.rmtree, folder, True)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(folder),
        "MPLCONFIGDIR": str(folder / "matplotlib"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
    }
    code = (
        f"import sys; sys.path[:0] = {[str(toolkit_dir().parent), str(grader_dir().parent)]!r}; "
        "import matplotlib.font_manager, immunokit.facts, immunokit.citations; "
        "immunokit.facts.current(); immunokit.citations.load()"
    )
    try:
        subprocess.run(
            [sys.executable, "-I", "-c", code], env=env, capture_output=True, timeout=300, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return WarmCaches(None, None)
    for path in [folder, *folder.rglob("*")]:  # the sandbox's unprivileged user reads them (run by root)
        path.chmod(0o755 if path.is_dir() else 0o644)
    fonts = sorted((folder / "matplotlib").glob("fontlist-*.json"))
    toolkit = folder / "cache" / "immunokit"
    return WarmCaches(fonts[0] if len(fonts) == 1 else None, toolkit if toolkit.is_dir() else None)


@cache
def _supports(bwrap: str, option: str) -> bool:
    """Whether this ``bwrap`` knows ``option`` (``--disable-userns`` came with bubblewrap 0.8; the seccomp
    filter refuses new user namespaces anyway)."""
    try:
        text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in text


def _parent_dirs(binds: Sequence[str]) -> list[str]:
    """``--perms 0755 --dir`` for every folder above a bind's destination (bubblewrap would otherwise copy
    the host folder's mode, and a Python installed under ``/root`` would be out of the sandbox user's reach)."""
    args: list[str] = []
    seen: set[str] = set()
    system = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/dev", "/proc")
    for i, arg in enumerate(binds):
        if arg not in ("--ro-bind", "--ro-bind-try") or i + 2 >= len(binds) + 1:
            continue
        dest = Path(binds[i + 2])
        for parent in reversed(dest.parents):
            name = str(parent)
            # /tmp itself is the sandbox's own tmpfs; a checkout inside it (/tmp/clone) still needs its
            # folders made reachable, or bubblewrap makes them 0700 and the sandbox user cannot enter
            if (
                name in ("/", "/tmp")
                or name in seen
                or any(name == t or name.startswith(t + "/") for t in system)
            ):
                continue
            seen.add(name)
            args += ["--perms", "0755", "--dir", name]
    return args


def bwrap_command(
    bwrap: str,
    argv: Sequence[str],
    scratch_mb: int = 256,
    hide_files: Sequence[str] = (),
    hide: Sequence[Path] = (),
    user: tuple[int, int] | None = None,
    seccomp_fd: int | None = None,
) -> list[str]:
    """The full ``bwrap`` command line for ``argv``: writable only ``/scratch``, ``/tmp`` and ``/dev/shm``,
    each a size-limited tmpfs in the sandbox's own memory; nothing of the host is writable.

    ``user``: the grader runs as root and the sandbox drops to this ``(uid, gid)`` (see the module
    docstring); ``seccomp_fd``: an inherited file descriptor holding the filter of :mod:`.seccomp`.

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
    if user is None:  # an ordinary user: a user namespace that maps that user, no capabilities in it
        nested = ["--unshare-user", "--disable-userns"] if _supports(bwrap, "--disable-userns") else []
        namespaces = ["--unshare-all", *nested, "--cap-drop", "ALL"]
    else:  # root: no user namespace (it would map host root); setpriv drops to `user` before Python starts
        namespaces = [
            "--unshare-ipc",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--cap-drop",
            "ALL",
            *("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"),
        ]
        argv = [*_setpriv(user), *argv]
    args = [
        bwrap,
        *namespaces,
        "--die-with-parent",
        "--new-session",
        *(["--seccomp", str(seccomp_fd)] if seccomp_fd is not None else []),
        # first the private /dev, /proc and /tmp, so that binds below may lie inside /tmp (a clone there)
        "--dev",
        "/dev",
        "--size",
        str(16 * 1024 * 1024),
        "--perms",
        "01777",
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
        "--proc",
        "/proc",
        "--remount-ro",
        "/proc",
        "--size",
        size,
        "--perms",
        "01777",
        "--tmpfs",
        "/tmp",
        *_system_binds(),
        *_parent_dirs(
            [
                *_python_binds(),
                "--ro-bind",
                str(toolkit),
                str(toolkit),
                "--ro-bind",
                str(grader_dir()),
                str(grader_dir()),
                *course_files,
            ]
        ),
        *_python_binds(),
        "--ro-bind",
        str(toolkit),
        str(toolkit),
        "--ro-bind",
        str(grader_dir()),
        str(grader_dir()),
        *course_files,
        "--size",
        size,
        "--perms",
        "01777",
        "--tmpfs",
        SCRATCH,
        "--chdir",
        SCRATCH,
    ]
    warm = warm_caches()
    if warm.fonts is not None:  # a folder the sandbox's user may write in, holding the read-only font list
        args += [
            "--perms",
            "0777",
            "--dir",
            MPL_DIR,
            "--ro-bind",
            str(warm.fonts),
            f"{MPL_DIR}/{warm.fonts.name}",
        ]
    if warm.toolkit is not None:
        args += ["--perms", "0777", "--dir", str(Path(TOOLKIT_CACHE_DIR).parent)]
        args += ["--ro-bind", str(warm.toolkit), TOOLKIT_CACHE_DIR]
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
        "MPLCONFIGDIR": f"{home}/.matplotlib",  # MPL_DIR in a sandbox
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


def limits_for_child(limits: Limits, cpu_s: float, memory_mb: int | None = None) -> dict[str, int]:
    """The rlimits a sandboxed program applies to itself (see :func:`apply_limits`).

    The process limit counts every process of the sandbox's user (Linux counts per real user), so it
    is set to that user's current count plus :attr:`Limits.processes`.
    """
    user = sandbox_user()
    return {
        "RLIMIT_AS": (memory_mb or limits.memory_mb) * 1024 * 1024,
        "RLIMIT_FSIZE": limits.file_size_mb * 1024 * 1024,
        "RLIMIT_NPROC": _count_processes_of(user[0] if user else os.getuid()) + limits.processes,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_CPU": int(cpu_s) + 1,
        "RLIMIT_CORE": 0,
    }


from immunokit_instructor.grader.inside import (  # noqa: E402
    GraderOutput,
    apply_limits,
    private_output,
    read_line,
    start_inside,
)

__all__ = ["GraderOutput", "apply_limits", "private_output", "read_line", "start_inside"]


@dataclass
class Sandbox:
    """Runs programs in bubblewrap when it is available, else as plain child processes (with a warning)."""

    bwrap: str | None = field(default_factory=find_bwrap)
    hide: tuple[Path, ...] = ()
    #: ``(uid, gid)`` the sandboxed programs run as when the grader runs as root (:func:`sandbox_user`).
    user: tuple[int, int] | None = field(default_factory=sandbox_user)
    #: Whether runs get a cgroup (memory and processes of the whole tree); else the rlimit fallback.
    cgroups: bool = field(default_factory=lambda: _budget().available())
    #: Whether runs get the seccomp filter of :mod:`.seccomp` (off only to measure what it costs).
    seccomp: bool = True

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
        memory_mb: int = 3072,
        payload: int | bytes | None = None,
        payload_cap: int = 0,
        respond: tuple[bytes, bytes] | None = None,
    ) -> RunResult:
        """Run ``python -I -m module`` with ``job`` as one JSON line on its standard input; return what it printed.

        After the job line: ``payload`` (bytes, or a file descriptor copied at most ``payload_cap``
        bytes), then standard input closes; or, with ``respond = (marker, data)``, ``data`` is written
        only once the program printed a line equal to ``marker`` (what the program holds before then,
        the student's code cannot find in it). The program reports on its standard output (at most
        ``max_output_bytes`` are kept, the rest is read and dropped). It is killed, with its whole process
        tree, after ``timeout_s`` seconds; its tree shares ``memory_mb`` and ``processes`` where a cgroup
        can be created (:mod:`.budget`).
        """
        budget = _budget()
        argv = module_argv(module)
        seccomp_fd = _seccomp().filter_fd() if self.bwrap and self.seccomp else None
        group = budget.create(memory_mb, processes) if self.cgroups else None
        with tempfile.TemporaryDirectory(prefix="immunokit-unsandboxed-") as host_scratch:
            if self.bwrap:
                command, cwd, home = (
                    bwrap_command(self.bwrap, argv, scratch_mb, hide_files, self.hide, self.user, seccomp_fd),
                    "/",
                    SCRATCH,
                )
            else:
                warm = warm_caches()
                if warm.fonts is not None:
                    Path(host_scratch, ".matplotlib").mkdir()
                    shutil.copy(warm.fonts, Path(host_scratch, ".matplotlib", warm.fonts.name))
                if warm.toolkit is not None:
                    shutil.copytree(warm.toolkit, Path(host_scratch, ".cache", "immunokit"))
                if self.user is not None:
                    for path in [Path(host_scratch), *Path(host_scratch).rglob("*")]:
                        os.chown(path, *self.user)
                    argv = [*_setpriv(self.user), *argv]
                command, cwd, home = argv, host_scratch, host_scratch
            if group is not None:  # the shell joins the cgroup, then becomes the sandbox: no race
                command = [
                    "/bin/sh",
                    "-c",
                    'for f in $0; do echo $$ > "$f" || exit 125; done; exec "$@"',
                    " ".join(group.procs_files),
                    *command,
                ]
            start = time.monotonic()
            try:
                proc = subprocess.Popen(
                    command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=cwd,
                    env=environment(home),
                    start_new_session=True,
                    pass_fds=(seccomp_fd,) if seccomp_fd is not None else (),
                )
            finally:
                if seccomp_fd is not None:
                    os.close(seccomp_fd)
            assert proc.stdin is not None
            stdin = proc.stdin

            def send(data: bytes) -> None:
                try:
                    stdin.write(data)
                    stdin.close()
                except (OSError, ValueError):  # it exited (or closed its input) first
                    pass

            out = _CappedReader(
                proc.stdout,
                max_output_bytes,
                respond[0] if respond else None,
                (lambda: send(respond[1])) if respond else None,
            )
            err = _CappedReader(proc.stderr, 4000)
            try:
                stdin.write(json.dumps(job).encode("utf-8") + b"\n")
                if isinstance(payload, bytes):
                    stdin.write(payload)
                elif isinstance(payload, int):
                    _copy(payload, stdin, payload_cap)
                if respond is None:
                    stdin.close()
                else:
                    stdin.flush()
            except (OSError, ValueError):  # it exited before reading its job
                pass
            timed_out = False
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill(proc)
            if not self.bwrap:
                _kill_group(proc.pid)  # whatever it left in its process group
            oom = False
            if group is not None:
                oom = group.oom_killed()
                group.close()
            output, errors = out.text(), err.text()
            try:
                stdin.close()
            except (OSError, ValueError):
                pass
        tail = errors.strip().splitlines()[-3:]
        return RunResult(proc.returncode, timed_out, time.monotonic() - start, " | ".join(tail), output, oom)


#: Programs run as files, without importing the toolkit package (they need none of it).
STANDALONE = {"immunokit_instructor.grader.reader": "reader.py"}


def module_argv(module: str) -> list[str]:
    """``python -I`` running ``module`` of *this* toolkit (isolated mode ignores ``PYTHONPATH``, and an
    editable install may point elsewhere): the toolkit's parent folder goes first on ``sys.path``."""
    if module in STANDALONE:
        folder = str(Path(__file__).resolve().parent)
        name = STANDALONE[module].removesuffix(".py")
        return [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = [{folder!r}]; import {name}; raise SystemExit({name}.main())",
        ]
    folders = [
        str(toolkit_dir().parent),
        str(grader_dir().parent),
    ]  # immunokit/, tooling/immunokit_instructor/
    code = (
        f"import sys; sys.path[:0] = {folders!r}; import runpy; "
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-I", "-c", code]


def _copy(fd: int, pipe: Any, cap: int) -> None:
    """Copy at most ``cap`` bytes from ``fd`` to ``pipe``, 1 MB at a time (a notebook is never held whole)."""
    left = cap
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        pipe.write(chunk)
        left -= len(chunk)


def _budget() -> Any:
    from immunokit_instructor.grader import budget

    return budget


def _seccomp() -> Any:
    from immunokit_instructor.grader import seccomp

    return seccomp


class _CappedReader:
    """Reads a pipe to its end in a thread, keeping at most ``cap`` bytes."""

    def __init__(self, pipe: Any, cap: int, marker: bytes | None = None, on_marker: Any = None) -> None:
        self._pipe, self._cap, self._kept = pipe, cap, 0
        self._marker, self._on_marker, self._tail = marker, on_marker, b"\n"
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            chunk = self._pipe.read1(65536) if hasattr(self._pipe, "read1") else self._pipe.read(65536)
            if not chunk:
                break
            if self._marker is not None:
                window = self._tail + chunk
                if b"\n" + self._marker + b"\n" in window:
                    self._marker = None
                    self._on_marker()
                else:
                    self._tail = window[-(len(self._marker) + 2) :]
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
