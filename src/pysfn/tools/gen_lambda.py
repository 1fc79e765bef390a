"""``python -m pysfn.tools.gen_lambda SOURCE ZIP [--entry NAME]``: the dispatcher Lambda package.

A thin tool: compile SOURCE (which fixes the callee allow-list and finds the local modules),
then write the deterministic zip. Every user error is a message on stderr and exit status 1
(``EXIT_INTERNAL_ERROR`` for a bug in pysfn), never a traceback; on success only one summary line
goes to stderr. ``package()`` is the same job as a function, for other front ends.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 70


def _error(message: str, code: int = EXIT_USER_ERROR) -> int:
    click.echo(message, err=True)
    return code


def package(source: str, zip_path: str, entry: str | None = None) -> int:
    """Compile ``source`` and write its Lambda package to ``zip_path``; the exit status."""
    from pysfn.compiler import CompileError, InternalCompilerError, compile_file
    from pysfn.packaging import PackagingError, build_zip_bytes

    if not Path(source).is_file():
        problem = "is a directory, not a Python file" if Path(source).is_dir() else "no such file"
        return _error(f"error: cannot read {source}: {problem}")
    try:
        result = compile_file(source, entry=entry)
    except CompileError as e:
        return _error(str(e))
    except InternalCompilerError as e:
        return _error(f"internal error: {e}", EXIT_INTERNAL_ERROR)
    for warning in result.warnings:
        click.echo(warning.render(), err=True)
    try:
        data = build_zip_bytes(result.source_path, result.callees, result.local_modules)
    except PackagingError as e:
        return _error(f"error: {e}")
    try:
        Path(zip_path).write_bytes(data)
    except OSError as e:
        return _error(f"error: cannot write {zip_path}: {e.strerror or e}")
    click.echo(f"wrote {zip_path}: handler.dispatch serving {', '.join(result.callees) or 'no callees'}",
               err=True)
    return 0


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("source", type=click.Path())
@click.argument("zip_path", metavar="ZIP", type=click.Path())
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
def main(source, zip_path, entry):
    """Build the dispatcher Lambda package ZIP for the workflow module SOURCE.

    The zip holds handler.py (Lambda handler: handler.dispatch), SOURCE, the local modules it
    imports and the pysfn runtime; the same SOURCE always gives the same bytes.
    """
    sys.exit(package(source, zip_path, entry))


if __name__ == "__main__":
    main(prog_name="python -m pysfn.tools.gen_lambda")
