"""A small ``for`` loop that only computes, as one JSONata expression: one state for the whole loop.

Standard workflows bill every state entered. A loop whose body assigns variables, tests,
``continue``s and ``break``s -- and nothing else: no callee, no wait, no ``return`` or
``raise``, no ``try`` -- has no effect but the values it leaves, so the whole loop is one
``$reduce`` over the item positions, carrying the loop's variables in an object::

    $reduce([0..$count($items) - 1], function($s, $i) {
        $lookup($s, "pysfn__c") = 2 ? $s         /* after a break: the rest is skipped */
        : ($total := $lookup($s, "total"); $x := $items[$i]; ...body...;
           {"total": $total, "x": $x, "pysfn__c": 0})
    }, {"total": $total, "pysfn__c": 0})

The body's statements become nested JSONata blocks (``$v := ...; rest``); an ``if`` computes
the object of the variables its branches assign (and whether one of them left the iteration by
``continue``/``break``: the flag ``pysfn__c`` 1/2), so the code after it sees the new values.
The loop's ``else`` runs on the result unless the flag says it broke. The values are exactly the ones the states would have computed: the
expressions are the same text (``jsonata.expression``), evaluated in the same order.

When it is done (``fold_plan``): a loop is folded only when every variable it assigns that is
read anywhere outside it (``needed``) is certainly assigned before it -- after zero iterations
the machine must still hold a value for it (an undefined Assign fails on AWS), as Python does.
Reads of a name inside another ``for`` that binds it do not count. A failing expression fails
the one state with the same error and message (the machine stops either way: fallible
expressions inside a catching ``try`` are extracted, compiler/fallible.py). The body holds no
loop of its own (its items would multiply the bound below). Several variables needed after it:
the result object goes into a hidden variable, and a Pass assigns its fields (two transitions).

One evaluation must stay within AWS's one second per expression: the lowering puts a Choice
before the loop's states whose first rule -- at most ``MAX_ITEMS`` items -- assigns the loop's
result in its ``Assign`` and goes on after the loop (one transition for the whole loop), while
its Default enters the loop's states as before.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from pysfn.compiler import ir
from pysfn.compiler.jsonata import T, expression, literal, truthy
from pysfn.compiler.loops import loop_text_parts

FLAG = "pysfn__c"
# A folded loop is one JSONata evaluation, and AWS stops an expression after one second (so does
# pysfn.local): the folded form runs only for this many items at most (a Choice checks the count
# first), larger ones walk the states. Measured in jsonata-python, the slower engine: 50 items of
# a body appending to a list and adding take about 0.05 s; 500 took over a second.
MAX_ITEMS = 50  # 0: the body fell through, 1: continue, 2: break (a key no user variable has)
_CALLS = (ir.CalleeCall, ir.ParallelCall, ir.MapCall)


@dataclass(frozen=True)
class Fold:
    """A loop to fold: the variables it carries, and those read after it (assigned by its state)."""
    carried: tuple[str, ...]
    needed: tuple[str, ...]


# --------------------------------------------------------------------------- which loops

def is_pure(stmts, in_loop: bool) -> bool:
    """Only assignments of expressions and ``if``; ``break``/``continue`` only where they belong
    to the loop being folded (``in_loop``: not in its ``else``). No loop inside, not even a
    comprehension: its items would multiply the gate's bound on the work of one evaluation."""
    for s in stmts:
        if isinstance(s, ir.Rebind) and not any(_iterates(v) for _, v in s.targets):
            continue
        if isinstance(s, ir.Assign) and not isinstance(s.value, _CALLS) and len(s.targets) == 1 \
                and not s.unpack and not _iterates(s.value):
            continue
        if isinstance(s, (ir.Break, ir.Continue)) and in_loop:
            continue
        if isinstance(s, ir.If) and not any(_iterates(t) for t, _ in s.tests) \
                and all(is_pure(b, in_loop) for _, b in s.tests) and is_pure(s.orelse, in_loop):
            continue
        return False
    return True


def _iterates(e) -> bool:
    """Whether the expression holds a comprehension."""
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, ir.Comprehension):
            return True
        if isinstance(node, tuple):
            stack.extend(node)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            stack.extend(getattr(node, f.name) for f in dataclasses.fields(node))
    return False


def assigned(stmts) -> list[str]:
    """The variables the statements assign (nested blocks and loops included), in order."""
    out: dict[str, None] = {}
    for s in stmts:
        if isinstance(s, ir.Rebind):
            out.update((t, None) for t, _ in s.targets)
        elif isinstance(s, ir.Assign):
            out.update((t, None) for t in s.targets)
        elif isinstance(s, ir.If):
            for _, body in s.tests:
                out.update((v, None) for v in assigned(body))
            out.update((v, None) for v in assigned(s.orelse))
        elif isinstance(s, ir.For):
            out.update((t, None) for t in s.targets)
            out.update((v, None) for v in assigned(s.body) + assigned(s.orelse))
    return list(out)


