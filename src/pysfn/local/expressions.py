"""JSONata in Step Functions: expressions, JSON templates, and the functions AWS adds.

An *expression* is the text of a whole-string ``"{% ... %}"``; a *template* is any JSON value of a
field (``Arguments``, ``Output``, an ``Assign`` value, ...) whose strings may be expressions,
nested in objects and arrays at any depth. Other strings are literals.

Evaluation goes through jsonata-python's public API: ``Jsonata(text)`` parses once (cached here by
expression text, since parsing costs more than evaluating), ``register_lambda`` adds the Step
Functions functions to the parsed expression's own environment (never to jsonata-python's global
frame, which the oracle shares in-process), and ``evaluate(None, bindings)`` binds the variables
the expression mentions plus ``$states``. No JSON text is pasted into expressions.

Values. JSONata null is ``Utils.NULL_VALUE`` in jsonata-python and *undefined* is ``None``, so a
variable holding JSON null is bound as ``NULL_VALUE`` and results are converted back to plain JSON
(fresh ``dict``/``list``, ``None`` for null) by ``to_json``.

Numbers (measured with jsonata-python 0.7.1): a value that passes through unchanged keeps its
Python type (``$x`` with ``$x = 2.0`` gives ``2.0``; literals in templates are not touched), but
jsonata-python normalises the result of arithmetic and of numeric functions to ``int`` when it is
integral (``$x + 0`` gives ``2``, ``$sum([1.5, 2.5])`` gives ``4``, ``4/2`` gives ``2``, ``3/2``
gives ``1.5``). JSON has one number type, so ``2`` and ``2.0`` are the same value on AWS; only a
Python consumer comparing types would notice.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import threading
import uuid
from typing import Any, Callable

from jsonata import Jsonata
from jsonata.utils import Utils

from .aws_jsonata import DOUBLE_INTEGERS, builtin_replacement, number_out, parse_program, to_engine
from .errors import QUERY_EVALUATION_ERROR, InvalidDefinition, StatesError, decorate
from .limits import bounded_regex_engine, check_range_size, evaluation_hook, guarded_functions

NULL = Utils.NULL_VALUE
_NAME = re.compile(r"\$(\w+)")          # the names an expression may read (a superset is harmless)
_VARIABLE = re.compile(r"^\$\w+$")       # a bare variable reference


class ExpressionError(Exception):
    """An expression failed: the message (for the Cause) without the state decoration."""


class UnsupportedResult(ExpressionError):
    """An expression gave a value JSON cannot hold (a function)."""


# ---------------------------------------------------------------------------------------------
# Values crossing the boundary with jsonata-python

def to_json(value: Any) -> Any:
    """A JSONata result as plain JSON: fresh containers, null as ``None``, a non-finite double as
    AWS writes it ("Infinity", ...). Raises ``ExpressionError`` for a function or another value
    JSON cannot hold."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        return value if math.isfinite(value) and abs(value) < DOUBLE_INTEGERS else number_out(value)
    if kind is dict:
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if value is None or value is NULL:
        return None
    raise UnsupportedResult(f"returned an unsupported result type ({kind.__name__})")


def to_jsonata(value: Any) -> Any:
    """A JSON value as the engine reads it (``aws_jsonata.to_engine``: nulls, big integers)."""
    return to_engine(value)


def _argument(value: Any) -> Any:
    """An argument received by a Step Functions function: undefined stays ``None``."""
    return None if value is None else to_json(value)


# ---------------------------------------------------------------------------------------------
# The functions Step Functions adds to JSONata

def _sfn_partition(array=None, size=None):
    array, size = _argument(array), _argument(size)
    if not isinstance(array, list):
        raise ExpressionError("$partition: the first argument must be an array")
    if isinstance(size, bool) or not isinstance(size, (int, float)) or size != int(size) or size < 1:
        raise ExpressionError("$partition: the chunk size must be a positive integer")
    size = int(size)
    return [array[i:i + size] for i in range(0, len(array), size)]


def _sfn_range(start=None, end=None, step=None):
    start, end, step = _argument(start), _argument(end), _argument(step)
    step = 1 if step is None else step
    for name, number in (("start", start), ("end", end), ("step", step)):
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ExpressionError(f"$range: {name} must be a number")
    if step == 0:
        raise ExpressionError("$range: step must not be 0")
    check_range_size(start, end, step, ExpressionError)  # before allocating (limits.py)
    values, i = [], 0
    while True:  # start + i*step, not repeated addition: no drift with fractional steps
        value = start + i * step
        if (step > 0 and value > end) or (step < 0 and value < end):
            # the corpus measurement: AWS gives a range of one number as the number itself
            # (a JSONata sequence of one item), not a one-item array
            return values[0] if len(values) == 1 else values
        values.append(value)
        i += 1


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


