"""Memory and process budgets of one sandboxed run, for its whole process tree: a cgroup where one can be had.

A run of a submission (its notebook, then its function tests) gets a fresh child cgroup of the grader's
own cgroup, limited to :attr:`Limits.memory_mb <.sandbox.Limits.memory_mb>` of memory and
:attr:`Limits.processes <.sandbox.Limits.processes>` processes. The memory cgroup counts every page the
tree uses: anonymous memory, ``memfd`` files, ``/dev/shm`` and the sandbox's tmpfs folders, SysV shared
memory — so 64 memfds of 64 MB, or five processes of 900 MB each, meet one limit, not one per process
or per file. When the tree exceeds it the kernel's OOM killer ends a process of the tree (never the
grader) and :meth:`Cgroup.oom_killed` reports it (the ``memory-exhausted`` status).

Where: cgroup v1 (``/sys/fs/cgroup/memory`` and ``/sys/fs/cgroup/pids``, this machine) or v2 with the
``memory`` and ``pids`` controllers enabled for children of the grader's cgroup. Creating one needs
write access to the grader's own cgroup: root has it; an ordinary user has it only if the system
delegated a cgroup to them (systemd: ``systemd-run --user --scope -p Delegate=yes``).

**Fallback** (no writable cgroup): the rlimits of :func:`.sandbox.limits_for_child` — address space
per process (``RLIMIT_AS``), processes of the sandbox's user (``RLIMIT_NPROC``), size of each file
(``RLIMIT_FSIZE``, which also bounds each memfd), open files (``RLIMIT_NOFILE``) — and the size limits
of the sandbox's tmpfs folders. A submission can then use at most about
``processes × memory_mb + 3 × scratch_mb + 16 MB + open files × file_size_mb`` (the summary prints
which of the two applies). The wall clock is bounded in both cases by the grader killing the tree.

A grader that is killed cannot remove its groups; the next run removes every group whose grader
process is gone (:func:`sweep`).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

_V1 = Path("/sys/fs/cgroup")


def _own_path(controller: str) -> str | None:
    """This process's cgroup path in ``controller``'s v1 hierarchy ("" for v2: the ``0::`` line)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


class Cgroup:
    """A child cgroup (one per memory and pids hierarchy) that one run joins; :meth:`close` removes it."""

    def __init__(self, folders: list[Path], kind: str) -> None:
        self.folders = folders
        self.kind = kind  # "v1" or "v2"

    @property
    def procs_files(self) -> list[str]:
        """The ``cgroup.procs`` files a process writes its pid to, to join."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def oom_killed(self) -> bool:
        """True when the kernel killed a process of this group for exceeding its memory limit."""
        for folder in self.folders:
            for name, key in (("memory.oom_control", "oom_kill"), ("memory.events", "oom_kill")):
                for line in _read(folder / name).splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == key and parts[1].isdigit() and int(parts[1]) > 0:
                        return True
        return False

    def peak_bytes(self) -> int:
        """The most memory the group used (0 when unknown)."""
        for folder in self.folders:
            for name in ("memory.max_usage_in_bytes", "memory.peak"):
                text = _read(folder / name).strip()
                if text.isdigit():
                    return int(text)
        return 0

    def kill_all(self) -> None:
        for folder in self.folders:
            for pid in _read(folder / "cgroup.procs").split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (OSError, ValueError):
                    pass

    def close(self) -> None:
        """Kill whatever is left in the group, then remove it (the group is gone afterwards)."""
        for folder in reversed(self.folders):
            for _ in range(100 if self.kind != "stale" else 3):
                self.kill_all()
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


_PREFIX = "immunokit-grader-"


def _name() -> str:
    return f"{_PREFIX}{os.getpid()}-{threading.get_ident()}-{time.monotonic_ns()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def sweep(parent: Path) -> None:
    """Remove the groups a grader that was killed (and so could not clean up) left in ``parent``."""
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for folder in entries:
        pid = folder.name.removeprefix(_PREFIX).split("-", 1)[0]
        if folder.name.startswith(_PREFIX) and pid.isdigit() and not _alive(int(pid)):
            Cgroup([folder], "stale").close()


def _v1(memory_bytes: int, processes: int) -> Cgroup | None:
    memory_own, pids_own = _own_path("memory"), _own_path("pids")
    if memory_own is None or pids_own is None:
        return None
    memory_parent = _V1 / "memory" / memory_own.lstrip("/")
    pids_parent = _V1 / "pids" / pids_own.lstrip("/")
    if not (memory_parent / "cgroup.procs").exists() or not (pids_parent / "cgroup.procs").exists():
        return None
    for parent in (memory_parent, pids_parent):
        sweep(parent)
    name = _name()
    group = Cgroup([], "v1")
    try:
        memory = memory_parent / name
        memory.mkdir()
        group.folders.append(memory)
        (memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
        swap = memory / "memory.memsw.limit_in_bytes"
        if swap.exists():  # memory and swap together: swapping does not stretch the budget
            swap.write_text(str(memory_bytes))
        pids = pids_parent / name
        pids.mkdir()
        group.folders.append(pids)
        (pids / "pids.max").write_text(str(processes))
        return group
    except OSError:
        group.close()
        return None


def _v2(memory_bytes: int, processes: int) -> Cgroup | None:
    own = _own_path("")
    if own is None:
        return None
    parent = _V1 / own.lstrip("/")
    enabled = _read(parent / "cgroup.subtree_control").split()
    if not {"memory", "pids"} <= set(enabled):
        return None
    sweep(parent)
    folder = parent / _name()
    group = Cgroup([], "v2")
    try:
        folder.mkdir()
        group.folders.append(folder)
        (folder / "memory.max").write_text(str(memory_bytes))
        if (folder / "memory.swap.max").exists():
            (folder / "memory.swap.max").write_text("0")
        (folder / "pids.max").write_text(str(processes))
        return group
    except OSError:
        group.close()
        return None


def create(memory_mb: int, processes: int) -> Cgroup | None:
    """A fresh cgroup limiting a run's tree to ``memory_mb`` and ``processes``, or None (the fallback)."""
    if os.environ.get("IMMUNOKIT_NO_CGROUP") == "1":  # measuring the fallback
        return None
    memory_bytes = memory_mb * 1024 * 1024
    if (_V1 / "memory" / "cgroup.procs").exists():
        return _v1(memory_bytes, processes)
    if (_V1 / "cgroup.controllers").exists():
        return _v2(memory_bytes, processes)
    return None


def available() -> bool:
    """Whether runs here get a cgroup (tried once, then removed)."""
    group = create(64, 8)
    if group is None:
        return False
    group.close()
    return True
