"""Callee calls inside expressions: each becomes a Task that runs first, into a hidden variable.

``total = price(convert(amount, currency))`` compiles as ``h1 = convert(amount, currency);
total = price(h1)``: two Tasks, each with its own Retry, Catch, ``@PSF.retry`` and
``@PSF.timeout``. The rewrite is done on the statement's ``ast`` before the front end compiles
it (``hoist_statement``, called first by ``FunctionCompiler.stmt``), so what is left is a form the
statement compilers already take: a whole-value call with plain arguments, or an expression
without calls (which may still be extracted: only that pure rest goes to the Lambda, never a
callee call).

Python's evaluation order is kept exactly:
* operands are evaluated left to right; an operand before the last call that could fail
  (``d["k"]``, ``a + b``) is computed into a hidden variable before that call, so its error (or
  its value) comes first as in CPython; names and literals cannot fail and stay where they are;
* ``a and b`` / ``a or b`` / ``x if c else y`` / chained comparisons become ``if`` statements, so
  a callee in the part Python does not evaluate is never called;
* a ``while`` test's calls run before every test (``ir.While.setup``); an ``elif`` test's calls
  run only when the ``elif`` is reached (the chain is split there);
* a comprehension whose element or filter calls a callee is a Map whose iteration runs the
  Tasks (the filter, then the element, per item, as CPython does).
"""

from __future__ import annotations

import ast
import builtins
import copy

from pysfn.compiler.integrations import aws_attribute
from pysfn.compiler import ir
from pysfn.compiler.expressions import NotLowerable

TASK_APIS = {"parallel", "with_retry_spec", "map", "wait_for_callback"}
# builtins that consume a whole generator: ``sum(f(x) for x in xs)`` means the list comprehension
CONSUMERS = {"sum", "min", "max", "sorted", "list", "tuple", "len", "set"}


