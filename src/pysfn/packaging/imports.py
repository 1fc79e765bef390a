"""Which local modules a workflow module imports, so the Lambda package can carry them.

"Local" means found next to the workflow file (``name.py`` or a package ``name/``); anything
else (the standard library, installed packages, pysfn itself) is left out. The search follows
imports transitively through the local modules it finds.
"""

from __future__ import annotations

import ast
from pathlib import Path

RUNTIME_PACKAGE = "pysfn"


def _imported_names(tree: ast.Module) -> set[str]:
    """Top-level dotted module names a module imports (relative imports resolved to the root)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level and not node.module:  # from . import x
                names.update(alias.name for alias in node.names)
            elif node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _resolve(root: Path, dotted: str) -> list[Path]:
    """The files that importing ``dotted`` from ``root`` would load."""
    first = dotted.split(".")[0]
    if first == RUNTIME_PACKAGE:
        return []
    module = root / f"{first}.py"
    if module.is_file():
        return [module]
    package = root / first
    if (package / "__init__.py").is_file():
        return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    return []


def find_local_modules(source_path) -> list[Path]:
    """Local module files imported by ``source_path``, transitively, sorted; not the module itself."""
    source_path = Path(source_path).resolve()
    root = source_path.parent
    found: set[Path] = set()
    pending = [source_path]
    seen = {source_path}
    while pending:
        path = pending.pop()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue  # Python reports it when the module is imported
        for dotted in _imported_names(tree):
            for file in _resolve(root, dotted):
                if file not in seen:
                    seen.add(file)
                    found.add(file)
                    pending.append(file)
    found.discard(source_path)
    return sorted(found)
