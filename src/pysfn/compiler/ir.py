"""The intermediate representation: what the front end makes of a workflow function.

The IR is a small structured tree, close to Python but with every name resolved: a
variable is a Step Functions variable (already renamed where ASL needs it), a call is a
call of a known callee, an exception is the set of ASL error names that matches it.
The back end (``lower``) turns it into states; ``jsonata`` turns its expressions into
JSONata text. Every node carries the ``Loc`` it came from, so states can be traced back
to source lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from pysfn.compiler.diagnostics import Loc


# --------------------------------------------------------------------------- expressions

@dataclass(frozen=True)
class Const:
    """A JSON literal (None, bool, int, float, str, and lists/dicts of them)."""
    value: Any
    loc: Loc


@dataclass(frozen=True)
class Var:
    """A Step Functions variable (a Python local or parameter), by its ASL name."""
    name: str
    loc: Loc


@dataclass(frozen=True)
class Subscript:
    """``value[index]`` with Python's meaning: dict key, list index, string index."""
    value: "Expr"
    index: "Expr"
    loc: Loc


@dataclass(frozen=True)
class ListOf:
    items: tuple["Expr", ...]
    loc: Loc


@dataclass(frozen=True)
class DictOf:
    keys: tuple[str, ...]
    values: tuple["Expr", ...]
    loc: Loc


@dataclass(frozen=True)
class Compare:
    """A binary comparison; ``op`` is one of == != < <= > >= in, not in, is, is not."""
    op: str
    left: "Expr"
    right: "Expr"
    loc: Loc


@dataclass(frozen=True)
class BoolOp:
    """``and`` / ``or`` over two or more operands."""
    op: str
    values: tuple["Expr", ...]
    loc: Loc


@dataclass(frozen=True)
class Not:
    operand: "Expr"
    loc: Loc


@dataclass(frozen=True)
class AslTest:
    """``PSF.StringEquals(a, b)`` and the other ASL comparison helpers."""
    name: str
    args: tuple["Expr", ...]
    loc: Loc


@dataclass(frozen=True)
class ExactText:
    """Whether ``str(value)`` has an exact JSONata form at run time: the value is a str, a bool,
    None or an int (a plain whole JSON number: whole floats are tagged, numbers.py). The test
    of a guarded statement (compiler/guards.py)."""
    value: "Expr"
    loc: Loc


@dataclass(frozen=True)
class ErrorMessage:
    """``str(e)`` of an exception bound by ``except ... as e``."""
    var: str
    loc: Loc


@dataclass(frozen=True)
class Op:
    """A Python operation by name (``+``, ``//``, ``len``, ``upper``...: ``jsonata_ops.OPS``)."""
    name: str
    args: tuple["Expr", ...]
    loc: Loc


@dataclass(frozen=True)
class IfExp:
    """``body if test else orelse``."""
    test: "Expr"
    body: "Expr"
    orelse: "Expr"
    loc: Loc


@dataclass(frozen=True)
class Pick:
    """``a or b`` / ``a and b`` as values: the operand that decides, as Python returns it."""
    op: str
    values: tuple["Expr", ...]
    loc: Loc


@dataclass(frozen=True)
class Comprehension:
    """``[element for var in iterable if ...]`` (``key`` set: a dict comprehension)."""
    var: str                  # the JSONata parameter the variable is bound to
    iterable: "Expr"
    element: "Expr"
    conditions: tuple["Expr", ...]
    loc: Loc
    key: "Expr | None" = None


Expr = Union[Const, Var, Subscript, ListOf, DictOf, Compare, BoolOp, Not, AslTest, ExactText, ErrorMessage, Op,
             IfExp, Pick, Comprehension]

# Expressions whose value is always a bool (so a condition needs no truthiness test).
BOOLEAN_EXPRS = (Compare, BoolOp, Not, AslTest, ExactText)


# --------------------------------------------------------------------------- calls

@dataclass(frozen=True)
class Retrier:
    """One ASL retrier: error names (already expanded to subclasses) and back-off."""
    errors: tuple[str, ...]
    interval: int = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay: int | None = None     # MaxDelaySeconds
    jitter: str | None = None        # JitterStrategy: FULL or NONE


@dataclass(frozen=True)
class ServiceTarget:
    """The AWS service an ``aws.CLIENT.METHOD(...)`` call reaches (compiler/integrations.py)."""
    client: str        # boto3 client name: dynamodb
    method: str        # boto3 method name: put_item
    resource: str      # the Task's Resource: arn:aws:states:::dynamodb:putItem
    iam_action: str    # what the machine's role must allow: dynamodb:PutItem
    optimized: bool    # an optimized integration (else aws-sdk:...)
    # where the response holds floats (botocore's double/float members), as a contract spec for
    # numbers.as_declared: JSON reads a whole 2.0 as 2, boto3 natively gives the float 2.0
    result_floats: tuple | None = None


