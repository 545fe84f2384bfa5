"""What every program run inside a sandbox does before anything else (no import of the toolkit package).

Kept free of the ``immunokit`` package (whose exercise checks import numpy and the data layer) so the
notebook reader (:mod:`.reader`) starts without those imports; the kernel and the case runner use it too.
"""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass
from typing import Any


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
        self.raw((json.dumps(item) + "\n").encode("utf-8"))

    def raw(self, data: bytes) -> None:
        while data:
            data = data[os.write(self.fd, data) :]

    def close(self) -> None:
        os.close(self.fd)


def read_line(fd: int, cap: int = 64 * 1024 * 1024) -> bytes:
    """One line from ``fd``, read a byte at a time: nothing after the newline is taken from the pipe."""
    out = bytearray()
    while len(out) < cap:
        byte = os.read(fd, 1)
        if not byte or byte == b"\n":
            break
        out += byte
    return bytes(out)


def start_inside(keep_input: bool = False) -> tuple[dict[str, Any], GraderOutput]:
    """What every program run inside the sandbox does before any student code runs.

    Reads its job (the first line of standard input, JSON), applies the job's rlimits to itself
    (:func:`apply_limits`) — before any student code runs —, keeps the original standard output for the grader (:func:`private_output`)
    and returns the job and that output. With ``keep_input`` the rest of standard input stays unread,
    on a file descriptor given as ``job["input_fd"]`` (what follows the job: a notebook's bytes, or
    test cases sent later).
    """
    chunks, rest = [], b""
    while True:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        head, newline, rest = chunk.partition(b"\n")
        chunks.append(head)
        if newline:
            break
    job: dict[str, Any] = json.loads(b"".join(chunks))
    del chunks
    apply_limits(job["rlimits"])
    if keep_input:
        job["input_fd"] = os.dup(0)
        job["input_rest"] = rest  # what came with the job's last chunk
    return job, GraderOutput(private_output())
