"""The module as CPython sees it, before pysfn looks at it.

``ast.parse`` accepts programs that CPython refuses when it compiles them (a module-level
``return``, ``def f(x, x)``, ``continue`` outside a loop, ``from __future__ import braces``, a
late ``__future__`` import, ``global`` after use: errors of the symbol table and the code
generator). Such a module would compile to a state machine whose Lambda cannot import it, so
the whole module is compiled with ``compile()`` first and its ``SyntaxError`` (which carries a
line and column) becomes a located diagnostic.

CPython's parser and compiler recurse: an expression thousands of operators deep, a
3,000-arm ``elif`` or 3,500 chained attributes raise ``RecursionError`` (or ``MemoryError``)
instead of a ``SyntaxError``. Those are CPython's own limits (the module could not be
imported either), reported as one located line, never a traceback.

``source_lines`` splits the text where the tokenizer ends lines (``\\r\\n``, ``\\r``, ``\\n``),
not where ``str.splitlines`` does (it also breaks at U+2028, ``\\x0b``, ``\\x0c``, ``\\x1c``,
``\\x85``...), so that line N of a diagnostic or a state's Comment is the line the AST calls N.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import sys
import tokenize
import warnings

from pysfn.compiler.diagnostics import CompileError, Diagnostic, Loc

_NEWLINE = re.compile(r"\r\n|\r|\n")
DEFAULT_RECURSION_LIMIT = 1000  # CPython's default (sys.getrecursionlimit() in a fresh interpreter)


def source_lines(source: str) -> list[str]:
    """The lines of ``source`` as Python's tokenizer numbers them (no line terminators)."""
    lines = _NEWLINE.split(source)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _error(filename: str, source: str, line: int, col: int, message: str, hint: str) -> CompileError:
    lines = source_lines(source)
    text = lines[line - 1] if 1 <= line <= len(lines) else None
    col = max(1, min(col, len(text) + 1 if text is not None else col))
    return CompileError([Diagnostic("error", Loc(filename, line, col), message, hint, text)])


def _deepest_line(source: str) -> int:
    """Where an over-deep module most likely is: the logical line with the most tokens, or for a
    long ``elif`` chain, its first ``if``. Cheap and iterative (the tokenizer does not recurse)."""
    best_line, best_count, count, start = 1, -1, 0, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if start is None and tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT,
                                                  tokenize.DEDENT, tokenize.NEWLINE):
                start = tok.start[0]
            count += 1
            if tok.type == tokenize.NEWLINE:
                if count > best_count and start is not None:
                    best_line, best_count = start, count
                count, start = 0, None
    except (tokenize.TokenError, SyntaxError, RecursionError, MemoryError):
        pass
    if best_count < 200:  # no line is remarkable: a chain of blocks, not one expression
        lines = source_lines(source)
        elifs = [i for i, text in enumerate(lines, 1) if text.lstrip().startswith("elif ")]
        if len(elifs) > 100:
            first = elifs[0]
            while first > 1 and not lines[first - 1].lstrip().startswith("if "):
                first -= 1
            return first
    return best_line


@contextlib.contextmanager
def _default_recursion_limit():
    """CPython's parser and compiler scale their limits with the recursion limit: compile under
    the default one (what ``python`` and the Lambda runtime use), whatever the caller set (pytest
    and hypothesis raise it), so the same module is accepted or refused everywhere."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(DEFAULT_RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def check_module(source: str, filename: str) -> None:
    """Compile the module as CPython would; any refusal becomes a located CompileError."""
    try:
        with warnings.catch_warnings(), _default_recursion_limit():
            warnings.simplefilter("ignore")  # SyntaxWarnings ("is" with a literal...) are not errors here
            compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as e:  # includes IndentationError and symbol-table errors
        line = e.lineno or 1
        col = e.offset or 1
        if e.filename not in (None, filename, "<unknown>"):
            line, col = 1, 1
        raise _error(filename, source, line, col, f"syntax error: {e.msg}",
                     "CPython refuses this module (it could not be imported in the Lambda either); "
                     "fix it first")
    except (RecursionError, MemoryError) as e:
        what = "is nested too deeply" if isinstance(e, RecursionError) else "is too large"
        raise _error(filename, source, _deepest_line(source), 1,
                     f"CPython cannot compile this module: the code {what} "
                     f"({type(e).__name__} in Python's own compiler)",
                     "split the expression or the chain of elif into smaller steps (or a dict lookup)")
    except ValueError as e:  # e.g. integer literals over sys.get_int_max_str_digits() in some versions
        raise _error(filename, source, 1, 1, f"syntax error: {e}", "fix the Python syntax first")


def parse_checked(source: str, filename: str) -> ast.Module:
    """``ast.parse`` with CPython's own refusals and limits as located diagnostics."""
    check_module(source, filename)
    try:
        with _default_recursion_limit():
            return ast.parse(source, filename=filename)
    except SyntaxError as e:
        raise _error(filename, source, e.lineno or 1, e.offset or 1, f"syntax error: {e.msg}",
                     "fix the Python syntax first")
    except (RecursionError, MemoryError) as e:
        raise _error(filename, source, _deepest_line(source), 1,
                     f"Python cannot parse this module: the code is nested too deeply ({type(e).__name__})",
                     "split the expression or the chain of elif into smaller steps")
