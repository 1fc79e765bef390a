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


def repeat(text: str, count: str) -> str:
    """``text * count`` for an int ``count`` >= 1 (``$pad`` cuts its padding with ``$substring``)."""
    return f"$join($map([1..{count}], function({T}rep) {{ {text} }}))"


# The only ``$substring`` the compiler emits: the first unit of a caught error's Cause, compared
# with '{' (half of a character above U+FFFF never equals it). tests/test_jsonata_text.py checks
# that no other ``$substring``, and no ``$split(..., '')`` outside code_points, is emitted.
SAFE_SUBSTRINGS = ("$substring($pysfn__c, 0, 1) = '{'",)
