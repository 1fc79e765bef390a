"""Which local modules a workflow module imports, so the Lambda package can carry them.

The Lambda runs with only the zip on ``sys.path``, so every module the workflow imports from its
own directory must be in the zip too. "Local" means found in the workflow file's directory (the
root): a regular package ``name/`` (with ``__init__.py``; all its ``.py`` files go in, as Python
prefers a package to a module of the same name) or a module ``name.py``. Anything else (the
standard library, installed packages, pysfn itself, whose runtime the packager adds) is left out.
The search follows imports transitively through the local modules it finds, reading them with
``ast`` only: nothing is imported or executed.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

RUNTIME_PACKAGE = "pysfn"


def _imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """``(level, dotted name)`` of every module that ``tree`` imports, anywhere in the file."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.module:  # from x.y import z: x is what a local lookup needs
                yield node.level, node.module
            else:  # from . import z: z is a module
                for alias in node.names:
                    yield node.level, alias.name


def _package_files(package: Path) -> list[Path]:
    """A package's Python files; hidden directories and files (``.venv``, ``.secrets``) are skipped."""
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts
                  and not any(part.startswith(".") for part in p.relative_to(package).parts))


def _resolve(root: Path, dotted: str) -> list[Path]:
    """The local files that importing ``dotted`` with ``root`` on ``sys.path`` would need."""
    first = dotted.split(".")[0]
    if first == RUNTIME_PACKAGE or not first.isidentifier():
        return []
    package = root / first
    if (package / "__init__.py").is_file():
        return _package_files(package)
    module = root / f"{first}.py"
    return [module] if module.is_file() else []


def _base(root: Path, importer: Path, level: int) -> Path | None:
    """Where an import of ``level`` in ``importer`` looks: only the root is searched.

    A relative import inside a local package that stays inside it needs nothing more (the whole
    package is carried); one that climbs above the root cannot be served from the zip.
    """
    if level == 0:
        return root
    base = importer.parent
    for _ in range(level - 1):
        base = base.parent
    return root if base == root else None


def find_local_modules(source_path) -> list[Path]:
    """Local module files that ``source_path`` imports, transitively, sorted; not the module itself."""
    source_path = Path(os.path.abspath(source_path))
    root = source_path.parent
    seen = {source_path}
    pending = [source_path]
    while pending:
        path = pending.pop()
        try:
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError, OSError):
            continue  # Python itself reports it when the module is imported
        for level, dotted in _imports(tree):
            base = _base(root, path, level)
            for file in _resolve(base, dotted) if base is not None else []:
                if file not in seen:
                    seen.add(file)
                    pending.append(file)
    seen.discard(source_path)
    return sorted(seen)
