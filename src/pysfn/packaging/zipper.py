"""gen_lambda: the dispatcher Lambda package, as a deterministic zip.

The same inputs give the same bytes: entries are sorted, timestamps and permissions fixed,
and nothing of the build machine (absolute paths, __pycache__, mtimes) gets in.
"""

from __future__ import annotations

import io
import re
import zipfile
from importlib import resources
from pathlib import Path

from pysfn.packaging.imports import find_local_modules

FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
RUNTIME_FILES = ("__init__.py", "runtime.py")  # the dependency-free part of pysfn
_CALLEE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def render_handler(module_name: str, callees: list[str]) -> str:
    if not _MODULE_NAME.fullmatch(module_name):
        raise ValueError(f"'{module_name}' is not an importable module name: rename the file")
    for key in callees:
        if not _CALLEE_KEY.fullmatch(key):
            raise ValueError(f"callee key {key!r} is not a dotted Python name")
    template = resources.files("pysfn.packaging").joinpath("handler.py.tmpl").read_text(encoding="utf-8")
    # Each entry reads the attribute when called (so a test's monkeypatch is seen in-process);
    # the attribute path is written out here, never taken from the event.
    lines = "".join(f"    {key!r}: lambda *args, **kwargs: _workflow.{key}(*args, **kwargs),\n"
                    for key in sorted(set(callees)))
    return template.format(module=module_name, callees=lines)


def _entry(name: str, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permission bits below are honoured
    info.external_attr = (0o100000 | FILE_MODE) << 16
    return info, data


def package_files(source_path, callees: list[str], local_modules=None) -> dict[str, bytes]:
    """Archive name -> content for the dispatcher package of ``source_path``."""
    source_path = Path(source_path).resolve()
    root = source_path.parent
    if local_modules is None:
        local_modules = find_local_modules(source_path)
    files = {"handler.py": render_handler(source_path.stem, callees).encode("utf-8"),
             source_path.name: source_path.read_bytes()}
    for path in local_modules:
        relative = Path(path).resolve().relative_to(root)  # ValueError if outside: not local
        files[relative.as_posix()] = Path(path).read_bytes()
    runtime = resources.files("pysfn")
    for name in RUNTIME_FILES:
        files[f"pysfn/{name}"] = runtime.joinpath(name).read_bytes()
    return files


def build_zip_bytes(source_path, callees: list[str], local_modules=None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(package_files(source_path, callees, local_modules).items()):
            info, data = _entry(name, data)
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def build_zip(source_path, zip_path, callees: list[str], local_modules=None) -> Path:
    """Write the package to ``zip_path`` and return its path."""
    data = build_zip_bytes(source_path, callees, local_modules)
    zip_path = Path(zip_path)
    zip_path.write_bytes(data)
    return zip_path
