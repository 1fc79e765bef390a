"""JSONPath-mode input and output processing: payload templates (``Parameters``,
``ResultSelector``, ``ItemSelector``, ``Assign``: keys ending in ``.$`` take a path or an
intrinsic function) and the path fields (``InputPath``, ``OutputPath``, ``ItemsPath``,
``ResultPath``, ``SecondsPath``, ...).

Everything here evaluates against a ``Site`` (``expressions.Site``) whose ``states["input"]`` is
the data ``$`` reads (the effective input for ``Parameters``, the result for ``ResultSelector``)
and ``states["context"]`` the context object ``$$``; ``site.lookup`` gives the variables
(``$name``). A path that selects nothing fails the state with ``States.Runtime`` worded as AWS
words it; a failing intrinsic is ``States.IntrinsicFailure``.
"""

from __future__ import annotations

from typing import Any

from . import intrinsics, jsonpath
from .errors import InvalidDefinition, StatesError, decorate
from .expressions import Constant, Site, Template
from .record import to_json_text

RUNTIME = "States.Runtime"
INTRINSIC_FAILURE = "States.IntrinsicFailure"


def runtime_error(site: Site, message: str) -> StatesError:
    return StatesError(RUNTIME, decorate(site.state_name, site.entered_event_id, message))


def rebased(site: Site, data: Any) -> Site:
    """The same state, variables and context, with ``$`` reading ``data``."""
    return Site(site.state_name, site.entered_event_id, site.lookup,
                {"input": data, "context": site.states["context"]})


def read(path: jsonpath.Path, site: Site) -> Any:
    """The value ``path`` selects at ``site``; raises ``PathNotFound`` (also for an unset variable)."""
    if path.root == "$":
        data = site.states["input"]
    elif path.root == "$$":
        data = site.states["context"]
    else:
        try:
            data = site.lookup(path.root)
        except KeyError:
            raise jsonpath.PathNotFound(f"The variable '${path.root}' is not defined") from None
    return path.select(data)


# ---------------------------------------------------------------------------------------------
# Payload templates

class PathValue(Template):
    """``"key.$": "$.path"``: the selected value."""

    __slots__ = ("path", "field")

    def __init__(self, path: jsonpath.Path, field: str):
        self.path, self.field = path, field

    def evaluate(self, site: Site) -> Any:
        try:
            return read(self.path, site)
        except jsonpath.PathNotFound:
            data = site.states["input"] if self.path.root == "$" else (
                site.states["context"] if self.path.root == "$$" else None)
            raise runtime_error(site, f"The JSONPath '{self.path.text}' specified for the field '{self.field}' could "
                                      f"not be found in the input '{to_json_text(data)}'") from None


class IntrinsicValue(Template):
    """``"key.$": "States.Format(...)"``: the function's result."""

    __slots__ = ("call", "field")

    def __init__(self, call: intrinsics.Call, field: str):
        self.call, self.field = call, field

    def evaluate(self, site: Site) -> Any:
        def resolve(path: jsonpath.Path) -> Any:
            try:
                return read(path, site)
            except jsonpath.PathNotFound:
                data = site.states["input"] if path.root == "$" else site.states["context"]
                raise runtime_error(site, f"The JSONPath '{path.text}' specified for the field '{self.field}' could "
                                          f"not be found in the input '{to_json_text(data)}'") from None
        try:
            return intrinsics.evaluate(self.call, resolve)
        except intrinsics.IntrinsicError as e:
            raise StatesError(INTRINSIC_FAILURE, decorate(site.state_name, site.entered_event_id,
                                                          f"{e} (in the field '{self.field}')")) from None


class Payload(Template):
    __slots__ = ("items", "array")

    def __init__(self, items: list, array: bool):
        self.items, self.array = items, array

    def evaluate(self, site: Site) -> Any:
        if self.array:
            return [template.evaluate(site) for template in self.items]
        return {key: template.evaluate(site) for key, template in self.items}


