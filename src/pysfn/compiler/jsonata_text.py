"""JSONata for Python's view of text, a sequence of code points, on engines that store UTF-16.

Strings are UTF-16 inside AWS's JSONata (AWS-MEASURED.md): ``$length`` counts code points, but
``$substring`` counts UTF-16 units at negative starts and can return half a character above
U+FFFF at positive ones, ``$split($s, '')`` splits such a character into its two surrogate
halves, and ``$sort`` orders by UTF-16 units. The JSONata reference implementation (JavaScript)
splits the same way; jsonata-python (pysfn.local, the oracle) splits into code points. So the
compiler never takes characters out of text with ``$substring`` or a bare ``$split($s, '')``;
it uses :func:`code_points`, which is exact on all of them:

``$split($s, '')`` gives UTF-16 units or code points; a high surrogate (U+D800..U+DBFF) is joined
with the unit after it, and a low surrogate (U+DC00..U+DFFF), already joined, is dropped. On an
engine that splits into code points no part is a surrogate (a character above U+FFFF is a code
point above both ranges there), so the parts come back unchanged. String comparison is by UTF-16
units on UTF-16 engines and by code points on the others: the range tests mean the same in both.

Costs O(len) per use: fine for the text a workflow's own logic handles (a JSONata expression has
one second on AWS); a hot loop over long text belongs in a callee.
"""

from __future__ import annotations

from pysfn.compiler.scope import TEMP_PREFIX

T = "$" + TEMP_PREFIX  # as in jsonata.py (which imports this module)

_HIGH = "'\\ud800' <= {0} and {0} <= '\\udbff'"
_LOW = "'\\udc00' <= {0} and {0} <= '\\udfff'"


def code_points(text: str) -> str:
    """JSONata for the list of the characters (code points) of the string ``text``; ``[]`` for ''."""
    units, unit, k, part = f"{T}cpu", f"{T}cpc", f"{T}cpk", f"{T}cpv"
    joined = (f"$map({units}, function({unit}, {k}) {{ {_HIGH.format(unit)} ? {unit} & {units}[{k} + 1] "
              f": {_LOW.format(unit)} ? '' : {unit} }})")
    # Splitting at '' never yields an empty part, so '' marks exactly the dropped low halves.
    return (f"({units} := $split({text}, ''); "
            f"[$filter({joined}, function({part}) {{ {part} != '' }})])")


def char_at(text: str, index: str) -> str:
    """``text[index]`` for an int ``index`` the caller checked is in range (negatives count from the end)."""
    cps = f"{T}cps"
    return f"({cps} := {code_points(text)}; {cps}[{index}])"


def starts_with(text: str, prefix: str) -> str:
    """``text.startswith(prefix)`` for two strings: no positions involved, so no units either."""
    return f"($contains({text}, {prefix}) and $substringBefore({text}, {prefix}) = '')"


def ends_with(text: str, suffix: str) -> str:
    """``text.endswith(suffix)`` for two strings, comparing the last ``len(suffix)`` characters."""
    cps, n, m = f"{T}cpe", f"{T}cpn", f"{T}cpm"
    return (f"({n} := $length({suffix}); {n} = 0 ? true : ({cps} := {code_points(text)}; {m} := $count({cps}); "
            f"{n} <= {m} and $join({cps}[[{m} - {n}..{m} - 1]]) = {suffix}))")


def _compare_code_points(a: str, b: str) -> str:
    """-1, 0 or 1: ``a`` against ``b`` as CPython orders strings (code point by code point)."""
    ca, cb, na, nb, d, i, x, y = (f"{T}o{n}" for n in ("ca", "cb", "na", "nb", "d", "i", "x", "y"))
    wide = "$count($split({0}, '')) > 1"  # a character above U+FFFF, as UTF-16 engines split it
    return (f"({ca} := {code_points(a)}; {cb} := {code_points(b)}; {na} := $count({ca}); {nb} := $count({cb}); "
            f"{d} := [$filter([0..({na} < {nb} ? {na} : {nb}) - 1], function({T}ok) {{ {ca}[{T}ok] != {cb}[{T}ok] }})]; "
            f"$count({d}) = 0 ? ({na} < {nb} ? -1 : {na} > {nb} ? 1 : 0) "
            f": ({i} := {d}[0]; {x} := {ca}[{i}]; {y} := {cb}[{i}]; "
            f"({wide.format(x)}) = ({wide.format(y)}) ? ({x} < {y} ? -1 : 1) : ({wide.format(x)}) ? 1 : -1))")


def text_order(a: str, b: str, op: str) -> str:
    """``a op b`` (``<``, ``<=``, ``>``, ``>=``) for two strings, by code points as in CPython.

    JSONata's own ``<`` on strings compares UTF-16 units on AWS and in the reference implementation:
    a character above U+FFFF then sorts below U+E000..U+FFFF. When neither string holds one (the
    count of ``$split(s, '')`` is its ``$length``; always so on a code-point engine), UTF-16 order
    is code point order and JSONata's ``<`` is used; otherwise the code points are compared."""
    plain = f"$length({a}) = $count($split({a}, '')) and $length({b}) = $count($split({b}, ''))"
    return f"({plain} ? {a} {op} {b} : {_compare_code_points(a, b)} {op} 0)"


def repeat(text: str, count: str) -> str:
    """``text * count`` for an int ``count`` >= 1 (``$pad`` cuts its padding with ``$substring``)."""
    return f"$join($map([1..{count}], function({T}rep) {{ {text} }}))"


# The only ``$substring`` uses the compiler emits: a prefix of a caught error's Cause or Error
# compared with ASCII text (half of a character above U+FFFF never equals ASCII, so UTF-16 units
# and code points agree). tests/test_jsonata_text.py checks that no other ``$substring``, and no
# ``$split(..., '')`` outside code_points, is emitted.
SAFE_SUBSTRINGS = ("$substring($pysfn__c, 0, 1) = '{'", "$substring($pysfn__fc, 0, 1) = '{'",  # children.py
                   "$substring($states.errorOutput.Error, 0, 7) = 'States.'")
