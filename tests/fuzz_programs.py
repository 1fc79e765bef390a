"""Hypothesis strategies for whole workflow programs: what pysfn accepts, and near misses.

Used by tests/test_fuzz.py. Programs are built as source text from statement templates over
a few names, so they are readable when a failure is shrunk.
"""

from __future__ import annotations

from hypothesis import strategies as st

NAMES = ["a", "b", "xs", "d", "s"]
EXPRESSIONS = ["a", "b + 1", "a * b", "a // 2", "-a", "len(xs)", "xs[0]", "d.get('k', 0)", "s.upper()",
               "f'{a}-{s}'", "str(a)", "a if b else 0", "a or b", "[x * 2 for x in xs if x]", "{'k': a}",
               "a > b", "a in xs", "math.sqrt(a)", "round(a)", "xs + [a]", "s * 2", "None", "'text'", "1.5",
               "work(a)"]
NEAR_MISSES = ["global a", "nonlocal a", "yield a", "f = lambda v: v", "undefined_name(a)", "break", "continue",
               "raise", "del a", "a.attr = 1", "return flow(a)", "async_work = await a", "import os",
               "class C:\n    pass", "with open(s) as fh:\n    pass", "assert a", "x = [y := 1 for _ in xs]",
               "a, (b, c) = xs", "for (k, (v, w)) in xs:\n    pass", "xs[1:2] = []", "print(*xs)",
               "a = b = []\na.append(1)", "for item in xs:\n    item.append(1)"]


def indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@st.composite
def statements(draw, depth=2, in_loop=False):
    choices = ["assign", "aug", "call", "append", "setitem", "return", "raise", "if", "for", "while", "try",
               "match", "pass"]
    if in_loop:
        choices += ["break", "continue"]
    kind = draw(st.sampled_from(choices if depth > 0 else choices[:7] + (["break"] if in_loop else [])))
    name, expr = draw(st.sampled_from(NAMES)), draw(st.sampled_from(EXPRESSIONS))
    block = lambda loop=in_loop: draw(blocks(depth - 1, loop))  # noqa: E731
    if kind == "assign":
        return f"{name} = {expr}"
    if kind == "aug":
        return f"{name} {draw(st.sampled_from(['+=', '-=', '*=']))} {expr}"
    if kind == "call":
        return f"work({expr})"
    if kind == "append":
        return f"xs.append({expr})"
    if kind == "setitem":
        return f"d['k'] = {expr}"
    if kind == "return":
        return f"return {expr}"
    if kind == "raise":
        return draw(st.sampled_from(["raise ValueError('bad')", "raise PSF.Fail('Stop', s)", "raise Problem(s)"]))
    if kind in ("break", "continue"):
        return kind
    if kind == "pass":
        return "pass"
    if kind == "if":
        text = f"if {expr}:\n{indent(block())}"
        if draw(st.booleans()):
            text += f"\nelif {draw(st.sampled_from(EXPRESSIONS))}:\n{indent(block())}"
        if draw(st.booleans()):
            text += f"\nelse:\n{indent(block())}"
        return text
    if kind == "for":
        header = draw(st.sampled_from(["for i in range(3):", "for x in xs:", "for k, v in d.items():",
                                       "for i, x in enumerate(xs):", "for c in s:"]))
        return f"{header}\n{indent(block(True))}"
    if kind == "while":
        return f"n = 0\nwhile n < 3:\n    n += 1\n{indent(block(True))}"
    if kind == "try":
        text = f"try:\n{indent(block())}"
        handler = draw(st.sampled_from(["except ValueError as e:", "except (Problem, KeyError):", "except Exception:",
                                        None]))
        if handler:
            text += f"\n{handler}\n{indent(block())}"
            if draw(st.booleans()):
                text += f"\nelse:\n{indent(block())}"
        if handler is None or draw(st.booleans()):
            text += f"\nfinally:\n{indent(block())}"
        return text
    return (f"match {name}:\n    case 1 | 2:\n{indent(indent(block()))}\n    case 'x':\n{indent(indent(block()))}"
            f"\n    case _:\n{indent(indent(block()))}")


@st.composite
def blocks(draw, depth=2, in_loop=False):
    return "\n".join(draw(st.lists(statements(depth, in_loop), min_size=1, max_size=3)))


@st.composite
def programs(draw):
    body = draw(blocks(3))
    if draw(st.integers(0, 4)) == 0:  # a near miss, somewhere
        lines = body.splitlines()
        at = draw(st.integers(0, len(lines)))
        miss = draw(st.sampled_from(NEAR_MISSES))
        prefix = lines[at - 1][:len(lines[at - 1]) - len(lines[at - 1].lstrip())] if at else ""
        lines[at:at] = [prefix + line for line in miss.splitlines()]
        body = "\n".join(lines)
    return ("import math\nimport pysfn as PSF\n\n\nclass Problem(Exception):\n    pass\n\n\n"
            "def work(v):\n    return v\n\n\n@PSF.main\ndef flow(a=1, b=2, xs=[1, 2], d={}, s='t'):\n"
            + indent(body) + "\n")
