"""Diagnostics: what the compiler tells a user about their code.

Every problem in user code becomes a ``Diagnostic`` anchored at a source location and is
rendered as ``FILE:LINE:COL: error: message``, the source line, a caret under the
offending code, and a hint of what to write instead. A Python traceback is always a bug.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Loc:
    """A source position: 1-based line, 1-based column (as editors show them)."""

    file: str
    line: int
    col: int
    end_col: int | None = None

    @classmethod
    def of(cls, file: str, node: ast.AST) -> "Loc":
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0) + 1
        end = None
        if getattr(node, "end_lineno", None) == line and getattr(node, "end_col_offset", None) is not None:
            end = node.end_col_offset + 1
        return cls(file, line, col, end)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" or "warning"
    loc: Loc
    message: str
    hint: str | None = None
    source_line: str | None = None

    def render(self) -> str:
        lines = [f"{self.loc}: {self.severity}: {self.message}"]
        if self.source_line is not None:
            text = self.source_line.rstrip("\n").expandtabs(1)
            lines.append(f"    {text}")
            width = max(1, (self.loc.end_col or self.loc.col + 1) - self.loc.col)
            width = min(width, max(1, len(text) - self.loc.col + 1))
            lines.append("    " + " " * (self.loc.col - 1) + "^" + "~" * (width - 1))
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


# At most this many errors are shown of one file (then "... and N more errors"), like mypy.
MAX_REPORTED = 20


class CompileError(Exception):
    """Raised with one or more error diagnostics; ``str()`` is the rendered report."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__(self.render())

    def render(self) -> str:
        shown = [d.render() for d in self.diagnostics[:MAX_REPORTED]]
        rest = len(self.diagnostics) - MAX_REPORTED
        if rest > 0:
            shown.append(f"... and {rest} more error{'s' if rest > 1 else ''}")
        return "\n".join(shown)


@dataclass
class Reporter:
    """Collects diagnostics for one source file and knows its text for caret lines."""

    file: str
    source: str
    warnings: list[Diagnostic] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)  # reported, and the compiler went on

    def record(self, error: CompileError) -> None:
        """Keep the errors of a statement and go on with the next one (every error of a file in
        one run); ``raise_errors`` reports them all at the end."""
        for d in error.diagnostics:
            if d not in self.errors:
                self.errors.append(d)

    def raise_errors(self) -> None:
        if self.errors:
            raise CompileError(sorted(self.errors, key=lambda d: (d.loc.line, d.loc.col)))

    def _line(self, line: int) -> str | None:
        from pysfn.compiler.source_check import source_lines  # split where the tokenizer does
        lines = source_lines(self.source)
        return lines[line - 1] if 1 <= line <= len(lines) else None

    def diagnostic(self, severity: str, node_or_loc, message: str, hint: str | None = None) -> Diagnostic:
        loc = node_or_loc if isinstance(node_or_loc, Loc) else Loc.of(self.file, node_or_loc)
        return Diagnostic(severity, loc, message, hint, self._line(loc.line))

    def error(self, node_or_loc, message: str, hint: str | None = None) -> CompileError:
        """Build (not raise) a CompileError, so call sites read ``raise rep.error(...)``."""
        return CompileError([self.diagnostic("error", node_or_loc, message, hint)])

    def warn(self, node_or_loc, message: str, hint: str | None = None) -> None:
        self.warnings.append(self.diagnostic("warning", node_or_loc, message, hint))
