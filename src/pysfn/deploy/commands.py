"""The ``pysfn deploy``, ``invoke`` and ``history`` commands (registered on the click group in cli.py)."""

from __future__ import annotations

import json
import sys

import click

from pysfn.clikit import (EXIT_EXECUTION_FAILED, EXIT_INTERRUPTED, EXIT_STILL_RUNNING, EXIT_USER_ERROR, INPUT_HELP,
                          emit_warnings, read_input, warning_options, write_text)
from pysfn.deploy.aws import AwsError

_aws_options = [
    click.option("--region", metavar="REGION", help="AWS region (default: the configured one)."),
    click.option("--endpoint-url", metavar="URL", help="Another endpoint: moto_server, LocalStack."),
]


def aws_options(fn):
    for option in reversed(_aws_options):
        fn = option(fn)
    return fn


def _fail(message: str, code: int = EXIT_USER_ERROR):
    click.echo(message, err=True)
    sys.exit(code)


@click.command("deploy")
@click.argument("source", type=click.Path(dir_okay=True))
@click.option("--name", required=True, metavar="NAME", help="State machine name; the Lambda is NAME-dispatcher.")
@aws_options
@click.option("--role-arn", metavar="ARN", help="The state machine's role (default: create NAME-pysfn-machine).")
@click.option("--lambda-role-arn", metavar="ARN", help="The Lambda's role (default: create NAME-pysfn-lambda).")
@click.option("--express", is_flag=True, help="An Express state machine (default: Standard).")
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@click.option("--requirements", "requirements_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Third-party dependencies to bundle (default: requirements.txt next to SOURCE, "
                   "else [project.dependencies] of its pyproject.toml).")
@click.option("--arch", type=click.Choice(["x86_64", "arm64"]), default="x86_64", show_default=True,
              help="The Lambda's architecture (and the dependencies' platform).")
@click.option("--no-dependencies", is_flag=True, help="Bundle no third-party dependencies.")
@click.option("--bucket", metavar="BUCKET", help="Stage the package through this S3 bucket "
              "(needed over Lambda's 50 MB direct-upload limit).")
@warning_options
def deploy_command(source, name, region, endpoint_url, role_arn, lambda_role_arn, express, entry,
                   requirements_file, arch, no_dependencies, bucket, no_warnings):
    """Deploy SOURCE: its dispatcher Lambda, least-privilege roles and the state machine.

    Deploying the same NAME again updates everything in place; pysfn destroy NAME removes it.
    Progress goes to stderr, the state machine's ARN to stdout.

    Exit status: 0 deployed, 1 an error in SOURCE or AWS refused (one line says why), 2 a usage error.
    """
    from pysfn.compiler import CompileError
    from pysfn.deploy.deployer import deploy
    from pysfn.packaging import PackagingError
    from pysfn.packaging.dependencies import DependencyError
    try:
        result = deploy(source, name, region=region, endpoint_url=endpoint_url, role_arn=role_arn,
                        lambda_role_arn=lambda_role_arn, express=express, entry=entry,
                        echo=lambda line: click.echo(line, err=True), requirements_file=requirements_file,
                        arch=arch, no_dependencies=no_dependencies, bucket=bucket,
                        warn=lambda warnings: emit_warnings(warnings, no_warnings))
    except CompileError as e:
        _fail(e.render())
    except (AwsError, PackagingError, DependencyError) as e:
        _fail(f"error: {e}")
    click.echo(result.state_machine_arn)


@click.command("invoke")
@click.argument("name")
@click.option("--input", "input_text", metavar="JSON", help=INPUT_HELP)
@click.option("--no-wait", is_flag=True, help="Start the execution and print its ARN.")
@click.option("--timeout", type=click.FloatRange(min=0), default=300, show_default=True, metavar="SECONDS",
              help="Stop waiting after SECONDS (the execution keeps running; exit 4).")
@aws_options
def invoke_command(name, input_text, no_wait, timeout, region, endpoint_url):
    """Start an execution of the deployed state machine NAME and print its output.

    Waits (a dot per poll on stderr) until the execution ends, --timeout passes or Ctrl-C; the
    last two leave it running and print how to look it up.

    Exit status: 0 succeeded, 3 the execution failed, timed out or was aborted (its error and
    cause are printed), 4 still running after --timeout, 130 interrupted, 1 an AWS error or a
    bad --input, 2 a usage error.
    """
    from pysfn.deploy.executions import StillRunning, invoke
    inp = read_input(input_text)  # strict JSON (clikit), from text, @file, file:// or stdin
    try:
        outcome = invoke(name, inp, wait=not no_wait, region=region, endpoint_url=endpoint_url, timeout=timeout,
                         progress=lambda dot: click.echo(dot, err=True, nl=False))
    except StillRunning as e:
        click.echo("", err=True)
        _fail(f"{e}", EXIT_INTERRUPTED if e.interrupted else EXIT_STILL_RUNNING)
    except AwsError as e:
        _fail(f"error: {e}")
    if no_wait:
        click.echo(outcome.execution_arn)
        return
    click.echo("", err=True)
    if outcome.status != "SUCCEEDED":
        _fail(f"execution {outcome.status.lower()}: {outcome.error}: {outcome.cause}", EXIT_EXECUTION_FAILED)
    click.echo(json.dumps(outcome.output, ensure_ascii=False))