class Hoister:
    """The rewrite of one statement; ``fc`` is the FunctionCompiler (scope, callees, errors)."""

    def __init__(self, fc):
        self.fc = fc
        self.temps: set[str] = set()

    # ------------------------------------------------------------------ what is a Task

    def is_task_call(self, node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        if self.fc.callee_of(node.func) is not None:
            return True
        if aws_attribute(self.fc.info, node.func) is not None:  # aws.CLIENT.METHOD(...): a service Task
            return True
        return self.fc.info.psf_attr(node.func) in TASK_APIS

    def has_call(self, node: ast.AST | None) -> bool:
        """Whether evaluating ``node`` calls a callee (lambdas are not entered: see ``lin``)."""
        if node is None:
            return False
        todo = [node]
        while todo:
            n = todo.pop()
            if self.is_task_call(n) or (n is not node and isinstance(n, ast.Call) and self.fc.is_promise(n)):
                return True
            if isinstance(n, ast.Lambda):
                if any(self.is_task_call(m) for m in ast.walk(n.body)):
                    raise self.fc.rep.error(n, "a callee call inside a lambda cannot be a Task of its own",
                                            "call the callee in a statement, or in a list comprehension")
                continue
            todo.extend(ast.iter_child_nodes(n))
        return False

    def simple(self, value: ast.expr) -> bool:
        """A whole-value form the statement compilers take as it is."""
        if self.fc.is_promise(value):
            return True
        if self.is_task_call(value):
            return not any(self.has_call(c) for c in call_operands(value))
        if isinstance(value, ast.ListComp) and self.fc.is_fanout(value):
            gen = value.generators[0]
            # items the machine cannot compute are extracted alone by fanout.map_of (a list made in
            # Python first), never with the comprehension's callee calls
            return not (self.has_call(gen.iter) or any(self.has_call(c) for c in gen.ifs)
                        or any(self.has_call(c) for c in call_operands(value.elt)))
        return False

    def feeds_a_map(self, items: ast.expr) -> bool:
        """Whether the machine computes ``items`` itself (else it is extracted first, on its own:
        extracting the whole comprehension would hide its callee calls in the Lambda)."""
        fc = self.fc
        warnings = len(fc.rep.warnings)
        try:
            fc.iteration(items, [])
            return True
        except NotLowerable:
            return False
        except Exception:  # a mistake: the real compile of the statement reports it
            return True
        finally:
            del fc.rep.warnings[warnings:]

    def check_moved(self, rest: ast.AST) -> None:
        """A call the rewrite could not move out (one in an f-string's format spec): say so, rather
        than let extraction hide it in the Lambda. ``rest`` itself may be a whole-value form."""
        if getattr(rest, "pysfn_map", False) or isinstance(rest, ast.expr) and self.simple(rest):
            return
        todo = list(call_operands(rest)) if self.is_task_call(rest) else [rest]
        for n in (m for t in todo for m in ast.walk(t)):
            if self.is_task_call(n):
                raise self.fc.rep.error(n, "this callee call cannot be moved out of its expression",
                                        "assign it to a variable first: value = " + ast.unparse(n))

    # ------------------------------------------------------------------ hidden variables

    def temp(self, at: ast.AST, kind: str = "result") -> str:
        hidden, _ = self.fc.hidden_name(kind, at)
        self.temps.add(hidden)
        return hidden

    def assign(self, name: str, value: ast.expr, at: ast.AST) -> ast.Assign:
        node = ast.Assign([ast.Name(name, ast.Store())], value)
        ast.copy_location(node, at)
        ast.fix_missing_locations(node)
        return node

    def load(self, name: str, at: ast.AST) -> ast.Name:
        return ast.copy_location(ast.Name(name, ast.Load()), at)

    def safe(self, node: ast.expr) -> bool:
        """Evaluating ``node`` cannot fail and gives the same value before and after a callee call
        (a Task cannot change a workflow variable), so it may stay where it is."""
        if isinstance(node, (ast.Name, ast.Constant)):
            return True
        if isinstance(node, (ast.List, ast.Tuple)):
            return all(self.safe(e) and not isinstance(e, ast.Starred) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(k is not None and self.safe(k) for k in node.keys) and all(self.safe(v) for v in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.safe(node.operand)
        if isinstance(node, ast.BoolOp):
            return all(self.safe(v) for v in node.values)
        if isinstance(node, ast.Compare):
            return all(isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)) for op in node.ops) \
                and self.safe(node.left) and all(self.safe(c) for c in node.comparators)
        # str()/repr() of a JSON value and f-strings without format specs never raise: staying in
        # place, they are computed with the rest (extracted with it if it is extracted)
        if isinstance(node, ast.JoinedStr):
            return all(isinstance(v, ast.Constant) or isinstance(v, ast.FormattedValue)
                       and v.format_spec is None and self.safe(v.value) for v in node.values)
        if isinstance(node, ast.Call) and self.fc.builtin_name(node.func) in ("str", "repr", "bool") \
                and len(node.args) == 1 and not node.keywords:
            return self.safe(node.args[0])
        return False

    # ------------------------------------------------------------------ the rewrite

    def lin(self, node: ast.expr, top: bool = False) -> tuple[list[ast.stmt], ast.expr]:
        """(statements to run first, the rest of ``node``), with Python's order and short-circuits.

        The rest reads the results through hidden variables and calls no callee, except with
        ``top`` (the whole value of a statement), where it may be a call with plain arguments."""
        if not self.has_call(node):
            return [], node
        fc = self.fc
        if self.is_task_call(node) or fc.is_promise(node):
            before, call = self.lin_operands(node)
            if top:
                return before, call
            t = self.temp(node)
            return before + [self.assign(t, call, node)], self.load(t, node)
        if isinstance(node, ast.BoolOp):
            return self.lin_boolop(node)
        if isinstance(node, ast.IfExp):
            before, test = self.lin(node.test)
            if not (self.has_call(node.body) or self.has_call(node.orelse)):
                return before, ast.copy_location(ast.IfExp(test, node.body, node.orelse), node)
            t = self.temp(node)
            b_before, body = self.lin(node.body)
            o_before, orelse = self.lin(node.orelse)
            branch = ast.copy_location(ast.If(test, b_before + [self.assign(t, body, node.body)],
                                              o_before + [self.assign(t, orelse, node.orelse)]), node)
            return before + [branch], self.load(t, node)
        if isinstance(node, ast.Compare) and len(node.ops) > 1:
            return self.lin_chain(node)
        if isinstance(node, (ast.ListComp, ast.DictComp)):
            return self.lin_comprehension(node, top)
        if isinstance(node, (ast.SetComp, ast.GeneratorExp)):
            raise fc.rep.error(node, "a set comprehension or generator expression that calls a callee is not "
                               "supported", "use a list comprehension: [f(x) for x in items]")
        if isinstance(node, ast.NamedExpr):
            raise fc.rep.error(node, "':=' around a callee call is not supported", "assign in a statement of its own")
        if isinstance(node, ast.Call) and fc.changing_call(node):
            return self.lin_operands(node, keep_object=True)
        return self.lin_operands(node)

    def lin_operands(self, node: ast.AST, keep_object: bool = False) -> tuple[list[ast.stmt], ast.AST]:
        """``node`` with its operands rewritten, left to right (``keep_object``: the object of a
        method that changes it in place stays as it is: it is written, not only read)."""
        node = copy.copy(node)
        for field, value in ast.iter_fields(node):  # f-string parts and *args: their values are the operands
            if isinstance(value, list) and any(isinstance(v, (ast.FormattedValue, ast.Starred)) for v in value):
                setattr(node, field, [copy.copy(v) if isinstance(v, (ast.FormattedValue, ast.Starred)) else v
                                      for v in value])
        slots = list(operand_slots(node))
        if keep_object and slots and slots[0][0] is node and slots[0][1] == "func":
            slots = slots[1:]
        if isinstance(node, ast.Call):  # generators consumed whole by a builtin are lists
            builtin = self.fc.builtin_name(node.func)
            for i, a in enumerate(node.args):
                if isinstance(a, ast.GeneratorExp) and self.has_call(a):
                    if builtin not in CONSUMERS:
                        raise self.fc.rep.error(a, f"a generator that calls a callee, passed to "
                                                f"'{ast.unparse(node.func)}', may be consumed only in part",
                                                "use a list comprehension (all items are computed), or a for loop "
                                                "with break")
                    node.args = list(node.args)
                    node.args[i] = ast.copy_location(ast.ListComp(a.elt, a.generators), a)
        last = max((i for i, s in enumerate(slots) if self.has_call(get_slot(*s))), default=-1)
        before: list[ast.stmt] = []
        for i, (holder, field, index) in enumerate(slots[:last + 1]):
            child = get_slot(holder, field, index)
            first, rest = self.lin(child)
            before += first
            if i < last and not self.safe(rest):
                t = self.temp(child, "operand")
                before.append(self.assign(t, rest, child))
                rest = self.load(t, child)
            set_slot(holder, field, index, rest)
        return before, node

    def lin_boolop(self, node: ast.BoolOp) -> tuple[list[ast.stmt], ast.expr]:
        first, *others = node.values
        before, value = self.lin(first)
        rest = others[0] if len(others) == 1 else ast.copy_location(ast.BoolOp(node.op, others), node)
        if not self.has_call(rest):
            return before, ast.copy_location(ast.BoolOp(node.op, [value] + others), node)
        if isinstance(value, ast.Name) and value.id in self.temps:
            t = value.id
        else:
            t = self.temp(node)
            before.append(self.assign(t, value, first))
        test: ast.expr = self.load(t, node)
        if isinstance(node.op, ast.Or):
            test = ast.copy_location(ast.UnaryOp(ast.Not(), test), node)
        r_before, r_value = self.lin(rest)
        before.append(ast.copy_location(ast.If(test, r_before + [self.assign(t, r_value, rest)], []), rest))
        return before, self.load(t, node)

    def lin_chain(self, node: ast.Compare) -> tuple[list[ast.stmt], ast.expr]:
        """``a < f(x) < b``: ``a < f(x) and f(x) < b`` with ``f(x)`` computed once."""
        if not any(self.has_call(c) for c in node.comparators[1:]):
            return self.lin_operands(node)
        before, left = self.lin(node.left)
        if not self.safe(left):
            lt = self.temp(node, "operand")
            before.append(self.assign(lt, left, node))
            left = self.load(lt, node)
        t = self.temp(node)
        nest, first = before, True
        for op, right in zip(node.ops, node.comparators):
            step, value = self.lin(right)
            if not self.safe(value):
                rt = self.temp(right, "operand")
                step.append(self.assign(rt, value, right))
                value = self.load(rt, right)
            step.append(self.assign(t, ast.copy_location(ast.Compare(left, [op], [value]), node), node))
            if first:
                nest.extend(step)
            else:  # the next comparison only when this one held
                guard = ast.copy_location(ast.If(self.load(t, node), step, []), right)
                nest.append(guard)
                nest = guard.body
            left, first = value, False
        return before, self.load(t, node)

    def lin_comprehension(self, node, top: bool) -> tuple[list[ast.stmt], ast.expr]:
        fc = self.fc
        target = node.generators[0].target if len(node.generators) == 1 else None
        names = isinstance(target, ast.Name) or (isinstance(target, (ast.Tuple, ast.List)) and target.elts
                                                  and all(isinstance(e, ast.Name) for e in target.elts))
        if len(node.generators) != 1 or node.generators[0].is_async or not names:
            raise fc.rep.error(node, "a comprehension that calls a callee takes one 'for' over a plain name",
                               "[f(x) for x in items]; nest a second comprehension in the element if needed")
        gen = node.generators[0]
        before, items = self.lin(gen.iter)
        comp = copy.copy(node)
        comp.generators = [ast.copy_location(ast.comprehension(gen.target, items, gen.ifs, 0), gen)]
        simple = isinstance(comp, ast.ListComp) and self.simple(comp)
        if not simple and not self.feeds_a_map(items):  # sorted(xs), zip(...), a library call: computed
            # first, on its own, as the list of the items Python walks (an iterator is no value a
            # variable can hold); a simple Map does so itself (fanout.map_of)
            t = self.temp(gen.iter, "items")
            listed = isinstance(items, ast.Call) and isinstance(items.func, ast.Name) \
                and items.func.id in ("sorted", "list") and fc.builtin_name(items.func)
            walked = items if listed else ast.copy_location(ast.Call(ast.Name("list", ast.Load()), [items], []),
                                                            items)
            before.append(self.assign(t, walked, gen.iter))
            items = self.load(t, gen.iter)
            comp.generators = [ast.copy_location(ast.comprehension(gen.target, items, gen.ifs, 0), gen)]
        if simple:  # a Map of the callee (fanout.py)
            if top:
                return before, comp
            t = self.temp(node, "mapped")
            return before + [self.assign(t, comp, node)], self.load(t, node)
        if not isinstance(target, ast.Name):  # map_with_body binds one name per iteration
            raise fc.rep.error(node, "a comprehension whose element computes around a callee call takes "
                               "one 'for' over a plain name", "[f(p) for p in pairs], then unpack p inside f")
        comp.pysfn_map = True  # compiled by map_with_body
        if top:
            return before, comp
        t = self.temp(node, "mapped")
        return before + [self.assign(t, comp, node)], self.load(t, node)


# ---------------------------------------------------------------------- operand slots

def call_operands(call: ast.Call) -> list[ast.expr]:
    out = list(call.args) + [k.value for k in call.keywords]
    if isinstance(call.func, ast.Attribute):
        out.insert(0, call.func.value)
    return out


def operand_slots(node: ast.AST):
    """(holder, field, index) of each operand of ``node``, in CPython's evaluation order.

    A call's function is not an operand (only the object of a method); a dict's keys and values
    alternate; a keyword's value is an operand of the call."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            yield node, "func", None  # the method's object: get_slot/set_slot reach node.func.value
        elif not isinstance(node.func, ast.Name):
            yield node, "func_whole", None  # f(x)(y): what is called is computed first
        for i, a in enumerate(node.args):
            yield (a, "value", None) if isinstance(a, ast.Starred) else (node, "args", i)
        for i in range(len(node.keywords)):
            yield node, "keywords", i
        return
    if isinstance(node, ast.Dict):
        for i in range(len(node.values)):
            if node.keys[i] is not None:
                yield node, "keys", i
            yield node, "values", i
        return
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, (ast.FormattedValue, ast.Starred)):
                    yield v, "value", None  # copied by lin_operands
                elif isinstance(v, ast.expr):
                    yield node, field, i
        elif isinstance(value, ast.expr):
            yield node, field, None


def get_slot(holder, field, index):
    if field == "func_whole":
        return holder.func
    value = getattr(holder, field)
    if isinstance(holder, ast.Call) and field == "func":
        return value.value
    if isinstance(holder, ast.Call) and field == "keywords":
        return value[index].value
    return value if index is None else value[index]


def set_slot(holder, field, index, new):
    if field == "func_whole":
        holder.func = new
    elif isinstance(holder, ast.Call) and field == "func":
        func = copy.copy(holder.func)
        func.value = new
        holder.func = func
    elif isinstance(holder, ast.Call) and field == "keywords":
        kws = list(holder.keywords)
        kw = copy.copy(kws[index])
        kw.value = new
        kws[index] = kw
        holder.keywords = kws
    elif index is None:
        setattr(holder, field, new)
    else:
        items = list(getattr(holder, field))
        items[index] = new
        setattr(holder, field, items)
    return holder


# ---------------------------------------------------------------------- statements

def hoist_statement(fc, node: ast.stmt) -> list[ir.Stmt] | None:
    """``node`` compiled with its callee calls hoisted, or None when it has nothing to hoist."""
    h = Hoister(fc)
    if isinstance(node, (ast.Assign, ast.Return, ast.Expr)) and getattr(node.value, "pysfn_map", False):
        return map_statement(fc, h, node)
    if getattr(node, "pysfn_hoisted", False):  # rewritten once already: what is left stays
        return None
    return _hoist(fc, h, node)


def _mark(node: ast.stmt, h: "Hoister | None" = None) -> ast.stmt:
    """A statement made by the rewrite: it is not rewritten again; a call the rewrite could not move
    (one in a format spec) is reported."""
    if h is not None:
        for field in ("value", "iter", "exc"):
            if isinstance(getattr(node, field, None), ast.AST):
                h.check_moved(getattr(node, field))
    node.pysfn_hoisted = True
    return node


def _hoist(fc, h: "Hoister", node: ast.stmt) -> list[ir.Stmt] | None:
    if isinstance(node, ast.AnnAssign) and node.value is not None and h.has_call(node.value) \
            and not h.simple(node.value):
        node = ast.copy_location(ast.Assign([node.target], node.value), node)
    if isinstance(node, (ast.Assign, ast.Return, ast.Expr)):
        value = node.value
        if value is None or not h.has_call(value) or h.simple(value):
            if isinstance(node, ast.Assign) and any(h.has_call(t) for t in node.targets):
                raise fc.rep.error(node.targets[0], "a callee call in an assignment target is not supported",
                                   "compute the key first: key = f(...); d[key] = value")
            return None
        if isinstance(node, ast.Expr) and isinstance(value, ast.Call) and fc.changing_call(value):
            before, rest = h.lin_operands(value, keep_object=True)
            return list(fc.block(before)) + fc.stmt(_mark(ast.copy_location(ast.Expr(rest), node), h))
        if isinstance(node, ast.Assign) and isinstance(value, ast.Call) and fc.changing_call(value):
            before, rest = h.lin_operands(value, keep_object=True)
        else:
            before, rest = h.lin(value, top=True)
        if isinstance(node, ast.Expr):
            if isinstance(rest, ast.Call) or getattr(rest, "pysfn_map", False):
                return list(fc.block(before)) + fc.stmt(_mark(ast.copy_location(ast.Expr(rest), node), h))
            h.check_moved(rest)
            return list(fc.block(before))  # the rest only combines results: nothing left to run
        clone = copy.copy(node)
        clone.value = rest
        return list(fc.block(before)) + fc.stmt(_mark(clone, h))
    if isinstance(node, ast.AugAssign) and h.has_call(node.value):
        before, rest = h.lin(node.value)
        augmented = ast.copy_location(ast.AugAssign(node.target, node.op, rest), node)
        return list(fc.block(before)) + fc.stmt(_mark(augmented, h))
    if isinstance(node, ast.If):
        if h.has_call(node.test):
            before, test = h.lin(node.test)
            h.check_moved(test)
            rewritten = ast.copy_location(ast.If(test, node.body, node.orelse), node)
            return list(fc.block(before)) + fc.stmt(rewritten)
        orelse = node.orelse
        while len(orelse) == 1 and isinstance(orelse[0], ast.If) and not getattr(orelse[0], "pysfn_not_elif", False):
            if h.has_call(orelse[0].test):  # computed only when this elif is reached
                return fc.stmt(fc.split_elif(node, orelse[0].test))
            orelse = orelse[0].orelse
        return None
    if isinstance(node, ast.While) and h.has_call(node.test):
        return [while_statement(fc, h, node)]
    if isinstance(node, ast.For) and h.has_call(node.iter) and not h.simple(node.iter):
        before, items = h.lin(node.iter, top=True)
        clone = copy.copy(node)
        clone.iter = items
        return list(fc.block(before)) + fc.stmt(_mark(clone, h))
    if isinstance(node, ast.Raise) and h.has_call(node.exc) and not h.has_call(node.cause):
        if h.is_task_call(node.exc) or not isinstance(node.exc, ast.Call):
            return None  # not an exception class: stmt_Raise says so
        before, exc = h.lin_operands(node.exc)
        return list(fc.block(before)) + fc.stmt(_mark(ast.copy_location(ast.Raise(exc, node.cause), node), h))
    return None  # (a callee's result as a cause is refused by stmt_Raise: CPython raises TypeError)


def while_statement(fc, h: Hoister, node: ast.While) -> ir.While:
    """The test's Tasks are the loop's ``setup``: they run before every test, as in CPython."""
    from pysfn.compiler.history import warn_if_unbounded
    before, test_ast = h.lin(node.test)
    h.check_moved(test_ast)
    setup = fc.block(before)
    try:
        test = fc.condition(test_ast)
    except NotLowerable as e:  # the rest of the test has no JSONata form: extracted, after the Tasks
        extracted, name = fc.extract(test_ast, e.reason, truth=True)
        setup += tuple(extracted)
        test = fc.condition(name)
    fc.loops += 1
    try:
        body = fc.block(node.body)
    finally:
        fc.loops -= 1
    warn_if_unbounded(fc.rep, node, tuple(setup) + body)
    return ir.While(test, body, fc.block(node.orelse), fc.loc(node), setup=tuple(setup))


# ---------------------------------------------------------------------- comprehensions as Maps with a body

def map_statement(fc, h: Hoister, node: ast.stmt) -> list[ir.Stmt]:
    """``x = [g(f(i)) for i in items if p(i)]``: a Map whose iteration runs the Tasks."""
    comp = node.value
    loc = fc.loc(node)
    filtered = any(h.has_call(c) for c in comp.generators[0].ifs)
    mapped = map_with_body(fc, h, comp, filtered)
    if not filtered and isinstance(comp, ast.ListComp):
        if isinstance(node, ast.Return):
            return [ir.Return(mapped, loc)]
        if isinstance(node, ast.Expr):
            return [ir.Effect(mapped, loc)]
        return [ir.Assign((lookup_target(fc, node),), mapped, loc)]
    # the iteration gave [keep, value] (a filter), [key, value] (a dict) or [keep, key, value]
    pairs = h.temp(comp, "mapped")
    out = [ir.Assign((pairs,), mapped, loc)]
    p = h.temp(comp, "pair")
    item = lambda i: ast.copy_location(ast.Subscript(h.load(p, comp), ast.Constant(i), ast.Load()), comp)  # noqa: E731
    offset = 1 if filtered else 0
    ifs = [item(0)] if filtered else []
    gen = ast.comprehension(ast.Name(p, ast.Store()), h.load(pairs, comp), ifs, 0)
    if isinstance(comp, ast.DictComp):
        rest = ast.DictComp(item(offset), item(offset + 1), [gen])
    else:
        rest = ast.ListComp(item(offset), [gen])
    ast.copy_location(rest, comp)
    ast.fix_missing_locations(rest)
    clone = copy.copy(node)
    clone.value = rest
    if isinstance(node, ast.Expr):
        return out
    return out + fc.stmt(_mark(clone, h))


def lookup_target(fc, node: ast.Assign) -> str:
    target = node.targets[0]
    if len(node.targets) != 1 or not isinstance(target, ast.Name):
        raise fc.rep.error(target, "assign a comprehension that calls callees to a plain name",
                           "items = [f(x) for x in xs]")
    return fc.scope.lookup(target.id)


def map_with_body(fc, h: Hoister, comp, filtered: bool) -> ir.MapCall:
    gen = comp.generators[0]
    before: list[ir.Stmt] = []
    iteration = fc.iteration(gen.iter, before)
    if before or iteration.kind not in ("values", "range"):
        raise fc.rep.error(gen.iter, "these items cannot feed a Map state",
                           "store them in a variable first: items = ...; [f(x) for x in items]")
    at = comp
    # what an iteration returns: the element; [key, value] for a dict; [True, ...] first if kept
    parts = [comp.elt] if isinstance(comp, ast.ListComp) else [comp.key, comp.value]
    var = fc.scope.hidden("item")
    name = gen.target.id
    saved = fc.scope.vars.get(name)
    fc.scope.vars[name] = var  # the item, a variable of the Map iteration's own scope
    try:
        conditions: tuple[ir.Expr, ...] = ()
        if filtered:
            keep = ast.Return(ast.List([ast.Constant(True)] + parts, ast.Load()))
            inner: ast.stmt = ast.copy_location(keep, at)
            for c in reversed(gen.ifs):
                inner = ast.copy_location(ast.If(c, [inner], []), c)
            body_ast = [inner, ast.copy_location(ast.Return(ast.List([ast.Constant(False), ast.Constant(None)],
                                                                       ast.Load())), at)]
        else:
            conditions = tuple(fc.condition(c) for c in gen.ifs)
            element = parts[0] if len(parts) == 1 else ast.copy_location(ast.List(parts, ast.Load()), comp)
            body_ast = [ast.copy_location(ast.Return(element), at)]
        for stmt in body_ast:
            ast.fix_missing_locations(stmt)
        body = fc.block(body_ast)
    finally:
        if saved is None:
            del fc.scope.vars[name]
        else:
            fc.scope.vars[name] = saved
    return ir.MapCall(None, var, iteration, conditions, 0, fc.loc(comp), body=body)


def is_builtin(name: str) -> bool:
    return hasattr(builtins, name)
