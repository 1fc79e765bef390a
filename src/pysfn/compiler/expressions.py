"""Front end, expressions: Python expressions -> IR expressions (which ``jsonata`` turns into JSONata).

A mixin of ``FunctionCompiler``: every method here builds an IR expression or raises
``NotLowerable`` (no exact JSONata form: the statement extracts it into the Lambda) or a
located diagnostic (a mistake in the code). New operations are ``ir.Op`` nodes whose
meaning is in ``jsonata_ops.py``.
"""

from __future__ import annotations

import ast
import builtins
import math

from pysfn.compiler import ir
from pysfn.compiler.fallible import caught_here, errors_raised
from pysfn.compiler.jsonata_ops import METHOD_ARITY
from pysfn.compiler.numbers import FLOAT_KEY, MAX_EXACT
from pysfn.contract import number_problem
from pysfn.compiler.types import INTS, ast_types

ASL_TESTS = {
    "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals",
    "StringGreaterThanEquals", "StringMatches", "NumericEquals", "NumericLessThan",
    "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals", "BooleanEquals",
    "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals",
    "TimestampGreaterThanEquals", "IsNull", "IsPresent", "IsString", "IsNumeric", "IsBoolean",
    "IsTimestamp",
}
UNARY_TESTS = {"IsNull", "IsPresent", "IsString", "IsNumeric", "IsBoolean", "IsTimestamp"}
COMPARE_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
               ast.GtE: ">=", ast.In: "in", ast.NotIn: "not in"}


class NotLowerable(Exception):
    """An expression without an exact JSONata form.

    Raised by the expression visitor; the statement that holds the expression decides
    what to do with it (extract it into the dispatcher Lambda, or report it).
    """

    def __init__(self, node: ast.AST, reason: str, hint: str | None = None, guardable: bool = False):
        super().__init__(reason)
        self.node = node
        self.reason = reason
        self.hint = hint
        # str() of a value whose type is known only at run time: exact in JSONata for some of
        # its values, so the statement can test them and extract only otherwise (guards.py)
        self.guardable = guardable


# The types whose str() JSONata writes as CPython does (jsonata_ops._str).
EXACT_TEXT = frozenset({"int", "str", "bool", "none"})


