"""The seccomp filter of every sandbox: system calls a student's kernel never needs are refused.

A classic BPF program (``struct sock_filter``, 8 bytes an instruction) built here with :mod:`struct`,
handed to bubblewrap as ``--seccomp FD``; bubblewrap installs it just before it starts the sandboxed
program, so it binds everything the program starts. No library is needed (``libseccomp`` and its Python
bindings are not on PyPI as a wheel that installs everywhere).

Refused with ``EPERM``: debugging other processes (``ptrace``, ``process_vm_readv/writev``, ``kcmp``,
``pidfd_getfd``), kernel keyrings (``keyctl``, ``add_key``, ``request_key``), mounting (``mount``,
``umount2``, ``pivot_root``, the new mount API, ``open_tree``, ``move_mount``), new namespaces
(``unshare``, ``setns``, ``clone`` with any ``CLONE_NEW*`` flag), ``bpf``, ``perf_event_open``,
``userfaultfd``, ``io_uring``, kernel modules and ``kexec``, ``reboot``, swap, clocks, ``acct``,
``quotactl``, ``syslog``, file handles (``open_by_handle_at``), port I/O (``iopl``, ``ioperm``),
``tee`` (it would let a program peek at a pipe without consuming it), ``memfd_create`` (anonymous
files outside every tmpfs size limit: without a cgroup, 256 open memfds of 64 MB would be 16 GB), and the terminal ioctls that
push input into a terminal (``TIOCSTI``, ``TIOCLINUX``). ``clone3`` gets ``ENOSYS`` (its flags cannot
be inspected), so the C library falls back to ``clone``, whose flags are checked. A system call of
another architecture (the x32 ABI, i386 through ``int 0x80``) kills the process.

Only x86-64 is described here; on another architecture :func:`program` returns None and the sandbox
runs without a filter (the summary says so).
"""

from __future__ import annotations

import errno
import os
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_RET_KILL_PROCESS = 0x80000000
_LD_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_JSET = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_RET = 0x06  # BPF_RET | BPF_K
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24  # offsets in struct seccomp_data (low 32 bits of an argument)

#: x86-64 numbers of the refused system calls.
DENIED_X86_64 = {
    "ptrace": 101,
    "syslog": 103,
    "uselib": 134,
    "vhangup": 153,
    "pivot_root": 155,
    "_sysctl": 156,
    "adjtimex": 159,
    "acct": 163,
    "settimeofday": 164,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "sethostname": 170,
    "setdomainname": 171,
    "iopl": 172,
    "ioperm": 173,
    "create_module": 174,
    "init_module": 175,
    "delete_module": 176,
    "quotactl": 179,
    "nfsservctl": 180,
    "lookup_dcookie": 212,
    "clock_settime": 227,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "tee": 276,
    "perf_event_open": 298,
    "fanotify_init": 300,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "clock_adjtime": 305,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "memfd_create": 319,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "pidfd_getfd": 438,
    "mount_setattr": 442,
    "quotactl_fd": 443,
    "memfd_secret": 447,
}
_CLONE, _CLONE3, _IOCTL = 56, 435, 16
#: CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
_CLONE_NEW_ANY = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
_TIOCSTI, _TIOCLINUX = 0x5412, 0x541C


def _ins(code: int, k: int, jt: int = 0, jf: int = 0) -> tuple[int, int, int, int]:
    return (code, jt, jf, k)


def program() -> bytes | None:
    """The filter as the bytes bubblewrap reads from ``--seccomp FD``, or None off x86-64."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    # Jump targets are written as labels and resolved below (a jump counts the instructions it skips).
    code: list[tuple[int | str, int, int | str, int | str]] = [
        (_LD_ABS, _ARCH, 0, 0),
        (_JEQ, AUDIT_ARCH_X86_64, 1, 0),
        (_RET, _RET_KILL_PROCESS, 0, 0),
        (_LD_ABS, _NR, 0, 0),
        (_JGE, 0x40000000, "kill", 0),  # the x32 ABI
    ]
    for number in sorted(DENIED_X86_64.values()):
        code.append((_JEQ, number, "eperm", 0))
    code += [
        (_JEQ, _CLONE3, "enosys", 0),
        (_JEQ, _CLONE, 0, "not_clone"),
        (_LD_ABS, _ARG0, 0, 0),
        (_JSET, _CLONE_NEW_ANY, "eperm", "allow"),
        ("not_clone", 0, 0, 0),  # label marker (removed below)
        (_JEQ, _IOCTL, 0, "allow"),
        (_LD_ABS, _ARG1, 0, 0),
        (_JEQ, _TIOCSTI, "eperm", 0),
        (_JEQ, _TIOCLINUX, "eperm", "allow"),
        ("allow", 0, 0, 0),
        (_RET, _RET_ALLOW, 0, 0),
        ("eperm", 0, 0, 0),
        (_RET, _RET_ERRNO | errno.EPERM, 0, 0),
        ("enosys", 0, 0, 0),
        (_RET, _RET_ERRNO | errno.ENOSYS, 0, 0),
        ("kill", 0, 0, 0),
        (_RET, _RET_KILL_PROCESS, 0, 0),
    ]
    labels: dict[str, int] = {}
    instructions: list[tuple[int, int, int | str, int | str]] = []
    for op, k, jt, jf in code:
        if isinstance(op, str):
            labels[op] = len(instructions)
        else:
            instructions.append((op, k, jt, jf))

    def offset(target: int | str, position: int) -> int:
        if isinstance(target, int):
            return target
        skip = labels[target] - position - 1
        assert 0 <= skip < 256, (target, skip)
        return skip

    out = bytearray()
    for position, (op, k, jt, jf) in enumerate(instructions):
        out += struct.pack("=HBBI", op, offset(jt, position), offset(jf, position), k)
    return bytes(out)


def filter_fd() -> int | None:
    """A file descriptor (an anonymous in-memory file, read from the start) holding :func:`program`.

    Inheritable, for bubblewrap's ``--seccomp``; the caller closes it after starting bubblewrap.
    """
    data = program()
    if data is None:
        return None
    fd = os.memfd_create("immunokit-seccomp", 0)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    os.set_inheritable(fd, True)
    return fd