def _sfn_hash(value=None, algorithm=None):
    value, algorithm = _argument(value), _argument(algorithm)
    if not isinstance(value, str):
        raise ExpressionError("$hash: the value to hash must be a string")
    if algorithm not in _HASHES:
        raise ExpressionError(f"$hash: the algorithm must be one of {', '.join(_HASHES)}, not {json.dumps(algorithm)}")
    return hashlib.new(_HASHES[algorithm], value.encode("utf-8")).hexdigest()


def _sfn_random(seed=None):
    seed = _argument(seed)
    if seed is None:
        return random.random()
    if isinstance(seed, bool) or not isinstance(seed, (int, float)):
        raise ExpressionError("$random: the seed must be a number")
    return random.Random(seed).random()


def _sfn_uuid():
    return str(uuid.uuid4())


def _sfn_parse(text=None):
    """AWS-MEASURED: "$parse refuses NaN/Infinity, numbers past the double range and repeated keys,
    but reads single-quoted strings"."""
    text = _argument(text)
    if not isinstance(text, str):
        raise ExpressionError("$parse: the argument must be a string")
    try:
        return json.loads(_double_quoted(text), parse_constant=_refuse_constant, object_pairs_hook=_unique_keys,
                          parse_float=_finite_float, parse_int=_finite_int)
    except ValueError as e:
        raise ExpressionError(f"$parse: the string is not valid JSON ({e})") from None


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {json.dumps(key)} is repeated")
        result[key] = value
    return result


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is past the range of a double")
    return value


def _finite_int(text):
    value = int(text)
    if abs(value) > DOUBLE_INTEGERS and not math.isfinite(float(text)):
        raise ValueError(f"{text} is past the range of a double")
    return value


def _double_quoted(text: str) -> str:
    """JSON text with its single-quoted strings rewritten as double-quoted ones."""
    if "'" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == '"':  # copy a double-quoted string as it is
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "'":
            j, chars = i + 1, []
            while j < len(text) and text[j] != "'":
                if text[j] == "\\" and j + 1 < len(text):
                    chars.append(text[j:j + 2] if text[j + 1] != "'" else "'")
                    j += 2
                    continue
                chars.append('\\"' if text[j] == '"' else text[j])
                j += 1
            out.append('"' + "".join(chars) + '"')
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


STEP_FUNCTIONS_FUNCTIONS: dict[str, Callable] = {
    "partition": _sfn_partition, "range": _sfn_range, "hash": _sfn_hash,
    "random": _sfn_random, "uuid": _sfn_uuid, "parse": _sfn_parse,
}


# ---------------------------------------------------------------------------------------------
# Expressions

class Expression:
    """One parsed JSONata expression and the ``$names`` its text mentions (to bind only those)."""

    __slots__ = ("text", "program", "names", "variable")

    def __init__(self, text: str):
        self.text = text
        # A bare ``$name`` evaluates to the variable's value unchanged: looked up without JSONata.
        self.variable = text[1:] if _VARIABLE.match(text) and text != "$states" else None
        engine = bounded_regex_engine(ExpressionError)  # regex literals time out (limits.py)
        self.program = parse_program(text, engine)  # jsonata-python with AWS's behaviour; raises on a syntax error
        self.program.set_output_convert_nulls(False)  # keep null (NULL_VALUE) apart from undefined
        for name, function in STEP_FUNCTIONS_FUNCTIONS.items():
            self.program.register_lambda(name, function)
        for name, function in guarded_functions(ExpressionError).items():  # built-ins: keep their signatures
            self.program.register_function(name, builtin_replacement(name, function))
        self.names = tuple(sorted(set(_NAME.findall(text)) - {"states"}))

    def evaluate(self, lookup: Callable[[str], Any], states: dict) -> Any:
        """The raw result (``None`` = undefined). ``lookup(name)`` gives a variable's value or
        raises ``KeyError``. Raises ``ExpressionError`` with JSONata's message."""
        if self.variable is not None:
            try:
                return to_engine(lookup(self.variable))
            except KeyError:
                pass  # not a variable: JSONata decides (a function name, or undefined)
        bindings = {"states": to_engine(states)}  # nulls and big integers as AWS reads them
        hook = evaluation_hook(ExpressionError)  # the per-expression time budget (limits.py)
        if hook is not None:
            bindings["__evaluate_entry"] = hook
        for name in self.names:
            try:
                value = lookup(name)
            except KeyError:
                continue
            bindings[name] = to_jsonata(value)
        Jsonata.CURRENT.jsonata = self.program  # $now()/$millis() and higher-order functions read it
        try:
            return self.program.evaluate(None, bindings)
        except ExpressionError:
            raise
        except RecursionError:
            raise ExpressionError("the evaluation exceeded the recursion limit") from None
        except Exception as e:  # JException, and jsonata-python's own TypeErrors on odd input
            raise ExpressionError(str(e) or type(e).__name__) from None


