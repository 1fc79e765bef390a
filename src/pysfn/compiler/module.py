"""Module analysis: what a workflow module defines, before its entry is compiled.

Reads the module's top level (and the local modules it imports) to learn:
how ``pysfn`` is imported, which function is the entry, which functions are callees
(with their signatures, to check calls), which classes are exceptions, and which
names are constants that can be inlined.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from pysfn.compiler.constants import constant_value
from pysfn.compiler.diagnostics import Reporter
from pysfn.compiler.errors import ExceptionHierarchy

PSF_MODULE = "pysfn"


@dataclass
class Callee:
    """A function the dispatcher may call, and its definition when we can see it."""
    key: str                              # allow-list key: "f" or "helpers.f"
    node: ast.FunctionDef | None = None   # for argument checks


@dataclass
class ModuleInfo:
    path: Path
    name: str
    reporter: Reporter
    tree: ast.Module
    psf_aliases: set[str] = field(default_factory=set)          # `import pysfn as PSF`
    psf_names: dict[str, str] = field(default_factory=dict)     # `from pysfn import Fail`
    callees: dict[str, Callee] = field(default_factory=dict)    # local name -> callee
    local_modules: dict[str, dict[str, Callee]] = field(default_factory=dict)  # alias -> its functions
    exceptions: ExceptionHierarchy = field(default_factory=ExceptionHierarchy)
    constants: dict[str, object] = field(default_factory=dict)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    async_functions: dict[str, ast.AsyncFunctionDef] = field(default_factory=dict)  # told apart in errors
    entry: ast.FunctionDef | None = None                        # set by find_entry
    strict: bool = False                                        # --strict: no extraction
    extracted: list = field(default_factory=list)               # Extractions, filled by the front end
    children: dict = field(default_factory=dict)                # module -> ir.ChildTarget (compiler/children.py)

    def psf_attr(self, node: ast.expr) -> str | None:
        """If ``node`` names a pysfn API (``PSF.parallel`` or an imported ``parallel``), its name."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in self.psf_aliases:
            return node.attr
        if isinstance(node, ast.Name) and node.id in self.psf_names:
            return self.psf_names[node.id]
        return None


def is_json_value(value) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) for k in value) and all(is_json_value(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_json_value(v) for v in value)
    return True


def _local_module_path(source_dir: Path, dotted: str) -> Path | None:
    base = source_dir.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _read_local_module(path: Path, info: ModuleInfo, prefix: str) -> dict[str, Callee]:
    """Functions and exception classes of a local module the workflow imports."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return {}  # Python itself will complain when the module is imported
    functions = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions[node.name] = Callee(f"{prefix}{node.name}", node)
        elif isinstance(node, ast.ClassDef):
            _add_class(info, node)
    return functions


def _base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _add_class(info: ModuleInfo, node: ast.ClassDef) -> None:
    bases = [b for b in (_base_name(base) for base in node.bases) if b]
    if any(info.exceptions.is_exception(b) for b in bases):
        plain = all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
                    for s in node.body)  # `pass`, a docstring, `...`: str(e) is the message
        info.exceptions.add_user_class(node.name, bases, custom=not plain)


def analyse_module(path: Path, source: str, tree: ast.Module, reporter: Reporter) -> ModuleInfo:
    info = ModuleInfo(path=path, name=path.stem, reporter=reporter, tree=tree)
    source_dir = path.parent
    assigned_twice: set[str] = set()
    shadowed = top_level_names(tree)  # a module's own `len` is not the builtin
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                if alias.name == PSF_MODULE:
                    info.psf_aliases.add(bound)
                elif (mod_path := _local_module_path(source_dir, alias.name)) and alias.asname:
                    info.local_modules[bound] = _read_local_module(mod_path, info, f"{bound}.")
                elif mod_path and "." not in alias.name:
                    info.local_modules[bound] = _read_local_module(mod_path, info, f"{bound}.")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == PSF_MODULE:
                for alias in node.names:
                    info.psf_names[alias.asname or alias.name] = alias.name
            elif mod_path := _local_module_path(source_dir, node.module):
                functions = _read_local_module(mod_path, info, "")
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if alias.name in functions:
                        info.callees[bound] = Callee(bound, functions[alias.name].node)
        elif isinstance(node, ast.FunctionDef):
            info.functions[node.name] = node
            info.callees[node.name] = Callee(node.name, node)
        elif isinstance(node, ast.ClassDef):
            _add_class(info, node)
        elif isinstance(node, ast.AsyncFunctionDef):
            info.async_functions[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    if target.id in info.constants:
                        assigned_twice.add(target.id)
                    # literals, and constant expressions of them and of the constants above
                    ok, value = constant_value(node.value, info.constants, shadowed)
                    if ok:
                        info.constants[target.id] = value
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            assigned_twice.add(node.target.id)  # TOTAL += 1 at module level: not one value
    for name in assigned_twice:  # a constant must be one value for the whole run
        info.constants.pop(name, None)
    return info


def top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _async_entry(info: ModuleInfo, fn: ast.AsyncFunctionDef):
    return info.reporter.error(fn, f"the entry '{fn.name}' is an 'async def': a workflow is a plain function "
                               "(Step Functions has no coroutines)",
                               f"write 'def {fn.name}(...)' and use PSF.parallel or a comprehension over a "
                               "callee (a Map) to run work concurrently")


def find_entry(info: ModuleInfo, entry: str | None) -> ast.FunctionDef:
    rep = info.reporter
    if entry is not None:
        if entry in info.async_functions and entry not in info.functions:
            raise _async_entry(info, info.async_functions[entry])
        if entry not in info.functions:
            raise rep.error(ast.Module(body=[], type_ignores=[], lineno=1, col_offset=0),
                            f"no top-level function named '{entry}'",
                            "--entry names a function defined with 'def' at the top of the module"
                            + (f"; there are: {', '.join(sorted(info.functions))}" if info.functions else ""))
        info.entry = info.functions[entry]
        return info.entry
    marked = [fn for fn in info.functions.values()
              if any(info.psf_attr(d) == "main" for d in fn.decorator_list)]
    marked_async = [fn for fn in info.async_functions.values()
                    if any(info.psf_attr(d) == "main" for d in fn.decorator_list)]
    if marked_async and not marked:
        raise _async_entry(info, marked_async[0])
    if not marked:
        raise rep.error(ast.Module(body=[], type_ignores=[], lineno=1, col_offset=0),
                        "no entry function: no function is decorated with @PSF.main",
                        "decorate the workflow's top-level function with @PSF.main "
                        "(after 'import pysfn as PSF'), or pass --entry NAME")
    if len(marked) > 1:
        raise rep.error(marked[1], f"several functions are marked @PSF.main: "
                        f"{', '.join(fn.name for fn in marked)}",
                        "keep one @PSF.main per module, or choose one with --entry NAME")
    info.entry = marked[0]
    return info.entry