@dataclass(frozen=True)
class CallbackWait:
    """``PSF.wait_for_callback(...)``: the Task waits for the token's answer (compiler/callbacks.py)."""
    timeout: int | None      # TimeoutSeconds
    heartbeat: int | None    # HeartbeatSeconds


@dataclass(frozen=True)
class ChildTarget:
    """Another pysfn workflow's entry, called from this one (compiler/children.py): a Task
    ``states:startExecution.sync:2`` that waits for the child execution's result."""
    module: str                 # the child's module name: orders_child
    entry: str                  # its @PSF.main function: charge
    path: str                   # its source file, to compile and deploy it first
    arn: str                    # the StateMachineArn the Task names: ${ChildStateMachineArn_orders_child}
    result_spec: tuple | None   # the child's return annotation (contract spec): floats made floats again
    loc: Loc | None = None      # the (first) call, for errors about the child
    params: tuple = ()          # (name, contract spec) of its parameters, in order (its input check)


@dataclass(frozen=True)
class CalleeCall:
    """A call of a callee: one Task state invoking the dispatcher Lambda (or, with ``service``,
    the AWS service itself)."""
    callee: str
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    retriers: tuple[Retrier, ...]
    loc: Loc
    extracted: bool = False  # a function generated by extraction (compiler/extraction.py)
    timeout: int | None = None  # TimeoutSeconds (@PSF.timeout on the callee)
    service: ServiceTarget | None = None  # aws.CLIENT.METHOD(...): a service integration, no Lambda
    callback: CallbackWait | None = None  # PSF.wait_for_callback(callee, ...): args exclude the token
    child: ChildTarget | None = None      # another workflow's entry: a child execution (kwargs by name)


@dataclass(frozen=True)
class Branch:
    """A zero-argument nested def run as one branch of a Parallel state."""
    name: str
    body: tuple["Stmt", ...]
    loc: Loc


@dataclass(frozen=True)
class ParallelCall:
    branches: tuple[Branch, ...]
    loc: Loc


Call = Union[CalleeCall, ParallelCall, "MapCall"]


# --------------------------------------------------------------------------- statements

@dataclass(frozen=True)
class Assign:
    """``x = call`` or, with several targets, ``a, b = call`` (unpacking)."""
    targets: tuple[str, ...]
    value: Call
    loc: Loc
    unpack: bool = False


@dataclass(frozen=True)
class Effect:
    """A call made for its side effect only."""
    value: Call
    loc: Loc


@dataclass(frozen=True)
class If:
    """``if/elif/.../else``: one Choice state with a rule per test."""
    tests: tuple[tuple[Expr, tuple["Stmt", ...]], ...]
    orelse: tuple["Stmt", ...]
    loc: Loc


@dataclass(frozen=True)
class ErrorSet:
    """What an ``except`` clause catches, as ASL error names.

    ``names`` is the subclass closure of the caught classes; ``catch_all`` is set for
    ``Exception``/``BaseException`` (ASL's ``States.ALL``: a callee may raise classes the
    compiler cannot see).
    """
    names: tuple[str, ...]
    catch_all: bool = False

    def matches(self, class_name: str) -> bool:
        return self.catch_all or class_name in self.names


@dataclass(frozen=True)
class Handler:
    errors: ErrorSet
    var: str | None
    body: tuple["Stmt", ...]
    loc: Loc


@dataclass(frozen=True)
class Try:
    """``try: body except...: ... else: orelse`` (``finally`` wraps it in a ``TryFinally``)."""
    body: tuple["Stmt", ...]
    handlers: tuple[Handler, ...]
    loc: Loc
    orelse: tuple["Stmt", ...] = ()


@dataclass(frozen=True)
class Raise:
    """``raise PSF.Fail(error, cause)`` or ``raise SomeError(msg)``.

    ``class_name`` is the Python class raised ("Fail" for PSF.Fail), which decides
    statically which enclosing ``except`` catches it.
    """
    class_name: str
    error: Expr
    cause: Expr
    loc: Loc


@dataclass(frozen=True)
class Return:
    """``return``; the value may be a call, whose state then ends the machine itself."""
    value: "Expr | Call | None"
    loc: Loc