def fold_plan(wf: ir.Workflow) -> dict[int, Fold]:
    """The loops of ``wf`` to fold, by ``id`` of their ``ir.For``."""
    reads: list[tuple[str, tuple[int, ...]]] = []  # each uncovered read, with the loops around it
    _collect_reads(wf.body, (), frozenset(), reads)
    total: dict[str, int] = {}
    inside: dict[int, dict[str, int]] = {}  # per loop: its reads of each name
    for name, around in reads:
        total[name] = total.get(name, 0) + 1
        for loop in around:
            counts = inside.setdefault(loop, {})
            counts[name] = counts.get(name, 0) + 1
    before: dict[int, frozenset] = {}
    _definite(wf.body, set(p.var for p in wf.params), before)
    plan: dict[int, Fold] = {}
    for loop, defined in _loops_with_before(wf.body, before):
        if not (is_pure(loop.body, True) and is_pure(loop.orelse, False)):
            continue
        carried = tuple(dict.fromkeys(list(loop.targets) + assigned(loop.body) + assigned(loop.orelse)))
        own = inside.get(id(loop), {})
        needed = tuple(v for v in carried if total.get(v, 0) > own.get(v, 0))  # read outside the loop
        if all(v in defined for v in needed):
            plan[id(loop)] = Fold(carried, needed)
    return plan


def _loops_with_before(stmts, before):
    """Every ``for`` (not inside another pure one: those fold with it), with what is assigned before."""
    for s in stmts:
        if isinstance(s, ir.For):
            yield s, before.get(id(s), frozenset())
            if is_pure(s.body, True) and is_pure(s.orelse, False):
                continue
        for child in _child_blocks(s):
            yield from _loops_with_before(child, before)


def _child_blocks(s):
    if isinstance(s, ir.If):
        return [b for _, b in s.tests] + [s.orelse]
    if isinstance(s, (ir.For, ir.While)):
        return [s.body, s.orelse] + ([s.setup] if isinstance(s, ir.While) else [])
    if isinstance(s, ir.Try):
        return [s.body, s.orelse] + [h.body for h in s.handlers]
    if isinstance(s, ir.TryFinally):
        return [s.body, s.final]
    if isinstance(s, (ir.Assign, ir.Effect)):
        if isinstance(s.value, ir.ParallelCall):
            return [b.body for b in s.value.branches]
        if isinstance(s.value, ir.MapCall):
            return [s.value.body, s.value.setup]
    return []


def _definite(stmts, defined: set, before: dict) -> set:
    """What is certainly assigned after ``stmts`` (a conservative walk, changing ``defined``);
    records what is before each loop."""
    for s in stmts:
        if isinstance(s, ir.Rebind):
            defined.update(t for t, _ in s.targets)
        elif isinstance(s, ir.Assign):
            for child in _child_blocks(s):
                _definite(child, set(), before)  # a branch or an iteration: its own scope
            defined.update(s.targets)
        elif isinstance(s, ir.If):
            ends = [_definite(b, set(defined), before) for _, b in s.tests] + [_definite(s.orelse, set(defined), before)]
            defined.intersection_update(*ends)
        elif isinstance(s, ir.For):
            before[id(s)] = frozenset(defined)
            _definite(s.body, defined | set(s.targets), before)
            _definite(s.orelse, set(defined), before)
        else:
            for child in _child_blocks(s):
                _definite(child, set(defined), before)
    return defined


def _collect_reads(node, around: tuple[int, ...], covered: frozenset, out: list) -> None:
    """Every variable read, with the loops around the read; a read of a name a surrounding loop
    binds (in its body) is covered by that loop and not collected."""
    if isinstance(node, ir.For):
        for a in node.iteration.args:
            _collect_reads(a, around, covered, out)
        inside = around + (id(node),)
        for s in node.body:
            _collect_reads(s, inside, covered | set(node.targets), out)
        for s in node.orelse:
            _collect_reads(s, inside, covered, out)
        return
    if isinstance(node, ir.Var):
        if node.name not in covered:
            out.append((node.name, around))
        return
    if isinstance(node, (ir.ErrorMessage, ir.Reraise)):
        out.append((node.var, around))
        return
    if isinstance(node, tuple):
        for item in node:
            _collect_reads(item, around, covered, out)
        return
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, (tuple, ir.For)) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
                _collect_reads(value, around, covered, out)


# --------------------------------------------------------------------------- the expression