def dynamic(text: Any, field: str) -> Template:
    """The value of a ``key.$`` field: a path or an intrinsic call."""
    if not isinstance(text, str):
        raise InvalidDefinition(f"The value for the field '{field}' must be a STRING that contains a JSONPath "
                                f"but was {type(text).__name__}")
    try:
        if intrinsics.is_intrinsic(text):
            return IntrinsicValue(intrinsics.parse(text), field)
        return PathValue(jsonpath.parse(text), field)
    except (jsonpath.PathSyntaxError, intrinsics.IntrinsicSyntaxError) as e:
        raise InvalidDefinition(f"field '{field}': {e}") from None


def compile_payload(value: Any) -> Template:
    """A payload template; constant parts stay constants."""
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if isinstance(key, str) and key.endswith(".$") and len(key) > 2:
                items.append((key[:-2], dynamic(item, key)))
            else:
                items.append((key, compile_payload(item)))
        if all(isinstance(t, Constant) for _, t in items):
            return Constant(value)
        return Payload(items, False)
    if isinstance(value, list):
        items = [compile_payload(item) for item in value]
        if all(isinstance(t, Constant) for t in items):
            return Constant(value)
        return Payload(items, True)
    return Constant(value)


def compile_assign(spec: Any, where: str) -> list[tuple[str, Template]]:
    """A JSONPath-mode ``Assign``: ``"name.$": path-or-intrinsic`` or ``"name": literal``."""
    if not isinstance(spec, dict):
        raise InvalidDefinition(f"{where} must be a JSON object")
    pairs = []
    for key, value in spec.items():
        dollar = key.endswith(".$")
        name = key[:-2] if dollar else key
        if not name.isidentifier() or len(name) > 80:
            raise InvalidDefinition(f"{where} assigns {name!r}, which is not a valid variable name")
        pairs.append((name, dynamic(value, key) if dollar else compile_payload(value)))
    return pairs


# ---------------------------------------------------------------------------------------------
# Path fields

_DEFAULT = jsonpath.parse("$")


class PathField:
    """``InputPath``/``OutputPath``/``ItemsPath`` (``None`` text: JSON null, the value ``{}``)."""

    __slots__ = ("path", "field")

    def __init__(self, text: Any, field: str):
        self.field = field
        if text is None:
            self.path = None
            return
        if not isinstance(text, str):
            raise InvalidDefinition(f"{field} must be a JSONPath string or null")
        try:
            self.path = jsonpath.parse(text)
        except jsonpath.PathSyntaxError as e:
            raise InvalidDefinition(f"{field}: {e}") from None

    def apply(self, site: Site, data: Any) -> Any:
        if self.path is None:
            return {}
        if self.path is _DEFAULT or (self.path.root == "$" and not self.path.steps):
            return data
        try:
            return read(self.path, rebased(site, data))
        except jsonpath.PathNotFound as e:
            raise runtime_error(site, f"Invalid path '{self.path.text}' : {e.message}") from None


class ResultPathField:
    """``ResultPath``: where the result goes in the state input (``None``: discard the result)."""

    __slots__ = ("steps", "text")

    def __init__(self, text: Any, field: str = "ResultPath"):
        self.text = text
        if text is None:
            self.steps = None
            return
        if not isinstance(text, str):
            raise InvalidDefinition(f"{field} must be a JSONPath string or null")
        try:
            self.steps = jsonpath.reference_steps(jsonpath.parse(text))
        except jsonpath.PathSyntaxError as e:
            raise InvalidDefinition(f"{field}: {e}") from None

    def apply(self, site: Site, state_input: Any, result: Any) -> Any:
        if self.steps is None:
            return state_input
        try:
            return jsonpath.put(state_input, self.steps, result)
        except jsonpath.PathNotFound as e:
            raise runtime_error(site, f"Invalid path '{self.text}' : {e.message}") from None


DEFAULT_PATH = PathField("$", "InputPath")
DEFAULT_RESULT_PATH = ResultPathField("$")
