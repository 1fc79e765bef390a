"""Extraction: what the state machine cannot evaluate exactly runs in the dispatcher Lambda.

When an expression has no exact JSONata form (a library call, a float formatted by
``str``...), the front end raises ``NotLowerable`` at it. The statement holding it is not
rejected and not approximated: the expression *slot* of the statement that contains it (the
value of an assignment or ``return``, the test of an ``if``/``while``, the iterable of a
``for``, an argument of a callee call...) becomes a generated function of the module
``pysfn_extracted_<module>``, shipped in the Lambda package::

    def L12_value(text, n):
        "wf.py:12: y = math.sqrt(n) + len(text.split())"
        return math.sqrt(n) + len(text.split())

Its parameters are the workflow's variables the expression reads; the names it reads from
the module (imports, functions, globals) are imported from it. The statement then reads a
hidden variable that a Task fills by calling that function, so the whole function compiles
and the expression runs in CPython, with exactly Python's meaning (and Python's exceptions,
which an enclosing ``except`` catches). ``--strict`` turns every extraction into an error.
"""

from __future__ import annotations

import ast
import builtins
import copy
from dataclasses import dataclass

from pysfn.compiler import ir
from pysfn.compiler.diagnostics import Loc
from pysfn.compiler.history import warn_if_unbounded
from pysfn.compiler.json_results import RESULT_CHECKS, refuse_iterator_value

EXTRACTED_PREFIX = "pysfn_extracted_"
# Methods that change a list, dict or set in place: in extracted code the change would be
# made to the Lambda's copy of the value and lost.
MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
            "setdefault", "popitem", "add", "discard", "difference_update", "intersection_update",
            "symmetric_difference_update"}


def extracted_module_name(module: str) -> str:
    return EXTRACTED_PREFIX + module


@dataclass(frozen=True)
class Extraction:
    """One extracted expression: the generated function and why it was needed."""
    function: str          # name in the generated module
    params: tuple[str, ...]  # Python names of the workflow variables it reads
    expression: str        # its source
    module_names: tuple[str, ...]  # names it reads from the workflow module
    reason: str
    loc: Loc
    # "value": the result must be JSON (checked: json_results.py); "iterable": what a ``for``
    # walks, made a list first (zip, map, generators...); "test": a bool
    result: str = "value"
    # the Task runs only when a guard found a formatted value that JSONata cannot write (guards.py)
    guarded: bool = False

    def key(self, module: str) -> str:
        return f"{extracted_module_name(module)}.{self.function}"