class ExpressionCompiler:
    # AST nodes whose str() a guarded statement compiles for the values of EXACT_TEXT only: a
    # Choice before it has tested them (guards.py)
    assumed_exact: tuple = ()

    # ------------------------------------------------------------------ expressions (become JSONata)

    def condition(self, node: ast.expr) -> ir.Expr:
        return self.expr(node, in_condition=True)

    def expr(self, node: ast.expr, in_condition: bool = False) -> ir.Expr:
        result = self.expr_node(node, in_condition)
        if not (self.enclosing_handlers or self.watched_finally):
            return result
        errors = errors_raised(result)
        if not errors:
            return result
        if caught_here(self.enclosing_handlers, errors):  # compiler/fallible.py
            raise NotLowerable(node, f"'{ast.unparse(node)}' can raise here, and the enclosing 'except' must "
                               "see it as CPython raises it: a failed expression stops the state machine, "
                               "no Catch can take it")
        watch = next((w for w in self.watched_finally if not w.warned), None)
        if watch is not None:
            watch.warned = True
            self.rep.warn(node, f"if '{ast.unparse(node)}' fails, the compiled machine stops with its error "
                          f"without running the 'finally' block of line {watch.node.lineno} first",
                          "make sure it cannot fail (test the values first), or compute it in a callee")
        return result

    def expr_node(self, node: ast.expr, in_condition: bool = False) -> ir.Expr:
        loc = self.loc(node)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise self.rep.error(node, f"{node.value!r} is not a JSON number",
                                     "JSON numbers are finite: use a string or None instead")
            if type(node.value) is int and abs(node.value) > MAX_EXACT:
                # limits.py lets it through: computed in Python, exactly (the number model)
                raise NotLowerable(node, f"the int {node.value} is beyond 2**53: the state machine's numbers "
                                   "are doubles and would round it")
            if isinstance(node.value, (str, int, float, bool)) or node.value is None:
                return ir.Const(node.value, loc)
            raise self.rep.error(node, f"a {type(node.value).__name__} literal is not a JSON value",
                                 "values in a workflow are JSON: str, int, float, bool, None, list, dict")
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Slice):
                raise NotLowerable(node, "slices are not lowered to JSONata yet")
            return ir.Subscript(self.expr(node.value), self.expr(node.slice), loc)
        if isinstance(node, (ast.List, ast.Tuple)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise self.rep.error(node, "starred items are not supported", "list the items one by one")
            return ir.ListOf(tuple(self.expr(e) for e in node.elts), loc)
        if isinstance(node, ast.Dict) and None in node.keys:  # {**a, "k": v}
            from pysfn.compiler.dicts import dict_display
            return dict_display(self, node)
        if isinstance(node, ast.Dict):
            keys = []
            for k in node.keys:
                if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                    raise self.rep.error(k or node, "dict keys must be string literals (JSON objects have "
                                         "string keys)", "write {\"key\": value}")
                if k.value == FLOAT_KEY:
                    raise self.rep.error(k, f"the key {FLOAT_KEY!r} is reserved: the state machine writes whole "
                                         "floats as {\"$float\": 2.0} (JSON has one number type)",
                                         "use another key")
                keys.append(k.value)
            return ir.DictOf(tuple(keys), tuple(self.expr(v) for v in node.values), loc)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
                and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
            return ir.Const(-node.operand.value, loc)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ir.Not(self.expr(node.operand, in_condition=True), loc)
        if isinstance(node, ast.BoolOp):
            values = tuple(self.expr(v, in_condition) for v in node.values)
            op = "and" if isinstance(node.op, ast.And) else "or"
            if not in_condition and not all(isinstance(v, ir.BOOLEAN_EXPRS) for v in values):
                return ir.Pick(op, values, loc)  # the value is an operand, as in Python
            return ir.BoolOp(op, values, loc)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call_expr(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return ir.Op("neg" if isinstance(node.op, ast.USub) else "pos", (self.expr(node.operand),), loc)
        if isinstance(node, ast.IfExp):
            return ir.IfExp(self.condition(node.test), self.expr(node.body), self.expr(node.orelse), loc)
        if isinstance(node, ast.JoinedStr):
            return self.f_string(node)
        if isinstance(node, (ast.ListComp, ast.DictComp)):
            return self.comprehension(node)
        raise NotLowerable(node, f"'{ast.unparse(node)}': this expression is not supported in a workflow "
                           "function yet")

    def name(self, node: ast.Name) -> ir.Expr:
        var = self.scope.lookup(node.id)
        if var is not None:
            if node.id in self.exception_vars:
                raise self.rep.error(node, f"the exception '{node.id}' can only be used as str({node.id})",
                                     f"pass str({node.id}) for its message")
            return ir.Var(var, self.loc(node))
        if node.id in self.info.constants:
            value = self.info.constants[node.id]
            if number_problem(value, True):
                raise NotLowerable(node, f"the constant {node.id} holds an int beyond 2**53 (or the reserved key "
                                   f"{FLOAT_KEY!r}): the state machine's numbers are doubles and would round it")
            return ir.Const(value, self.loc(node))
        if node.id in self.info.callees or node.id in self.nested:
            raise self.rep.error(node, f"'{node.id}' is a function; functions are not values in a workflow",
                                 f"call it: {node.id}(...)")
        from pysfn.compiler.suggest import did_you_mean
        hint = did_you_mean(node.id, list(self.scope.vars) + list(self.info.constants))
        raise self.rep.error(node, f"name '{node.id}' is not defined in the workflow",
                             hint or "use a parameter, a variable assigned in the function, or a module-level "
                             "constant (NAME = literal)")

    def compare(self, node: ast.Compare) -> ir.Expr:
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.Is, ast.IsNot)):
                if not (isinstance(right, ast.Constant) and right.value is None):
                    raise self.rep.error(node, "'is' is only supported as 'is None' / 'is not None'",
                                         "compare values with ==")
                parts.append(ir.Compare("is" if isinstance(op, ast.Is) else "is not",
                                        self.expr(left), ir.Const(None, self.loc(right)), self.loc(node)))
            elif self.plain_compare(op, left, right):
                # both ints (or == / != of two strs) by their static types: JSONata's operator is
                # Python's, no type switch (types.py; parameters are checked at the input)
                parts.append(ir.Op("typed" + COMPARE_OPS[type(op)], (self.expr(left), self.expr(right)),
                                   self.loc(node)))
            else:
                parts.append(ir.Compare(COMPARE_OPS[type(op)], self.expr(left), self.expr(right), self.loc(node)))
            left = right
        return parts[0] if len(parts) == 1 else ir.BoolOp("and", tuple(parts), self.loc(node))

    def plain_compare(self, op: ast.cmpop, left: ast.expr, right: ast.expr) -> bool:
        types = (ast_types(left, self.var_types), ast_types(right, self.var_types))
        if isinstance(op, (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)) \
                and types == (frozenset({"int"}),) * 2:
            return True
        return isinstance(op, (ast.Eq, ast.NotEq)) and types == (frozenset({"str"}),) * 2

    def call_expr(self, node: ast.Call) -> ir.Expr:
        api = self.info.psf_attr(node.func)
        if api in ASL_TESTS:
            arity = 1 if api in UNARY_TESTS else 2
            if node.keywords or len(node.args) != arity:
                raise self.rep.error(node, f"PSF.{api} takes {arity} argument{'s' if arity > 1 else ''}",
                                     f"PSF.{api}({', '.join(['value', 'other'][:arity])})")
            if api == "StringMatches" and not (isinstance(node.args[1], ast.Constant)
                                               and isinstance(node.args[1].value, str)):
                raise self.rep.error(node.args[1], "the pattern of PSF.StringMatches must be a string literal",
                                     "write the pattern in the call: PSF.StringMatches(name, \"*.csv\")")
            return ir.AslTest(api, tuple(self.expr(a) for a in node.args), self.loc(node))
        if isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1 \
                and isinstance(node.args[0], ast.Name) and node.args[0].id in self.exception_vars:
            return ir.ErrorMessage(self.scope.lookup(node.args[0].id), self.loc(node))
        if self.is_call_of_callee_or_api(node):
            raise self.rep.error(node, "a callee call cannot run here (a 'case' guard, a 'del' target)",
                                 "assign it first: value = " + ast.unparse(node))
        builtin = self.builtin_name(node.func)
        if builtin == "dict":  # dict(a, **b, k=v) (compiler/dicts.py)
            from pysfn.compiler.dicts import dict_call
            return dict_call(self, node)
        if builtin is not None and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args):
            lowered = self.builtin_call(builtin, node)
            if lowered is not None:
                return lowered
        if isinstance(node.func, ast.Attribute) and node.func.attr in METHOD_ARITY and not node.keywords:
            low, high = METHOD_ARITY[node.func.attr]
            if low <= len(node.args) <= high and not any(isinstance(a, ast.Starred) for a in node.args):
                return ir.Op(node.func.attr, (self.expr(node.func.value),) + tuple(self.expr(a) for a in node.args),
                             self.loc(node))
        if not (isinstance(node.func, ast.Name) and hasattr(builtins, node.func.id)):
            raise self.not_a_callee(node)
        raise NotLowerable(node, f"'{ast.unparse(node.func)}(...)' has no exact form in the state machine")

    # ------------------------------------------------------------------ operations (jsonata_ops.py)

    def binary(self, node: ast.BinOp) -> ir.Expr:
        loc = self.loc(node)
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
                  ast.Mod: "%"}.get(type(node.op))
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and node.right.value == 2 \
                and type(node.right.value) is int:
            return ir.Op("square", (self.expr(node.left),), loc)  # x*x: one rounding, like pow(x, 2)
        if symbol is None:
            raise NotLowerable(node, f"the operator of '{ast.unparse(node)}' has no exact form in the state "
                               "machine (JavaScript's pow and bit operations on doubles differ from Python's)")
        if symbol == "%" and ast_types(node.left, self.var_types) == frozenset({"str"}):
            raise NotLowerable(node, "printf-style formatting ('...' % args) runs in Python")
        if symbol in ("//", "%") and not all((ast_types(side, self.var_types) or {"?"}) <= INTS
                                             for side in (node.left, node.right)):
            # exact in JSONata for ints only: a float operand (or one whose type is known only at
            # run time) is computed in Python, so no value ever fails or rounds (numbers.py)
            raise NotLowerable(node, f"'{symbol}' of values not known to be ints runs in Python (JSONata has no "
                               "exact form for floats)", "annotate the parameter int, or convert with int()")
        if symbol in ("+", "-", "*") and all(ast_types(side, self.var_types) == frozenset({"int"})
                                             for side in (node.left, node.right)):
            # both ints by their static types: Python's int arithmetic is JSONata's (below 2**53)
            return ir.Op("int" + symbol, (self.expr(node.left), self.expr(node.right)), loc)
        if getattr(node, "pysfn_augmented", False):  # built for `x op= y` (changes.py)
            symbol += "="
        return ir.Op(symbol, (self.expr(node.left), self.expr(node.right)), loc)

    def formatted(self, node: ast.expr, conversion: int = -1) -> ir.Expr:
        """``str(node)``, lowered only where JSONata writes it as CPython does."""
        if isinstance(node, ast.Name) and node.id in self.exception_vars and conversion in (-1, ord("s")):
            return ir.ErrorMessage(self.scope.lookup(node.id), self.loc(node))  # f"{e}" is str(e)
        if conversion not in (-1, ord("s")):
            raise NotLowerable(node, "!r and !a conversions run in Python")
        types = ast_types(node, self.var_types)
        if (types is None or not types <= EXACT_TEXT) and node not in self.assumed_exact:
            what = "a float" if types and "float" in types else "a value whose type is known only at run time"
            raise NotLowerable(node, f"str() of {what} is written differently by JSONata "
                               "(2.0, 1e16, lists, dicts)", guardable=types is None or bool(types & EXACT_TEXT))
        return ir.Op("str", (self.expr(node),), self.loc(node))

    def f_string(self, node: ast.JoinedStr) -> ir.Expr:
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(ir.Const(value.value, self.loc(value)))
            elif value.format_spec is not None:
                raise NotLowerable(node, "format specs (f'{x:.2f}') run in Python")
            else:
                parts.append(self.formatted(value.value, value.conversion))
        return ir.Op("concat", tuple(parts), self.loc(node))

    def builtin_call(self, name: str, node: ast.Call) -> ir.Expr | None:
        args, loc = node.args, self.loc(node)
        if name == "str" and len(args) == 1:
            return self.formatted(args[0])
        if name == "str" and not args:
            return ir.Const("", loc)
        if name == "bool" and len(args) == 1:
            return ir.Not(ir.Not(self.expr(args[0]), loc), loc)
        if name in ("len", "abs") and len(args) == 1:
            return ir.Op(name, (self.expr(args[0]),), loc)
        if name == "round" and len(args) == 1:
            return ir.Op("round", (self.expr(args[0]),), loc)
        return None

    def comprehension(self, node: ast.ListComp | ast.DictComp) -> ir.Expr:
        if len(node.generators) != 1 or node.generators[0].is_async:
            raise NotLowerable(node, "nested comprehensions run in Python")
        gen = node.generators[0]
        if not isinstance(gen.target, ast.Name):
            raise NotLowerable(node, "comprehensions that unpack their items run in Python")
        iterable = self.expr(gen.iter)
        var = self.scope.hidden("c")
        name = gen.target.id
        saved = self.scope.vars.get(name)
        self.scope.vars[name] = var  # the comprehension's own variable, a JSONata parameter
        try:
            conditions = tuple(self.condition(c) for c in gen.ifs)
            if isinstance(node, ast.ListComp):
                return ir.Comprehension(var, iterable, self.expr(node.elt), conditions, self.loc(node))
            return ir.Comprehension(var, iterable, self.expr(node.value), conditions, self.loc(node),
                                    key=self.expr(node.key))
        finally:
            if saved is None:
                del self.scope.vars[name]
            else:
                self.scope.vars[name] = saved