_cache = threading.local()


def parse(text: str) -> Expression:
    """The parsed expression for ``text``, from a per-thread cache (a parsed jsonata-python
    expression keeps per-evaluation state, so threads do not share one)."""
    expressions = getattr(_cache, "expressions", None)
    if expressions is None:
        expressions = _cache.expressions = {}
    expression = expressions.get(text)
    if expression is None:
        expression = expressions[text] = Expression(text)
    return expression


def expression_text(value: Any) -> str | None:
    """The JSONata text of a ``"{% ... %}"`` string, else ``None`` (a literal)."""
    if type(value) is str and value.startswith("{%") and value.endswith("%}") and len(value) >= 4:
        return value[2:-2].strip()
    return None


# ---------------------------------------------------------------------------------------------
# Templates

class Site:
    """Where an evaluation happens: the state (for error messages), the variables, ``$states``."""

    __slots__ = ("state_name", "entered_event_id", "lookup", "states")

    def __init__(self, state_name: str, entered_event_id: int, lookup: Callable[[str], Any], states: dict):
        self.state_name = state_name
        self.entered_event_id = entered_event_id
        self.lookup = lookup
        self.states = states

    def fail(self, message: str) -> StatesError:
        return StatesError(QUERY_EVALUATION_ERROR, decorate(self.state_name, self.entered_event_id, message))


class Template:
    """A compiled JSON template: ``evaluate(site)`` gives the JSON value."""

    __slots__ = ()

    def evaluate(self, site: Site) -> Any:
        raise NotImplementedError


class Constant(Template):
    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def evaluate(self, site: Site) -> Any:
        return self.value  # shared: values are never mutated in place


class ExpressionTemplate(Template):
    __slots__ = ("expression", "where")

    def __init__(self, text: str, field: str):
        try:
            self.expression = parse(text)
        except Exception as e:
            raise InvalidDefinition(f"field '{field}': the JSONata expression '{text}' is not valid: {e}") from None
        self.where = f"The JSONata expression '{text}' specified for the field '{field}'"

    def evaluate(self, site: Site) -> Any:
        try:
            result = self.expression.evaluate(site.lookup, site.states)
            if result is None:
                raise site.fail(f"{self.where} returned nothing (undefined).")
            return to_json(result)
        except UnsupportedResult:
            raise site.fail(f"{self.where} returned an unsupported result type.") from None
        except ExpressionError as e:
            raise site.fail(f"{self.where} threw an error: {e}") from None


class ObjectTemplate(Template):
    __slots__ = ("items",)

    def __init__(self, items: list[tuple[str, Template]]):
        self.items = items

    def evaluate(self, site: Site) -> Any:
        return {key: template.evaluate(site) for key, template in self.items}


class ArrayTemplate(Template):
    __slots__ = ("items",)

    def __init__(self, items: list[Template]):
        self.items = items

    def evaluate(self, site: Site) -> Any:
        return [template.evaluate(site) for template in self.items]


def compile_template(value: Any, field: str) -> Template:
    """Compile a field's JSON value; ``field`` names it in error messages (``Assign.total``)."""
    text = expression_text(value)
    if text is not None:
        return ExpressionTemplate(text, field)
    if isinstance(value, dict):
        # AWS names a nested field with slashes: 'Arguments/FunctionName', 'Output/result'
        items = [(key, compile_template(item, f"{field}/{key}")) for key, item in value.items()]
        if all(isinstance(template, Constant) for _, template in items):
            return Constant(value)
        return ObjectTemplate(items)
    if isinstance(value, list):
        items = [compile_template(item, f"{field}[{i}]") for i, item in enumerate(value)]
        if all(isinstance(template, Constant) for template in items):
            return Constant(value)
        return ArrayTemplate(items)
    return Constant(value)