def module_level_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level (what extracted code may import from it)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                names.update(n.id for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _contains(tree: ast.AST, node: ast.AST) -> bool:
    return any(n is node for n in ast.walk(tree))


def _bound_inside(expr: ast.expr) -> set[str]:
    """Names bound inside the expression itself (comprehension targets, lambda parameters, :=)."""
    bound: set[str] = set()
    for n in ast.walk(expr):
        if isinstance(n, ast.comprehension):
            bound.update(x.id for x in ast.walk(n.target) if isinstance(x, ast.Name))
        elif isinstance(n, ast.Lambda):
            a = n.args
            bound.update(p.arg for p in a.posonlyargs + a.args + a.kwonlyargs)
            bound.update(p.arg for p in (a.vararg, a.kwarg) if p)
    return bound


class ExtractionCompiler:
    """Statement-level extraction (mixed into ``FunctionCompiler``)."""

    guarding = False  # compiling the extracted branch of a guarded statement (guards.py)

    def extract_statement(self, node: ast.stmt, error) -> list[ir.Stmt]:
        """Compile ``node`` with the expression slot holding ``error.node`` extracted."""
        if self.info.strict:
            raise self.rep.error(error.node, f"{error.reason} (it would run in the dispatcher Lambda, "
                                 "and --strict forbids that)",
                                 error.hint or "compute it inside a callee, or compile without --strict")
        augmented = isinstance(node, ast.AugAssign)
        if augmented:  # x += v is x = x + v; the operation built for it is not in the source tree
            load = copy.copy(node.target)
            load.ctx = ast.Load()
            value = ast.copy_location(ast.BinOp(load, node.op, node.value), node)
            node = ast.copy_location(ast.Assign([node.target], value), node)
        slot = self.slot_of(node, error.node)
        if slot is None and augmented:
            slot = node.value
        if slot is None:
            raise self.rep.error(error.node, error.reason, error.hint or "compute it inside a callee and "
                                 "assign the callee's result")
        if isinstance(node, ast.If) and not _contains(node.test, slot):  # in an elif's test
            return self.stmt(self.split_elif(node, slot))
        if isinstance(node, ast.While) and slot is node.test:
            return self.extracted_while(node, error)
        is_test = isinstance(node, (ast.If, ast.While)) and slot is node.test
        before, name = self.extract(slot, error.reason, truth=is_test,
                                    iterable=isinstance(node, ast.For) and slot is node.iter)
        if isinstance(node, ast.Expr) and slot is node.value:  # run for its effect only
            return [ir.Effect(stmt.value, stmt.loc) for stmt in before]
        rewritten = _replace(node, slot, name)
        return before + self.stmt(rewritten)

    def slot_of(self, node: ast.stmt, inner: ast.AST) -> ast.expr | None:
        """The largest expression of ``node`` that holds ``inner`` and can be computed on its own."""
        slots: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            slots.append(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            slots += [t.slice for t in targets for t in ast.walk(t) if isinstance(t, ast.Subscript)]
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and self.changing_call(node.value):
            slots += node.value.args  # xs.append(<extracted>): the change itself stays in the machine
        elif isinstance(node, (ast.Return, ast.Expr)):
            slots.append(node.value)
        elif isinstance(node, ast.AugAssign):
            slots.append(node.value)
        elif isinstance(node, ast.If):
            tests, orelse = [node.test], node.orelse
            while len(orelse) == 1 and isinstance(orelse[0], ast.If):
                tests.append(orelse[0].test)
                orelse = orelse[0].orelse
            slots += tests
        elif isinstance(node, ast.While):
            slots.append(node.test)
        elif isinstance(node, ast.For):
            slots.append(node.iter)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            slots += node.exc.args
        slot = next((s for s in slots if s is not None and _contains(s, inner)), None)
        # In a call of a callee (or a PSF API), extract the argument, not the call: the call
        # stays a Task of its own (with its retries and timeout).
        while isinstance(slot, ast.Call) and self.is_call_of_callee_or_api(slot):
            args = list(slot.args) + [k.value for k in slot.keywords]
            slot = next((a for a in args if _contains(a, inner)), None)
        return self.narrowed(slot, inner) if slot is not None else None

    def narrowed(self, slot: ast.expr, inner: ast.AST) -> ast.expr:
        """In a literal dict, list or tuple, only the item holding ``inner``, when the machine
        computes all the others: the Lambda then gets and returns that item's values only
        (``return {"lines": lines, "total": f"{total} {currency}"}`` sends ``total`` and
        ``currency``, not ``lines``). The item is computed before the others then, so the items
        before it must not be able to fail (else CPython's first error could be another)."""
        while isinstance(slot, (ast.Dict, ast.List, ast.Tuple)):
            items = list(slot.values) if isinstance(slot, ast.Dict) else list(slot.elts)
            keys = list(slot.keys) if isinstance(slot, ast.Dict) else [None] * len(items)
            if any(isinstance(i, ast.Starred) for i in items) or isinstance(slot, ast.Dict) and None in keys:
                return slot
            at = next((n for n, item in enumerate(items) if _contains(item, inner)), None)
            if at is None:  # in a key
                return slot
            before = [k for k in keys[:at + 1] if k is not None] + items[:at]
            after = [k for k in keys[at + 1:] if k is not None] + items[at + 1:]
            if not (all(self._lowers(n, infallible=True) for n in before)
                    and all(self._lowers(n) for n in after)):
                return slot
            slot = items[at]
        return slot

    def _lowers(self, node: ast.expr, infallible: bool = False) -> bool:
        """Whether the machine computes ``node`` (and, if asked, without a way to fail)."""
        from pysfn.compiler.diagnostics import CompileError
        from pysfn.compiler.expressions import NotLowerable
        from pysfn.compiler.fallible import errors_raised
        warnings = len(self.rep.warnings)
        try:
            lowered = self.expr(node)
        except (NotLowerable, CompileError):
            return False
        finally:
            del self.rep.warnings[warnings:]  # the statement's own compile says them
        return not (infallible and errors_raised(lowered))

    def split_elif(self, node: ast.If, slot: ast.expr) -> ast.If:
        """``if a: ... elif b: ...`` -> ``if a: ... else: (if b: ...)``, so ``b`` is computed only
        when it is reached. ``slot`` is in ``b`` (``b`` itself, or an argument of a PSF helper
        in ``b``: the nested ``if`` then extracts it as a first test)."""
        top = _copy_if(node)
        current = top
        while not _contains(current.orelse[0].test, slot):
            current.orelse = [_copy_if(current.orelse[0])]
            current = current.orelse[0]
        nested = current.orelse[0]
        separate = ast.copy_location(ast.If(nested.test, nested.body, nested.orelse), nested)
        separate.pysfn_not_elif = True  # read by stmt_If: a statement of its own, not one more elif
        current.orelse = [separate]
        return top

    def extracted_while(self, node: ast.While, error) -> list[ir.Stmt]:
        """``while <extracted>:`` computes its test in a Task before every check."""
        before, name = self.extract(node.test, error.reason, truth=True)
        test = self.condition(name)
        self.loops += 1
        try:
            body = self.block(node.body)
        finally:
            self.loops -= 1
        warn_if_unbounded(self.rep, node, tuple(before) + body)
        return [ir.While(test, body, self.block(node.orelse), self.loc(node), setup=tuple(before))]

    def check_extractable(self, expr: ast.expr) -> None:
        """What cannot work even in the Lambda: it needs the workflow's own frame or control."""
        for n in ast.walk(expr):
            if isinstance(n, (ast.Yield, ast.YieldFrom)):
                raise self.rep.error(n, "a workflow function cannot be a generator ('yield')",
                                     "collect the values in a list and return it")
            if isinstance(n, ast.Await):
                raise self.rep.error(n, "Step Functions has no coroutines ('await')",
                                     "use PSF.parallel to run work concurrently")
            if isinstance(n, ast.NamedExpr):
                raise self.rep.error(n, f"'{ast.unparse(n)}' would assign '{n.target.id}' in code that runs "
                                     "in the dispatcher Lambda, where the assignment is lost",
                                     "assign it in a statement of its own")
            if isinstance(n, ast.Name) and n.id == self.info.entry.name and self.scope.lookup(n.id) is None:
                raise self.rep.error(n, "a workflow cannot call itself",
                                     "use a loop, or move the repeated work into a callee")
        if isinstance(expr, ast.Lambda):
            raise self.rep.error(expr, "a lambda is not a value a workflow variable can hold (values are JSON)",
                                 "define a module-level function and call it, or use the lambda inside "
                                 "the expression that needs it (sorted(xs, key=lambda x: ...))")

    def extract(self, expr: ast.expr, reason: str, truth: bool = False,
                iterable: bool = False) -> tuple[list[ir.Stmt], ast.Name]:
        """A Task computing ``expr`` (``bool(expr)`` for a test, ``list(expr)`` for what a ``for``
        walks) into a hidden variable, and a Name that reads it."""
        self.check_extractable(expr)
        if not truth and not iterable:
            refuse_iterator_value(self, expr)
        for n in ast.walk(expr):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in MUTATORS:
                root = n.func.value
                while isinstance(root, ast.Subscript):
                    root = root.value
                if isinstance(root, ast.Name) and self.scope.lookup(root.id) is not None:
                    raise self.rep.error(n, f"'{ast.unparse(n)}' would change '{root.id}' in code that runs in "
                                         "the dispatcher Lambda, where the change is lost",
                                         "make the change a statement of its own, or compute a new value "
                                         "and assign it")
        params, module_names = [], []
        known = module_level_names(self.info.tree)
        bound = _bound_inside(expr)
        for n in ast.walk(expr):
            if not isinstance(n, ast.Name) or n.id in bound or n.id in params or n.id in module_names:
                continue
            if n.id in self.exception_vars:
                raise self.rep.error(n, f"'{n.id}' is a caught exception: the code that needs it cannot "
                                     "run in the dispatcher Lambda", f"pass str({n.id}) instead")
            if n.id in self.nested:
                raise self.rep.error(n, f"'{n.id}' is a nested function: it cannot be used in code that "
                                     "runs in the dispatcher Lambda", "move it to module level")
            if self.scope.lookup(n.id) is not None:
                params.append(n.id)
            elif n.id in known:
                module_names.append(n.id)
            elif not hasattr(builtins, n.id):
                raise self.rep.error(n, f"name '{n.id}' is not defined", "define it at module level, "
                                     "or assign it in the workflow before this line")
        loc = self.loc(expr)
        function = f"L{loc.line}_{len(self.info.extracted) + 1}"
        source = f"bool({ast.unparse(expr)})" if truth else ast.unparse(expr)
        # Floats arrive as floats: the dispatcher decodes the machine's tagged floats (numbers.py).
        extraction = Extraction(function, tuple(params), source, tuple(module_names), reason, loc,
                                result="test" if truth else "iterable" if iterable else "value",
                                guarded=self.guarding)
        self.info.extracted.append(extraction)
        key = extraction.key(self.info.name)
        self.callees.add(key)
        hidden, name = self.hidden_name("value", expr)
        call = ir.CalleeCall(key, tuple(ir.Var(self.scope.lookup(p), loc) for p in params), (), (), loc,
                             extracted=True)
        return [ir.Assign((hidden,), call, loc)], name


def _copy_if(node: ast.If) -> ast.If:
    return ast.copy_location(ast.If(node.test, node.body, list(node.orelse)), node)


def _replace(node: ast.AST, old: ast.AST, new: ast.AST) -> ast.AST:
    """``node`` with the node ``old`` replaced by ``new``; only the path to ``old`` is copied."""
    if node is old:
        return new
    if not _contains(node, old):
        return node
    clone = copy.copy(node)
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            setattr(clone, field, [_replace(v, old, new) if isinstance(v, ast.AST) else v for v in value])
        elif isinstance(value, ast.AST):
            setattr(clone, field, _replace(value, old, new))
    return clone


def generated_module(module: str, file: str, extractions: list[Extraction]) -> str:
    """The source of ``pysfn_extracted_<module>.py`` for the Lambda package."""
    lines = [f'"""Code of {file} that runs in the dispatcher Lambda (generated by pysfn: do not edit).',
             "",
             "Each function computes one expression of the workflow that the state machine cannot",
             "evaluate exactly; its parameters are the workflow variables the expression reads.",
             '"""', ""]
    names = sorted({n for e in extractions for n in e.module_names})
    if names:
        lines.append(f"from {module} import {', '.join(names)}")
    lines += ["", "", RESULT_CHECKS.rstrip()]
    for e in extractions:
        lines += ["", "", f"def {e.function}({', '.join(e.params)}):",
                  f"    {repr(f'{file}:{e.loc.line}: {e.reason}')}"]
        where = repr(f"{file}:{e.loc.line}")
        if e.result == "test":
            lines += [f"    return {e.expression}"]
        else:
            check = "_pysfn_iterated" if e.result == "iterable" else "_pysfn_json"
            lines += [f"    return {check}({e.expression}, {where}, {repr(e.expression)})"]
    return "\n".join(lines) + "\n"
