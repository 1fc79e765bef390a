"""The ``pysfn`` command: one click group, one subcommand per job.

Each command is thin: it reads arguments, calls the library, and turns the library's
errors into one clear message and an exit status (1 for a mistake in the user's code or
arguments, 70 for a bug in pysfn). The ``python -m pysfn.tools.*`` entry points run the
same commands.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from pysfn.clikit import (EXIT_EXECUTION_FAILED, EXIT_INTERNAL_ERROR, EXIT_USER_ERROR, INPUT_HELP, WARNING_ACTIONS,
                          emit_warnings, fail, read_input, stdout as _stdout, warning_options, write_bytes,
                          write_text)

_fail = fail  # the first name, used by older callers


def _compile(source: str, lambda_arn: str | None, entry: str | None, strict: bool = False,
             no_warnings: bool = False):
    """Compile, print warnings to stderr, and exit cleanly on errors."""
    from pysfn.compiler import CompileError, InternalCompilerError, compile_file
    try:
        result = compile_file(source, lambda_arn=lambda_arn, entry=entry, strict=strict)
    except CompileError as e:
        fail(e.render())
    except InternalCompilerError as e:
        fail(f"internal error: {e}", EXIT_INTERNAL_ERROR)
    emit_warnings(result.warnings, no_warnings)
    for item in result.left_out:  # imported but not shipped (links, FIFOs, devices): say so
        click.echo(item.render(), err=True)
    return result


def _refuse_overwrite(output: str | None, *sources) -> None:
    """``-o`` naming the workflow module (or a module it ships) would destroy it."""
    if output is None or output == "-":
        return
    for source in sources:
        try:
            if Path(output).exists() and Path(output).samefile(source):
                _fail(f"error: {output} is the source {source}: writing it would destroy it; choose another file")
        except OSError:
            continue


def _write_text(path: str | None, text: str) -> None:
    write_text(path, text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pysfn")
@click.option("-W", "warnings", type=click.Choice(WARNING_ACTIONS), metavar="ACTION",
              help="What to do with the compiler's warnings, as python -W: default (print them), ignore, "
                   "error (stop, exit 1).")
@click.option("--no-warnings", is_flag=True, help="The same as -W ignore.")
@click.pass_context
def cli(ctx, warnings, no_warnings):
    """pysfn: write a Step Functions workflow as a Python function.

    \b
    Typical use:
      pysfn compile workflow.py -o machine.json
      pysfn package workflow.py -o dispatcher.zip
      pysfn run workflow.py --input '{"text": "a tale"}' --stats
      pysfn run workflow.py --input @input.json | jq .summary
      pysfn graph workflow.py --input '{"text": "a tale"}' > machine.mmd

    \b
    Exit statuses (every command):
      0   done (the execution succeeded)
      1   a mistake in the code, the arguments or a file; AWS refused a call
      2   a usage error (a missing argument, an unknown option)
      3   the execution failed (run, invoke: its error and cause are printed)
      4   invoke --timeout passed while the execution was still running
      70  a bug in pysfn (please report it)
      130 interrupted (Ctrl-C)
    Results go to stdout, everything else (warnings, progress, errors) to stderr.
    """
    ctx.meta["pysfn.warnings"] = "ignore" if no_warnings else warnings


@cli.command("compile")
@click.argument("source", type=click.Path(dir_okay=True))
@click.argument("lambda_arn", required=False)
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@click.option("-o", "--output", metavar="FILE", help="Write the JSON to FILE instead of stdout.")
@click.option("--explain", is_flag=True,
              help="Print, line by line, what runs as states and what runs in Lambda (instead of the JSON, "
                   "unless -o is given).")
@click.option("--strict", is_flag=True,
              help="Refuse code that would be extracted into the dispatcher Lambda (no hidden Lambda calls).")
@warning_options
def compile_command(source, lambda_arn, entry, output, explain, strict, no_warnings):
    """Compile SOURCE to an ASL state machine (JSON).

    LAMBDA_ARN is the dispatcher Lambda's ARN; without it the definition refers to the
    placeholder ${DispatcherFunctionArn}, to be filled by DefinitionSubstitutions
    (CloudFormation, SAM, CDK).

    Code the state machine cannot evaluate with exactly Python's meaning (a library call,
    str() of a float...) is extracted into the dispatcher Lambda; --explain shows where,
    --strict makes it an error.

    Exit status: 0 compiled, 1 an error in SOURCE (or a warning, with -W error), 2 a usage
    error, 70 a bug in pysfn.
    """
    _refuse_overwrite(output, source)
    result = _compile(source, lambda_arn, entry, strict, no_warnings)
    if explain:
        from pysfn.compiler.explain import explain as explain_lines
        click.echo(explain_lines(result), nl=False)
        if output is None:
            return
    write_text(output, json.dumps(result.definition, indent=2, ensure_ascii=False) + "\n",
               f"the state machine of {result.entry}()")


def dependency_options(fn):
    """--requirements / --arch / --python-version / --no-dependencies: what goes into the zip."""
    from pysfn.packaging.dependencies import ARCHITECTURES, DEFAULT_PYTHON
    options = [
        click.option("--requirements", "requirements_file", metavar="FILE", type=click.Path(dir_okay=False),
                     help="Third-party dependencies to bundle (default: requirements.txt next to SOURCE, "
                          "else [project.dependencies] of its pyproject.toml)."),
        click.option("--arch", type=click.Choice(list(ARCHITECTURES)), default="x86_64", show_default=True,
                     help="The Lambda architecture the dependencies are installed for."),
        click.option("--python-version", default=DEFAULT_PYTHON, show_default=True, metavar="3.X",
                     help="The Lambda runtime's Python the dependencies are installed for."),
        click.option("--no-dependencies", is_flag=True, help="Bundle no third-party dependencies."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def bundled_dependencies(source_path, requirements_file, arch, python_version, no_dependencies):
    """The dependency files for the package, installed for Lambda; one clean error line otherwise."""
    if no_dependencies:
        return None
    from pysfn.packaging.dependencies import DependencyError, bundle
    try:
        return bundle(source_path, requirements_file, arch, python_version)
    except DependencyError as e:
        _fail(f"error: {e}")


@cli.command("package")
@click.argument("source", type=click.Path(dir_okay=True))
@click.argument("zip_path", metavar="[ZIP]", required=False, type=click.Path())
@click.option("-o", "--output", metavar="ZIP", type=click.Path(), help="The zip to write (or give it as ZIP).")
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@warning_options
@dependency_options
def package_command(source, zip_path, output, entry, no_warnings, requirements_file, arch, python_version,
                    no_dependencies):
    """Build the dispatcher Lambda package (-o ZIP) for SOURCE (deterministic bytes).

    The zip holds handler.py (Lambda handler: handler.dispatch), SOURCE, the local modules it
    imports, the pysfn runtime and the third-party dependencies SOURCE declares (installed for
    Lambda's platform with pip, cached); the same inputs always give the same bytes. The zip is
    named by -o ZIP, like every other command's output, or by ZIP after SOURCE.

    Exit status: 0 written, 1 an error in SOURCE, its dependencies, or the zip cannot be
    written, 2 a usage error.
    """
    from pysfn.packaging import PackagingError, build_zip_bytes
    from pysfn.packaging.zipper import DIRECT_UPLOAD_LIMIT
    if zip_path and output and zip_path != output:
        raise click.UsageError(f"two zips named: {zip_path} and -o {output}; give one")
    target = output or zip_path
    if not target:
        raise click.UsageError("name the zip to write: -o dispatcher.zip")
    if target == "-":
        raise click.UsageError("a zip is not written to stdout: -o dispatcher.zip")
    _refuse_overwrite(target, source)
    result = _compile(source, None, entry, no_warnings=no_warnings)
    _refuse_overwrite(target, *result.local_modules)
    dependencies = bundled_dependencies(result.source_path, requirements_file, arch, python_version,
                                        no_dependencies)
    try:
        data = build_zip_bytes(result.source_path, result.callees, result.local_modules,
                               result.extracted_source, dependencies)
    except PackagingError as e:
        fail(f"error: {e}")
    bundled = f", {len(dependencies)} dependency file(s) for {arch}" if dependencies else ""
    write_bytes(target, data, f"handler.dispatch serving {', '.join(result.callees) or 'no callees'}{bundled}")
    if len(data) > DIRECT_UPLOAD_LIMIT:
        click.echo(f"warning: the package is {len(data) / 1e6:.1f} MB; Lambda takes at most "
                   f"{DIRECT_UPLOAD_LIMIT // 1000000} MB uploaded directly: upload it to S3 "
                   "(pysfn deploy --bucket BUCKET does)", err=True)


@cli.command("validate")
@click.argument("definition", type=click.Path())
def validate_command(definition):
    """Check an ASL DEFINITION (JSON file) with pysfn's validator.

    Exit status: 0 valid, 1 invalid or unreadable (each problem on a line), 2 a usage error.
    """
    _read_definition(definition)
    click.echo(f"{definition}: valid", err=True)


def _json_option(text: str, what: str):
    return read_input(text, what)


def _looks_like_python(path: str, text: str) -> bool:
    if path.endswith(".py"):
        return True
    import ast
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return "def " in text or "import " in text


def _read_definition(path: str) -> dict:
    from pysfn import strict_json  # no NaN/Infinity, bounded depth: JSON as Step Functions reads it
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = strict_json.loads(text)
    except OSError as e:
        _fail(f"error: cannot read {path}: {e.strerror or e}")
    except UnicodeDecodeError as e:
        _fail(f"error: {path} is not JSON: {e}")
    except ValueError as e:
        if _looks_like_python(path, text):
            _fail(f"error: {path} is Python source, not an ASL definition (JSON)\n"
                  f"hint: compile it first: pysfn compile {path} -o machine.json (pysfn compile checks the "
                  f"machine it builds)")
        _fail(f"error: {path} is not JSON: {e}")
    from pysfn.asl.validator import validate
    problems = validate(data) if isinstance(data, dict) else ["the definition must be a JSON object"]
    if problems:
        _fail("\n".join(f"{path}: {p}" for p in problems))
    return data


def _source_lines(definition: dict) -> dict[str, str]:
    """State name -> the source line its Comment points at, across nested machines."""
    lines = {}
    for name, state in definition.get("States", {}).items():
        lines[name] = _trace_line(state.get("Comment", ""))
        for sub in state.get("Branches", []) + ([state["ItemProcessor"]] if "ItemProcessor" in state else []):
            lines.update(_source_lines(sub))
    return lines


def _trace_line(comment: str) -> str:
    """A Comment for ``--trace``: its parts once each (machines from elsewhere may repeat them)."""
    if not isinstance(comment, str):
        return ""
    parts = comment.split("; then ")
    first_code = parts[0].split(" ", 1)[-1]
    kept = [parts[0]]
    for part in parts[1:]:
        if part != first_code and part not in kept:
            kept.append(part)
    return "; then ".join(kept)




def _json_line(value) -> str:
    """JSON text as it is, or with escapes (ASCII JSON) when it holds half of a character above U+FFFF
    (AWS's UTF-16 strings can split one: ``$split(s, '')``), which no terminal encoding takes."""
    from pysfn import strict_json
    text = strict_json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return strict_json.dumps(value)
    return text


def _local_workflow(compiled):
    """The compiled machine with its module's handler loaded in-process, or one error line."""
    from pysfn.packaging import PackagingError
    from pysfn.runner import LocalWorkflow
    try:
        with _stdout_to_stderr():
            return LocalWorkflow.from_compiled(compiled)
    except PackagingError as e:
        _fail(f"error: {e}")
    except Exception as e:  # the user's module raised while being imported
        _fail(f"error: importing {compiled.source_path} raised {type(e).__name__}: {e}")


@contextlib.contextmanager
def _stdout_to_stderr():
    """While the user's code runs (import, callees, extracted code): its print() goes to stderr,
    so that stdout holds the result alone (pysfn run ... | jq)."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


class _NoDispatcher(Exception):
    """A Lambda Task in a machine run without SOURCE: nothing can serve it."""


def _no_dispatcher(function_name, payload):
    raise _NoDispatcher(function_name)


@cli.command("run")
@click.argument("source", required=False, type=click.Path(dir_okay=True))
@click.option("--input", "input_text", metavar="JSON", help=INPUT_HELP)
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@click.option("--definition", metavar="FILE", help="Run an ASL JSON file instead of compiling SOURCE.")
@click.option("--stats", is_flag=True, help="Print the execution record (transitions, Lambda calls, cost).")
@click.option("--trace", is_flag=True, help="Print the path the execution took, with source lines.")
@click.option("--express", is_flag=True, help="Bound the run as an Express workflow (5 minutes) instead of a "
              "Standard one (25,000 history events).")
@click.option("--max-events", type=click.IntRange(min=1), metavar="N",
              help="Fail the execution at N history events (default: 25,000 for Standard, none for --express).")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), metavar="S",
              help="Time the execution out after S seconds (default: none for Standard, 300 for --express).")
@click.option("--expression-seconds", type=click.FloatRange(min=0, min_open=True), metavar="S",
              help="The CPU time one JSONata evaluation may take (default: 1, as on AWS).")
@click.option("--aws-endpoint-url", metavar="URL",
              help="Where AWS service calls go (aws.* Tasks and callees' boto3): moto_server, LocalStack.")
@click.option("--callback", "callbacks", multiple=True, metavar="CALLEE=ANSWER",
              help="Answer PSF.wait_for_callback(CALLEE, ...): JSON (SendTaskSuccess's output), fail:ERROR[:CAUSE], "
                   "timeout or heartbeat-timeout. Repeatable.")
@warning_options
def run_command(source, input_text, entry, definition, stats, trace, express, max_events, max_seconds,
                expression_seconds, aws_endpoint_url, callbacks, no_warnings):
    """Compile SOURCE and run it locally; print the output as JSON.

    Lambda Tasks run in-process through the same handler.dispatch as the Lambda package; waits
    are skipped. With --definition, a machine from elsewhere runs; its Lambda calls are served
    by SOURCE's callees when SOURCE is given. Only the output goes to stdout: print() in your
    code, --stats and --trace go to stderr.

    Exit status: 0 succeeded, 3 the execution failed (or timed out), 1 a problem with the
    arguments, the input or the code, 2 a usage error (neither SOURCE nor --definition).
    """
    import os

    from pysfn.local import RunLimits, UnsupportedFeature, run_definition
    if not (source or definition):
        raise click.UsageError("give a SOURCE to compile, or --definition FILE")
    inp = read_input(input_text)
    if aws_endpoint_url:  # one endpoint for the machine's service Tasks and the callees' own boto3 calls
        os.environ["AWS_ENDPOINT_URL"] = aws_endpoint_url
    workflow = _local_workflow(_compile(source, None, entry, no_warnings=no_warnings)) if source else None
    machine = _read_definition(definition) if definition else workflow.definition
    changes = {key: value for key, value in (("max_events", max_events), ("max_seconds", max_seconds),
                                             ("expression_seconds", expression_seconds)) if value is not None}
    limits = RunLimits.express(**changes) if express else RunLimits.standard(**changes)
    from pysfn import callback_answers
    try:  # callbacks: answered by --callback, or refused before the run (it would wait for ever)
        respond = callback_answers.responder(machine, callback_answers.parse(callbacks))
    except ValueError as e:
        _fail(f"error: {e}")
    try:
        with _stdout_to_stderr():
            result = run_definition(machine, inp, workflow.dispatcher.invoke if workflow else _no_dispatcher,
                                    limits=limits, respond=respond)
    except _NoDispatcher as e:
        _fail(f"error: {definition} calls the Lambda function {e.args[0]}, and no SOURCE was given to serve it\n"
              f"hint: name the workflow module whose callees it calls: pysfn run SOURCE --definition {definition}")
    except (UnsupportedFeature, ValueError) as e:  # ValueError: an input too large, a bad definition
        _fail(f"error: {e}")
    record = result.record
    if trace:
        lines = _source_lines(machine)
        for name in record.path:
            click.echo(f"  {name:<32} {lines.get(name, '')}", err=True)
    if stats:
        click.echo(f"transitions: {record.transitions}  lambda calls: {record.lambda_invocations}  "
                   f"retries: {record.retries}  waits skipped: {len(record.waits)}  "
                   f"estimated cost: ${record.estimated_cost_usd():.6f} (Standard)", err=True)
    if result.status == "SUCCEEDED":
        try:
            text = _json_line(result.output)
        except ValueError as e:  # never print NaN/Infinity: no JSON reader would take it back
            _fail(f"execution failed: pysfn.OutputNotJSON: the output is not JSON: {e}", EXIT_EXECUTION_FAILED)
        _stdout(text + "\n")
        return
    from pysfn.failures import public_cause
    verb = "timed out" if result.status == "TIMED_OUT" else "failed"
    click.echo(f"execution {verb}: {result.error}: {public_cause(result.cause)}", err=True)
    sys.exit(EXIT_EXECUTION_FAILED)


@cli.command("graph")
@click.argument("source", type=click.Path(dir_okay=True))
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot", "svg"]), default="mermaid",
              show_default=True, help="Mermaid (renders on GitHub), Graphviz DOT, or SVG (laid out by Graphviz's "
                                      "dot when it is installed, else by pysfn itself).")
@click.option("--input", "input_text", metavar="JSON",
              help="Run locally on this input and highlight the path taken (JSON, @FILE, file://FILE or -).")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@warning_options
def graph_command(source, entry, fmt, input_text, output, no_warnings):
    """Draw the state machine of SOURCE, states labelled with their source lines.

    Exit status: 0 drawn (also when the --input run failed: its path is drawn), 1 an error in
    SOURCE, the input or the output file, 2 a usage error.
    """
    from pysfn import graph
    _refuse_overwrite(output, source)
    compiled = _compile(source, None, entry, no_warnings=no_warnings)
    path = None
    if input_text is not None:
        inp = read_input(input_text)
        workflow = _local_workflow(compiled)
        try:
            with _stdout_to_stderr():
                result = workflow.run(inp)
        except ValueError as e:
            _fail(f"error: {e}")
        path = result.record.path
        click.echo(f"path of the execution ({result.status}): {' -> '.join(path)}", err=True)
    if fmt == "mermaid":
        write_text(output, graph.to_mermaid(compiled.definition, path), "Mermaid")
    elif fmt == "dot":
        write_text(output, graph.to_dot(compiled.definition, path), "Graphviz DOT")
    else:
        write_bytes(output, graph.svg_document(compiled.definition, path), "SVG")


def _register_aws_commands() -> None:
    from pysfn.deploy.commands import COMMANDS
    for command in COMMANDS:
        cli.add_command(command)


_register_aws_commands()


def main():
    cli(prog_name="pysfn")


if __name__ == "__main__":
    main()
