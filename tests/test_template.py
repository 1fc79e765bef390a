"""pysfn template: CloudFormation and SAM templates that cfn-lint (an independent linter) accepts."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import lint_file
from click.testing import CliRunner

from differential import EXAMPLES, WORKFLOWS
from pysfn.cli import cli


@pytest.mark.parametrize("source, fmt", [(EXAMPLES / "analyse_text.py", "cloudformation"),
                                         (EXAMPLES / "analyse_text.py", "sam"),
                                         (WORKFLOWS / "wf_wait.py", "cloudformation")],
                         ids=["analyse_text-cloudformation", "analyse_text-sam", "wf_wait-cloudformation"])
def test_templates_pass_cfn_lint(tmp_path, source, fmt):
    out = tmp_path / f"{fmt}.json"
    result = CliRunner().invoke(cli, ["template", str(source), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    problems = lint_file(out)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_the_template_wires_the_lambda_into_the_definition(tmp_path):
    result = CliRunner().invoke(cli, ["template", str(EXAMPLES / "analyse_text.py"), "--express"])
    template = json.loads(result.stdout)
    machine = template["Resources"]["StateMachine"]["Properties"]
    assert machine["StateMachineType"] == "EXPRESS"
    assert machine["DefinitionSubstitutions"] == {"DispatcherFunctionArn": {"Fn::GetAtt": ["DispatcherFunction", "Arn"]}}
    tasks = [s for s in machine["Definition"]["States"].values() if s["Type"] == "Task"]
    assert tasks and all(t["Arguments"]["FunctionName"] == "${DispatcherFunctionArn}" for t in tasks)
    function = template["Resources"]["DispatcherFunction"]["Properties"]
    assert (function["Handler"], function["Runtime"]) == ("handler.dispatch", "python3.12")
    invoke = template["Resources"]["StateMachineRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    assert invoke["Statement"] == [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [
        {"Fn::GetAtt": ["DispatcherFunction", "Arn"]},
        {"Fn::Join": ["", [{"Fn::GetAtt": ["DispatcherFunction", "Arn"]}, ":*"]]}]}]


def test_template_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["template", "missing.py"])
    assert result.exit_code == 1 and result.stderr.splitlines()[0] == "missing.py:1:1: error: no such file"
    result = CliRunner().invoke(cli, ["template", str(EXAMPLES / "analyse_text.py"), "--format", "terraform"])
    assert result.exit_code == 2 and "Invalid value for '--format'" in result.stderr
