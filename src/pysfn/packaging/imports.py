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

from pysfn.packaging.safe_files import LeftOut, read_regular, why_not_shipped

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


def _package_files(package: Path, root: Path, left_out: list) -> list[Path]:
    """A package's Python files; hidden directories and files (``.venv``, ``.secrets``) are skipped,
    and so is anything that is not a regular file inside the root (safe_files.py: reported)."""
    found = []
    for p in sorted(_walk_py(package)):
        if "__pycache__" in p.parts or any(part.startswith(".") for part in p.relative_to(package).parts):
            continue
        reason = why_not_shipped(p, root)
        if reason is None:
            found.append(p)
        else:
            left_out.append(LeftOut(p, reason))
    return found


def _walk_py(package: Path) -> list[Path]:
    """The ``*.py`` entries under ``package``, without descending into linked directories."""
    out = []
    for dirpath, dirnames, filenames in os.walk(package, followlinks=False):
        for d in list(dirnames):  # a linked directory is reported (as its files would be), not walked
            if os.path.islink(os.path.join(dirpath, d)):
                out.append(Path(dirpath, d, "__init__.py"))
                dirnames.remove(d)
        out += [Path(dirpath, f) for f in filenames if f.endswith(".py")]
    return out


def _resolve(root: Path, dotted: str, left_out: list) -> list[Path]:
    """The local files that importing ``dotted`` with ``root`` on ``sys.path`` would need."""
    first = dotted.split(".")[0]
    if first == RUNTIME_PACKAGE or not first.isidentifier():
        return []
    package = root / first
    init = package / "__init__.py"
    if package.is_symlink():
        if init.exists():  # Python would import it; it is not shipped, and the user is told
            left_out.append(LeftOut(package, why_not_shipped(init, root)))
            return []
    elif os.path.lexists(init):
        return _package_files(package, root, left_out)
    module = root / f"{first}.py"
    if not os.path.lexists(module):
        return []
    reason = why_not_shipped(module, root)
    if reason is not None:
        left_out.append(LeftOut(module, reason))
        return []
    return [module]


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


def find_local_modules(source_path, left_out: list | None = None) -> list[Path]:
    """Local module files that ``source_path`` imports, transitively, sorted; not the module itself.

    Files that are imported but may not be shipped (links, FIFOs, devices: safe_files.py) are
    appended to ``left_out`` as ``LeftOut(path, reason)``."""
    left_out = [] if left_out is None else left_out
    source_path = Path(os.path.abspath(source_path))
    root = source_path.parent
    seen = {source_path}
    pending = [source_path]
    while pending:
        path = pending.pop()
        try:
            tree = ast.parse(read_regular(path, follow=path == source_path), filename=str(path))
        except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
            continue  # Python itself reports it when the module is imported
        for level, dotted in _imports(tree):
            base = _base(root, path, level)
            for file in _resolve(base, dotted, left_out) if base is not None else []:
                if file not in seen:
                    seen.add(file)
                    pending.append(file)
    seen.discard(source_path)
    return sorted(seen)
