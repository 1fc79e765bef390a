"""The ``pysfn deploy``, ``invoke`` and ``history`` commands (registered on the click group in cli.py)."""

from __future__ import annotations

import json
import sys

import click

from pysfn.deploy.aws import AwsError

EXIT_USER_ERROR = 1
EXIT_EXECUTION_FAILED = 3

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
def deploy_command(source, name, region, endpoint_url, role_arn, lambda_role_arn, express, entry,
                   requirements_file, arch, no_dependencies, bucket):
    """Deploy SOURCE: its dispatcher Lambda, least-privilege roles and the state machine.

    Deploying the same NAME again updates everything in place.
    """
    from pysfn.compiler import CompileError
    from pysfn.deploy.deployer import deploy
    from pysfn.packaging import PackagingError
    from pysfn.packaging.dependencies import DependencyError
    try:
        result = deploy(source, name, region=region, endpoint_url=endpoint_url, role_arn=role_arn,
                        lambda_role_arn=lambda_role_arn, express=express, entry=entry,
                        echo=lambda line: click.echo(line, err=True), requirements_file=requirements_file,
                        arch=arch, no_dependencies=no_dependencies, bucket=bucket)
    except CompileError as e:
        _fail(e.render())
    except (AwsError, PackagingError, DependencyError) as e:
        _fail(f"error: {e}")
    click.echo(result.state_machine_arn)


@click.command("invoke")
@click.argument("name")
@click.option("--input", "input_text", default="{}", metavar="JSON", help="The execution input (default {}).")
@click.option("--no-wait", is_flag=True, help="Start the execution and print its ARN.")
@aws_options
def invoke_command(name, input_text, no_wait, region, endpoint_url):
    """Start an execution of the deployed state machine NAME and print its output.

    Exit status: 0 succeeded, 3 the execution failed (its error and cause are printed).
    """
    from pysfn.deploy.executions import invoke
    from pysfn import strict_json  # no NaN/Infinity, bounded depth, as Step Functions reads JSON
    try:
        inp = strict_json.loads(input_text)
    except ValueError as e:
        _fail(f"error: --input is not JSON: {e}")
    try:
        outcome = invoke(name, inp, wait=not no_wait, region=region, endpoint_url=endpoint_url,
                         progress=lambda dot: click.echo(dot, err=True, nl=False))
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
    """The path of an execution: an execution ARN, or NAME (its latest execution)."""
    from pysfn.deploy.executions import history
    try:
        path = history(name_or_arn, region=region, endpoint_url=endpoint_url)
    except AwsError as e:
        _fail(f"error: {e}")
    for step in path:  # one line per state entered: type, a tab, the state name
        click.echo(f"{step['type']}\t{step['state'] or step['event']}")


@click.command("template")
@click.argument("source", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["cloudformation", "sam"]), default="cloudformation",
              show_default=True, help="CloudFormation (code from S3) or SAM (CodeUri: dispatcher.zip).")
@click.option("--express", is_flag=True, help="An Express state machine (default: Standard).")
@click.option("--entry", metavar="NAME", help="Entry function (default: the one marked @PSF.main).")
@click.option("-o", "--output", metavar="FILE", help="Write the template to FILE instead of stdout.")
@click.option("--arch", type=click.Choice(["x86_64", "arm64"]), default="x86_64", show_default=True,
              help="The Lambda's architecture (build the zip with `pysfn package --arch` to match).")
def template_command(source, fmt, express, entry, output, arch):
    """A CloudFormation or SAM template for SOURCE: the Lambda, the roles and the state machine.

    The Lambda's code is the zip of `pysfn package SOURCE dispatcher.zip` (SAM uploads it;
    with CloudFormation, upload it to S3 and pass CodeBucket/CodeKey).
    """
    from pathlib import Path

    from pysfn.compiler import CompileError, compile_file
    from pysfn.deploy.template import template_text
    try:
        compiled = compile_file(source, entry=entry)
    except CompileError as e:
        _fail(e.render())
    text = template_text(compiled, fmt, express, arch)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as e:
        _fail(f"error: cannot write {output}: {e.strerror or e}")


COMMANDS = [deploy_command, invoke_command, history_command, template_command]
