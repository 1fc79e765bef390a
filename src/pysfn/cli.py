"""The ``pysfn`` command: one click group, one subcommand per job.

Each command is thin: it reads arguments, calls the library, and turns the library's
errors into one clear message and an exit status (1 for a mistake in the user's code or
arguments, 70 for a bug in pysfn). The ``python -m pysfn.tools.*`` entry points run the
same commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 70


def _fail(message: str, code: int = EXIT_USER_ERROR):
    click.echo(message, err=True)
    sys.exit(code)


def _compile(source: str, lambda_arn: str | None, entry: str | None):
    """Compile, print warnings to stderr, and exit cleanly on errors."""
    from pysfn.compiler import CompileError, InternalCompilerError, compile_file
    try:
        result = compile_file(source, lambda_arn=lambda_arn, entry=entry)
    except CompileError as e:
        _fail(e.render())
    except InternalCompilerError as e:
        _fail(f"internal error: {e}", EXIT_INTERNAL_ERROR)
    for warning in result.warnings:
        click.echo(warning.render(), err=True)
    return result


def _write_text(path: str | None, text: str) -> None:
    if path is None or path == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        _fail(f"error: cannot write {path}: {e.strerror or e}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pysfn")
def cli():
    """pysfn: write a Step Functions workflow as a Python function.

    \b
    Typical use:
      pysfn compile workflow.py -o machine.json
      pysfn package workflow.py dispatcher.zip
    """


@cli.command("compile")
@click.argument("source", type=click.Path(dir_okay=True))
@click.argument("lambda_arn", required=False)
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@click.option("-o", "--output", metavar="FILE", help="Write the JSON to FILE instead of stdout.")
def compile_command(source, lambda_arn, entry, output):
    """Compile SOURCE to an ASL state machine (JSON).

    LAMBDA_ARN is the dispatcher Lambda's ARN; without it the definition refers to the
    placeholder ${DispatcherFunctionArn}, to be filled by DefinitionSubstitutions
    (CloudFormation, SAM, CDK).
    """
    result = _compile(source, lambda_arn, entry)
    _write_text(output, json.dumps(result.definition, indent=2, ensure_ascii=False) + "\n")


@cli.command("package")
@click.argument("source", type=click.Path(dir_okay=True))
@click.argument("zip_path", metavar="ZIP", type=click.Path())
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
def package_command(source, zip_path, entry):
    """Build the dispatcher Lambda package ZIP for SOURCE (deterministic bytes)."""
    from pysfn.packaging import build_zip
    result = _compile(source, None, entry)
    try:
        build_zip(result.source_path, zip_path, result.callees, result.local_modules)
    except OSError as e:
        _fail(f"error: cannot write {zip_path}: {e.strerror or e}")
    click.echo(f"wrote {zip_path}: handler.dispatch serving {', '.join(result.callees) or 'no callees'}",
               err=True)


@cli.command("validate")
@click.argument("definition", type=click.Path())
def validate_command(definition):
    """Check an ASL DEFINITION (JSON file) with pysfn's validator."""
    from pysfn.asl.validator import validate
    try:
        data = json.loads(Path(definition).read_text(encoding="utf-8"))
    except OSError as e:
        _fail(f"error: cannot read {definition}: {e.strerror or e}")
    except (ValueError, UnicodeDecodeError) as e:
        _fail(f"error: {definition} is not JSON: {e}")
    problems = validate(data) if isinstance(data, dict) else ["the definition must be a JSON object"]
    if problems:
        _fail("\n".join(f"{definition}: {p}" for p in problems))
    click.echo(f"{definition}: valid", err=True)


def main():
    cli(prog_name="pysfn")


if __name__ == "__main__":
    main()