class _Text:
    """JSONata for the statements of a folded loop; ``n`` numbers the hidden block names."""

    def __init__(self) -> None:
        self.n = 0

    def fresh(self, kind: str) -> str:
        self.n += 1
        return f"{T}{kind}{self.n}"

    def loop(self, stmt: ir.For, carried: tuple[str, ...]) -> str:
        """The object of ``carried`` (and the flag) after the whole loop, ``else`` included."""
        setup, count, bind = loop_text_parts(stmt)
        s, i = self.fresh("s"), self.fresh("i")
        restore = [f"${v} := $lookup({s}, {literal(v)})" for v in carried]
        binding = [f"${stmt.index} := {i}"] + [f"${t} := {text}" for t, text in bind.items()]
        body = self.block(stmt.body, carried)
        step = (f"function({s}, {i}) {{ $lookup({s}, {literal(FLAG)}) = 2 ? {s} "
                f": ({'; '.join(restore + binding)}; {body}) }}")
        start = [f"${name} := {text}" for name, text in setup.items()]
        result = self.fresh("r")
        walked = f"{result} := $reduce([0..{count} - 1], {step}, {self.env(carried, '0')})"
        if not stmt.orelse:
            return f"({'; '.join(start + [walked, result])})"
        restore = [f"${v} := $lookup({result}, {literal(v)})" for v in carried]
        orelse = f"({'; '.join(restore)}; {self.block(stmt.orelse, carried)})"
        return f"({'; '.join(start + [walked])}; $lookup({result}, {literal(FLAG)}) = 2 ? {result} : {orelse})"

    @staticmethod
    def env(names, flag: str) -> str:
        fields = [f"{literal(v)}: ${v}" for v in names] + [f"{literal(FLAG)}: {flag}"]
        return "{" + ", ".join(fields) + "}"

    def block(self, stmts, names: tuple[str, ...]) -> str:
        """Run ``stmts``, then give the object of ``names`` and how the block ended."""
        parts: list[str] = []
        for k, s in enumerate(stmts):
            if isinstance(s, ir.Continue):
                return self._seq(parts, self.env(names, "1"))
            if isinstance(s, ir.Break):
                return self._seq(parts, self.env(names, "2"))
            if isinstance(s, ir.Rebind):
                if len(s.targets) == 1:
                    (t, v), = s.targets
                    parts.append(f"${t} := {expression(v)}")
                else:  # all values from before the statement, then the names
                    temps = [self.fresh("m") for _ in s.targets]
                    parts += [f"{tmp} := {expression(v)}" for tmp, (_, v) in zip(temps, s.targets)]
                    parts += [f"${t} := {tmp}" for tmp, (t, _) in zip(temps, s.targets)]
            elif isinstance(s, ir.Assign):
                parts.append(f"${s.targets[0]} := {expression(s.value)}")
            elif isinstance(s, ir.If):  # (is_pure allows no other statement)
                inner = tuple(assigned([s]))
                result = self.fresh("e")
                text = self.block(s.orelse, inner)
                for test, body in reversed(s.tests):
                    text = f"{truthy(test)} ? {self.block(body, inner)} : {text}"
                parts.append(f"{result} := ({text})")
                parts += [f"${v} := $lookup({result}, {literal(v)})" for v in inner]
                if _leaves(s):
                    rest = self.block(stmts[k + 1:], names)
                    left = self.env(names, f"$lookup({result}, {literal(FLAG)})")
                    return self._seq(parts, f"$lookup({result}, {literal(FLAG)}) != 0 ? {left} : {rest}")
        return self._seq(parts, self.env(names, "0"))

    @staticmethod
    def _seq(parts: list[str], last: str) -> str:
        return "(" + "; ".join(parts + [last]) + ")" if parts else f"({last})"


def _leaves(s: ir.If) -> bool:
    """Whether a branch of the ``if`` can ``continue``/``break`` the loop."""
    def block(stmts):
        return any(isinstance(x, (ir.Break, ir.Continue)) or (isinstance(x, ir.If) and _leaves(x)) for x in stmts)
    return any(block(b) for _, b in s.tests) or block(s.orelse)


def loop_expression(stmt: ir.For, fold: Fold) -> str:
    """The JSONata text whose value is the object of the loop's variables after it."""
    return _Text().loop(stmt, fold.carried)


def static_count(stmt: ir.For) -> int | None:
    """How many items the loop walks, when the source says it (a literal list or str, a range
    of int literals)."""
    it = stmt.iteration
    if it.kind == "values" and isinstance(it.args[0], ir.ListOf):
        return len(it.args[0].items)
    if it.kind == "values" and isinstance(it.args[0], ir.Const) and isinstance(it.args[0].value, (list, str)):
        return len(it.args[0].value)
    if it.kind == "range" and all(isinstance(a, ir.Const) and type(a.value) is int for a in it.args):
        start, stop, step = (a.value for a in it.args)
        return len(range(start, stop, step)) if step else None
    return None


def small_enough(stmt: ir.For) -> str:
    """The gate: JSONata that is true when the loop walks at most ``MAX_ITEMS`` items."""
    setup, count, _ = loop_text_parts(stmt)
    bindings = [f"${name} := {text}" for name, text in setup.items()]
    return f"({'; '.join(bindings + [count])}) <= {MAX_ITEMS}"
