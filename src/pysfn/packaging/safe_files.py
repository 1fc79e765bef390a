"""Which files of the workflow's directory may go into the Lambda package, and how to read them.

The package is built from the directory of the workflow module, and whatever is in it goes to
AWS. So only *regular files inside that directory* are shipped: a symbolic link (to a module
elsewhere, to a package directory, to ``~/.aws/credentials`` named ``creds.py``, to
``/dev/zero``) is left out, and so is anything that is not a regular file (a FIFO would block the
read forever, a device never ends). Each file left out is reported with the reason
(``LeftOut``); nothing is followed, opened or read before the check.

Reading is bounded too: ``read_regular`` opens with ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO swapped
in after the check cannot block), checks the opened file is regular, and reads at most
``limit`` bytes.

Module names: a workflow or local module named like a standard-library module (``inspect``,
``re``, ``functools``, ``datetime``...) shadows it in the Lambda, where the package's directory
is first on ``sys.path``, and the handler and the runtime import those: the package would not
import. A local module named like the generated ``pysfn_extracted_<module>`` would be replaced
by it. Both are refused with the reason (``check_module_names``).
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

# Lambda: 250 MB unzipped for the whole function; one source file larger than that can never ship.
MAX_FILE_BYTES = 250 * 1024 * 1024


@dataclass(frozen=True)
class LeftOut:
    path: Path
    reason: str

    def render(self) -> str:
        return f"note: left out of the package: {self.path}: {self.reason}"


def why_not_shipped(path: Path, root: Path) -> str | None:
    """Why ``path`` may not go into the package built from ``root``; None if it may.

    Every component from ``root`` down is checked with ``lstat`` (no link is followed)."""
    path = Path(os.path.abspath(path))
    root = Path(os.path.abspath(root))
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return f"it is not inside the workflow's directory {root}"
    current = root
    for i, part in enumerate(parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError as e:
            return f"cannot be examined ({e.strerror or e})"
        if stat.S_ISLNK(mode):
            target = os.readlink(current)
            what = "it is" if i == len(parts) - 1 else f"its directory {current.name} is"
            return (f"{what} a symbolic link (to {target}); only regular files inside the workflow's "
                    "directory are shipped")
        if i < len(parts) - 1 and not stat.S_ISDIR(mode):
            return f"{current} is not a directory"
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "a directory" if stat.S_ISDIR(mode)
                else "not a regular file")
        return f"it is {kind}, not a regular file"
    return None


def is_shippable(path: Path, root: Path) -> bool:
    return why_not_shipped(path, root) is None


def read_regular(path: Path, limit: int = MAX_FILE_BYTES, follow: bool = False) -> bytes:
    """The bytes of the regular file ``path`` (no blocking, at most ``limit``; a link is followed
    only with ``follow``, for the file the user named on the command line).

    OSError with a readable ``strerror`` for anything else."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file")
        if info.st_size > limit:
            raise OSError(0, f"is {info.st_size:,} bytes; at most {limit:,} can be packaged")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise OSError(0, f"is over {limit:,} bytes; at most {limit:,} can be packaged")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def shadowed_stdlib(module: str) -> bool:
    """A top-level module name that is the standard library's."""
    return module in getattr(sys, "stdlib_module_names", ())


def module_name_problem(top_level: str, workflow_module: str, what: str) -> str | None:
    """Why a module ``top_level`` (of the workflow ``workflow_module``) cannot be in the package."""
    from pysfn.compiler.extraction import extracted_module_name
    if shadowed_stdlib(top_level):
        return (f"{what} '{top_level}' shadows the standard library module '{top_level}' in the Lambda (the "
                "package's directory comes first on sys.path, and the handler, the runtime and the Lambda "
                "runtime import the standard library): rename it")
    if top_level == extracted_module_name(workflow_module):
        return (f"{what} '{top_level}' has the name of the module pysfn generates for code extracted from "
                f"'{workflow_module}', which would replace it: rename it")
    return None
