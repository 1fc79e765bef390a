"""The pysfn compiler: a workflow module's source -> an ASL state machine.

The pipeline, one module per stage::

    source --parse--> ast --module.analyse_module--> ModuleInfo
           --frontend.compile_entry--> ir.Workflow
           --lower.Lowerer--> ASL dict --passes.optimise--> ASL dict
           --asl.validator.check--> CompileResult

Errors in user code are ``CompileError`` with located diagnostics; an ASL definition
that fails the validator is a compiler bug and raises ``InternalCompilerError``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from pysfn.compiler.diagnostics import CompileError, Diagnostic, Loc, Reporter

DEFAULT_LAMBDA_ARN = "${DispatcherFunctionArn}"

__all__ = ["compile_file", "compile_source", "CompileResult", "CompileError", "Diagnostic",
           "InternalCompilerError", "DEFAULT_LAMBDA_ARN"]


class InternalCompilerError(Exception):
    """The compiler produced ASL that its own validator rejects: a bug in pysfn."""


@dataclass
class CompileResult:
    definition: dict
    callees: list[str]
    module_name: str
    source_path: Path
    entry: str
    local_modules: list[Path] = field(default_factory=list)
    left_out: list = field(default_factory=list)     # packaging.safe_files.LeftOut: imported, not shipped
    warnings: list[Diagnostic] = field(default_factory=list)
    extractions: list = field(default_factory=list)  # compiler.extraction.Extraction, in source order
    extracted_source: str | None = None              # the generated module they live in, if any
    workflow: object = None                          # the IR (ir.Workflow), for --explain
    children: dict = field(default_factory=dict)     # module -> ir.ChildTarget: child workflows it calls


def _file_error(path: str, message: str, hint: str | None = None) -> CompileError:
    return CompileError([Diagnostic("error", Loc(path, 1, 1), message, hint)])


def read_source(path: Path) -> str:
    """The text of a workflow module, or a CompileError that says why it cannot be read."""
    name = str(path)
    if not path.exists():
        raise _file_error(name, "no such file", "check the path of the workflow module")
    if path.is_dir():
        raise _file_error(name, "is a directory, not a Python file", "pass the workflow's .py file")
    from pysfn.packaging.safe_files import read_regular
    try:  # never blocks (a FIFO) nor reads without end (/dev/zero): regular files only
        data = read_regular(path, follow=True)
    except OSError as e:
        raise _file_error(name, f"cannot read the file: {e.strerror or e}")
    if b"\x00" in data:
        raise _file_error(name, "is a binary file, not Python source", "pass the workflow's .py file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _file_error(name, f"is not UTF-8 text (byte {e.start})", "save the module as UTF-8")


def parse(source: str, filename: str) -> ast.Module:
    """The module's AST, after CPython itself compiled it (compiler/source_check.py)."""
    from pysfn.compiler.source_check import parse_checked
    return parse_checked(source, filename)


def compile_source(source: str, filename: str, lambda_arn: str | None = None,
                   entry: str | None = None, strict: bool = False) -> CompileResult:
    from pysfn.compiler.extraction import generated_module
    from pysfn.compiler.frontend import compile_entry
    from pysfn.compiler.limits import check_definition, check_source
    from pysfn.compiler.lower import Lowerer
    from pysfn.compiler.module import analyse_module, find_entry
    from pysfn.compiler.passes import optimise
    from pysfn.compiler.source_check import source_lines

    tree = parse(source, filename)
    if not tree.body:
        raise _file_error(filename, "is empty: there is no workflow to compile",
                          "define a function decorated with @PSF.main")
    reporter = Reporter(filename, source)
    info = analyse_module(Path(filename), source, tree, reporter)
    info.strict = strict
    entry_fn = find_entry(info, entry)
    check_source(entry_fn, reporter, tree)
    try:
        workflow = compile_entry(info, entry_fn)
        definition = Lowerer(lambda_arn or DEFAULT_LAMBDA_ARN, source_lines(source), filename).workflow(workflow)
        definition = optimise(definition)
    except RecursionError:  # a safety net under the limits of compiler/limits.py: never a traceback
        raise reporter.error(entry_fn, f"pysfn's compiler ran out of recursion depth on '{entry_fn.name}': its "
                             "code is nested or chained too deeply",
                             "split the function into smaller steps (or move part of it into a callee)") from None
    check_definition(definition, entry_fn, reporter)
    _check(definition)
    extracted = generated_module(info.name, Path(filename).name, info.extracted) if info.extracted else None
    return CompileResult(definition=definition, callees=sorted(workflow.callees), module_name=info.name,
                         source_path=Path(filename), entry=workflow.name, warnings=reporter.warnings,
                         extractions=list(info.extracted), extracted_source=extracted, workflow=workflow,
                         children=dict(info.children))


def compile_file(path, lambda_arn: str | None = None, entry: str | None = None,
                 strict: bool = False) -> CompileResult:
    path = Path(path)
    result = compile_source(read_source(path), str(path), lambda_arn, entry, strict)
    from pysfn.packaging import find_local_modules
    result.local_modules = find_local_modules(path, result.left_out)
    return result


def _check(definition: dict) -> None:
    from pysfn.asl.validator import validate
    problems = validate(definition)
    if problems:
        raise InternalCompilerError("pysfn generated invalid ASL (this is a bug in pysfn, please report it):\n  "
                                    + "\n  ".join(problems))