@click.command("history")
@click.argument("name_or_arn")
@aws_options
def history_command(name_or_arn, region, endpoint_url):
    """The path of an execution: an execution ARN, or NAME (its latest execution).

    One line per state entered (type, a tab, the state name), then the execution's real status
    (Execution, a tab, running/succeeded/failed/timed_out/aborted, and for a failure its error
    and cause).

    Exit status: 0 printed, 1 no such machine or execution, or an AWS error, 2 a usage error.
    """
    from pysfn.deploy.executions import history
    try:
        path = history(name_or_arn, region=region, endpoint_url=endpoint_url)
    except AwsError as e:
        _fail(f"error: {e}")
    for step in path:  # one line per state entered: type, a tab, the state name
        line = f"{step['type']}\t{step['state'] or step['event']}"
        if step.get("error") or step.get("cause"):
            line += f"\t{step.get('error', '')}: {step.get('cause', '')}"
        click.echo(line)


@click.command("destroy")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@aws_options
def destroy_command(name, yes, region, endpoint_url):
    """Remove what pysfn deploy --name NAME created: the state machine, the function, the roles.

    Lists what will be deleted and asks first (--yes to skip). Only resources deploy created
    are deleted (tagged pysfn:name=NAME); anything else under those names is left alone.

    Exit status: 0 removed (or nothing to remove), 1 not confirmed or an AWS error, 2 a usage error.
    """
    from pysfn.deploy.destroy import destroy, plan
    try:
        the_plan = plan(name, region=region, endpoint_url=endpoint_url)
    except AwsError as e:
        _fail(f"error: {e}")
    for resource in the_plan.keep:
        click.echo(f"  {resource.kind} {resource.name}: left alone, {resource.why}", err=True)
    if not the_plan.remove:
        click.echo(f"nothing to remove for {name}", err=True)
        return
    click.echo(f"pysfn destroy {name} deletes:", err=True)
    for resource in the_plan.remove:
        click.echo(f"  {resource.kind} {resource.name} ({resource.arn})", err=True)
    if not yes:
        try:
            confirmed = click.confirm("delete them?", default=False, err=True)
        except click.Abort:
            confirmed = False
        if not confirmed:
            _fail("not confirmed: nothing deleted (pass --yes to skip the question)")
    try:
        destroy(the_plan, region=region, endpoint_url=endpoint_url, echo=lambda line: click.echo(line, err=True))
    except AwsError as e:
        _fail(f"error: {e}")
    click.echo(f"destroyed {name}", err=True)


@click.command("template")
@click.argument("source", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["cloudformation", "sam"]), default="cloudformation",
              show_default=True, help="CloudFormation (code from S3) or SAM (CodeUri: dispatcher.zip).")
@click.option("--express", is_flag=True, help="An Express state machine (default: Standard).")
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@click.option("-o", "--output", metavar="FILE", help="Write the template to FILE instead of stdout.")
@click.option("--arch", type=click.Choice(["x86_64", "arm64"]), default="x86_64", show_default=True,
              help="The Lambda's architecture (build the zip with `pysfn package --arch` to match).")
@warning_options
def template_command(source, fmt, express, entry, output, arch, no_warnings):
    """A CloudFormation or SAM template for SOURCE: the Lambda, the roles and the state machine.

    The Lambda's code is the zip of `pysfn package SOURCE -o dispatcher.zip` (SAM uploads it;
    with CloudFormation, upload it to S3 and pass CodeBucket/CodeKey). Child workflows SOURCE
    calls are in the template too, each with its own zip (`pysfn package CHILD.py`; the parameter
    <Child>CodeKey, or for SAM <child>-dispatcher.zip).

    Exit status: 0 written, 1 an error in SOURCE or the file cannot be written, 2 a usage error.
    """
    from pysfn.compiler import CompileError, compile_file
    from pysfn.deploy.template import template_text
    try:
        compiled = compile_file(source, entry=entry)
    except CompileError as e:
        _fail(e.render())
    emit_warnings(compiled.warnings, no_warnings)
    try:
        text = template_text(compiled, fmt, express, arch)
    except CompileError as e:  # a child workflow it calls (compiler/children.py)
        _fail(e.render())
    write_text(output, text, f"{fmt} template")


COMMANDS = [deploy_command, invoke_command, history_command, destroy_command, template_command]