@dataclass(frozen=True)
class Change:
    """The new value of a container changed in place: ``d[k] = v`` is ``d = Change("setitem",
    d, (k, v))``. ``op`` is a list/dict method name or setitem/delitem; ``popped`` and
    ``unpack`` give a value instead (what ``xs.pop()`` returns; item ``k`` of ``a, b = v``)."""
    op: str
    target: Expr
    args: tuple[Expr, ...]
    loc: Loc


@dataclass(frozen=True)
class Rebind:
    """``x = expr`` for an expression the state machine evaluates (also ``x += 1``,
    ``d[k] = v``, ``xs.append(v)``: values are JSON, so a change in place is a new value
    for the variable). Several targets are assigned at once, from the values before."""
    targets: tuple[tuple[str, Expr], ...]
    loc: Loc


@dataclass(frozen=True)
class Iteration:
    """How a ``for`` loop walks its iterable, evaluated once before the first iteration.

    ``kind`` is ``"range"`` (``args`` = start, stop, step), ``"items"`` (``d.items()``:
    key and value), ``"enumerate"`` (``args`` = iterable, start) or ``"values"`` (a list,
    the keys of a dict, the characters of a str: Python's iteration of the value).
    """
    kind: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class For:
    """``for targets in iteration: body else: orelse``.

    ``items``/``index`` are hidden variables: the snapshot of what is iterated and the
    position, so rebinding the loop variable in the body does not change the iteration.
    ``unpack`` is set when the element itself is unpacked into several targets.
    """
    targets: tuple[str, ...]
    iteration: Iteration
    body: tuple["Stmt", ...]
    orelse: tuple["Stmt", ...]
    items: str
    index: str
    loc: Loc
    unpack: bool = False


@dataclass(frozen=True)
class While:
    """``while test: body else: orelse``; ``setup`` runs before every test (an extracted test)."""
    test: Expr
    body: tuple["Stmt", ...]
    orelse: tuple["Stmt", ...]
    loc: Loc
    setup: tuple["Stmt", ...] = ()


@dataclass(frozen=True)
class Break:
    loc: Loc


@dataclass(frozen=True)
class Continue:
    loc: Loc


@dataclass(frozen=True)
class Reraise:
    """A bare ``raise`` in an ``except`` block: the caught error again, name and message."""
    var: str
    loc: Loc


@dataclass(frozen=True)
class TryFinally:
    """``try: body [except...] [else:] finally: final`` (handlers and else as in ``Try``).

    ``error`` and ``value`` are hidden variables: the error being propagated through
    ``final``, and the value of a ``return`` that has to wait for ``final`` to run.
    """
    body: tuple["Stmt", ...]
    final: tuple["Stmt", ...]
    error: str
    value: str
    loc: Loc


@dataclass(frozen=True)
class Wait:
    """``PSF.wait(seconds)`` / ``time.sleep(seconds)`` or ``PSF.wait(until=timestamp)``."""
    seconds: Expr | None
    until: Expr | None
    loc: Loc


Stmt = Union[Assign, Effect, If, Try, Raise, Return, Rebind, For, While, Break, Continue, Reraise,
             TryFinally, Wait]


# --------------------------------------------------------------------------- the whole function

@dataclass(frozen=True)
class Param:
    """An entry parameter: the key of the execution input it is read from."""
    name: str          # the Python name = the input key
    var: str           # the ASL variable it is assigned to
    default: Const | None
    loc: Loc
    spec: tuple | None = None  # the annotation to check the input against (compiler/signature.py)


@dataclass
class Workflow:
    """A compiled entry function: parameters, body, and what the package must contain."""
    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    loc: Loc
    callees: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------- fan-out (compiler/fanout.py)

@dataclass(frozen=True)
class MapCall:
    """``[call for item in items if conditions]`` / ``PSF.map``: an inline Map state.

    ``call`` reads the item as the variable ``item`` (assigned first in each iteration);
    ``items`` is walked like a ``for`` loop's iterable (kind "values" or "range").
    """
    call: CalleeCall | None
    item: str
    items: Iteration
    conditions: tuple[Expr, ...]
    max_concurrency: int
    loc: Loc
    mode: str = "INLINE"  # or DISTRIBUTED: child executions, which see no outer variable
    # set instead of ``call`` (compiler/hoisting.py): the iteration runs these statements, whose
    # ``Return`` gives the item's result (an element calling several callees, a filter calling one)
    body: tuple["Stmt", ...] = ()
    setup: tuple["Stmt", ...] = ()  # computes the items first (extracted: zip, sorted...)
    unpack: tuple[str, ...] = ()    # `for a, b in pairs`: variables bound to the item's parts
