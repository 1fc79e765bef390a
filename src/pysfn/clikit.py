"""What every ``pysfn`` command shares: exit statuses, the execution input, compile warnings,
writing an output file, one-line errors.

Conventions (README, "Exit statuses"): stdout carries the result alone (JSON, a definition,
an ARN), everything else goes to stderr, so ``pysfn run flow.py | jq`` works; ``-o FILE``
writes the result instead and says ``wrote FILE`` on stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

EXIT_OK = 0
EXIT_USER_ERROR = 1          # a mistake in the code, the arguments or an input file; AWS refused
EXIT_USAGE = 2               # click's usage errors: a missing argument, an unknown option
EXIT_EXECUTION_FAILED = 3    # the execution ran and failed (its error and cause are printed)
EXIT_STILL_RUNNING = 4       # pysfn invoke --timeout passed: the execution is still running
EXIT_INTERRUPTED = 130       # Ctrl-C (128 + SIGINT, as shells report it)
EXIT_INTERNAL_ERROR = 70     # a bug in pysfn

def fail(message: str, code: int = EXIT_USER_ERROR):
    click.echo(message, err=True)
    sys.exit(code)


# --------------------------------------------------------------------------- --input

INPUT_HELP = ("The execution input: JSON text, @FILE or file://FILE (a JSON file), or - (stdin). "
              "Default: {}.")


def read_input(text: str | None, option: str = "--input"):
    """The value of ``--input``: JSON text, ``@file.json``, ``file://file.json`` or ``-`` (stdin);
    a problem is one line and exit 1."""
    if text is None:
        return {}
    source = None
    if text == "-":
        source, data = "stdin", sys.stdin.read()
    elif text.startswith("@") or text.startswith("file://"):
        source = text[1:] if text.startswith("@") else text[len("file://"):]
        try:
            data = Path(source).read_text(encoding="utf-8-sig")
        except OSError as e:
            fail(f"error: cannot read {option} file {source}: {e.strerror or e}")
        except UnicodeDecodeError as e:
            fail(f"error: {option} file {source} is not UTF-8 text (byte {e.start})")
    else:
        data = text
    from pysfn import strict_json  # no NaN/Infinity, bounded depth: JSON as Step Functions reads it
    try:
        return strict_json.loads(data)
    except ValueError as e:
        where = f" ({source})" if source else ""
        fail(f"error: {option}{where} is not JSON: {e}")


# --------------------------------------------------------------------------- warnings

WARNING_ACTIONS = ("default", "ignore", "error")


def warning_options(fn):
    """``--no-warnings`` on a command that compiles (``pysfn -W ignore|error`` works for all)."""
    return click.option("--no-warnings", is_flag=True, help="Do not print the compiler's warnings "
                        "(the same as pysfn -W ignore ...).")(fn)


def warnings_action(no_warnings: bool = False) -> str:
    if no_warnings:
        return "ignore"
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    return (root.meta.get("pysfn.warnings") if root is not None else None) or "default"


def emit_warnings(warnings, no_warnings: bool = False) -> None:
    """Print the compiler's warnings on stderr, as ``-W`` / ``--no-warnings`` say; with
    ``-W error`` a warning stops the command (exit 1)."""
    action = warnings_action(no_warnings)
    if action == "ignore" or not warnings:
        return
    for warning in warnings:
        click.echo(warning.render(), err=True)
    if action == "error":
        fail(f"error: {len(warnings)} warning(s) treated as errors (-W error)")


# --------------------------------------------------------------------------- output files

def stdout(data) -> None:
    """Write ``data`` (str or bytes) to stdout and flush it now: a closed or full stdout is an
    error (exit 1), not a silent exit 0 or a traceback at shutdown."""
    stream = sys.stdout
    if stream is None:  # started with stdout closed (`>&-`)
        fail("error: cannot write the output: standard output is closed")
    try:
        if isinstance(data, bytes):
            stream.buffer.write(data)
        else:
            stream.write(data)
        stream.flush()
    except (OSError, ValueError) as e:
        try:  # drop what is buffered, so the interpreter's last flush does not fail again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        fail(f"error: cannot write the output to standard output: {getattr(e, 'strerror', None) or e}")


def wrote(path: str, what: str = "") -> None:
    click.echo(f"wrote {path}" + (f": {what}" if what else ""), err=True)


def write_text(path: str | None, text: str, what: str = "") -> None:
    """``text`` to stdout (no ``-o`` or ``-o -``) or to the file, saying so on stderr."""
    if path is None or path == "-":
        stdout(text)
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        fail(f"error: cannot write {path}: {e.strerror or e}")
    wrote(path, what)


def write_bytes(path: str | None, data: bytes, what: str = "") -> None:
    if path is None or path == "-":
        stdout(data)
        return
    try:
        Path(path).write_bytes(data)
    except OSError as e:
        fail(f"error: cannot write {path}: {e.strerror or e}")
    wrote(path, what)
