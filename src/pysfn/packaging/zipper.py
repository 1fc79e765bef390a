"""gen_lambda: the dispatcher Lambda package, as a deterministic zip.

The same inputs give the same bytes, so a deploy tool can tell "unchanged" from the hash alone:
entries are sorted, timestamps, permissions and the creating system are fixed, and nothing of the
build machine (absolute paths, mtimes, modes, ``__pycache__``) gets in. The zip holds:

    handler.py                   rendered from handler.py.tmpl: dispatch(event, context)
    <module>.py                  the workflow module, as is
    <local modules>              what it imports from its directory (see imports.py)
    pysfn_extracted_<module>.py  code the compiler extracted from the entry (compiler/extraction.py)
    pysfn/__init__.py, runtime.py, contract.py   the dependency-free runtime, from the installed pysfn
    <third-party dependencies>   installed for Lambda's platform, when the workflow declares some
                                 (requirements.txt, pyproject.toml: see dependencies.py)
"""

from __future__ import annotations

import io
import keyword
import os
import string
import zipfile
from importlib import resources
from pathlib import Path

from pysfn.compiler.extraction import extracted_module_name
from pysfn.packaging.imports import RUNTIME_PACKAGE, find_local_modules
from pysfn.packaging.safe_files import module_name_problem, read_regular, why_not_shipped

FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can store
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX = 3  # ZipInfo.create_system: makes unzip honour FILE_MODE
COMPRESS_LEVEL = 9
# Lambda's quotas for a .zip package: 50 MB for a direct upload (larger ones go through S3),
# 250 MB unzipped in every case.
DIRECT_UPLOAD_LIMIT = 50 * 1000 * 1000
UNZIPPED_LIMIT = 250 * 2**20
HANDLER = "handler.py"
RUNTIME_FILES = ("__init__.py", "runtime.py", "contract.py", "aws.py", "callbacks.py")  # the dependency-free part of pysfn
# Top-level names a local module must not take: it would shadow the handler or the runtime.
_RESERVED = {HANDLER, HANDLER[:-3], RUNTIME_PACKAGE, RUNTIME_PACKAGE + ".py"}


class PackagingError(ValueError):
    """The inputs cannot make a working package; the message says what to change."""


def _is_name(text: str) -> bool:
    return text.isidentifier() and not keyword.iskeyword(text)


def _check_callee(key: str) -> None:
    if not isinstance(key, str) or not all(_is_name(part) for part in key.split(".")):
        raise PackagingError(f"callee key {key!r} is not a dotted Python name such as 'get_summary' "
                             "or 'helpers.tokenise'")


def _check_module_name(name: str) -> None:
    if not _is_name(name):
        raise PackagingError(f"the module name '{name}' cannot be imported by the handler: rename the file "
                             "to a Python identifier (letters, digits and _), e.g. "
                             f"'{''.join(c if c.isalnum() else '_' for c in name)}.py'")
    if name in (HANDLER[:-3], RUNTIME_PACKAGE):
        raise PackagingError(f"a workflow module named '{name}' would clash with the package's own "
                             f"'{name}': rename the file")


def render_handler(module_name: str, callees: list[str]) -> str:
    """The source of ``handler.py`` for ``module_name`` serving exactly ``callees``."""
    _check_module_name(module_name)
    for key in callees:
        _check_callee(key)
    template = resources.files(__package__).joinpath("handler.py.tmpl").read_text(encoding="utf-8")
    keys = sorted(set(callees))
    # Each entry looks its attribute up when called, so a test that replaces a callee in the
    # module (monkeypatch) is seen by the in-process dispatcher; the path is fixed here.
    extracted = extracted_module_name(module_name)

    def target(key: str) -> str:  # extracted code lives in a generated module of its own
        return f"_extracted.{key.split('.', 1)[1]}" if key.startswith(extracted + ".") else f"_workflow.{key}"
    entries = "".join(f'    "{key}": lambda *args, **kwargs: _undecorated({target(key)})(*args, **kwargs),\n'
                      for key in keys)
    check = "".join(f"    {target(key)},\n" for key in keys)
    imports = f"import {extracted} as _extracted\n" if any(k.startswith(extracted + ".") for k in keys) else ""
    return string.Template(template).substitute(module=module_name, callees=entries, check=check,
                                                extracted_import=imports)


def _read(path: Path, follow: bool = False) -> bytes:
    """A regular file's bytes, never blocking or unbounded (safe_files.read_regular)."""
    try:
        return read_regular(path, follow=follow)
    except OSError as e:
        raise PackagingError(f"cannot read {path}: {e.strerror or e}") from None


def _archive_name(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, with / separators; PackagingError if it is not under root."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        raise PackagingError(f"local module {path} is not inside the workflow's directory {root}: "
                             "the Lambda can only import modules that sit next to the workflow") from None


def _local_files(local_modules, root: Path, workflow_module: str) -> dict[str, Path]:
    """Archive name -> file for the local modules (files, or package directories expanded)."""
    files = {}
    for item in local_modules:
        path = Path(os.path.abspath(item))
        # A package directory contributes its Python files only: no data files, no dotfiles
        # (.env), nothing that could hold a secret next to the code.
        found = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in found:
            if "__pycache__" in file.parts or file.is_dir() \
                    or any(part.startswith(".") for part in file.relative_to(path.parent).parts):
                continue
            name = _archive_name(file, root)
            reason = why_not_shipped(file, root)  # links, FIFOs, devices: never shipped
            if reason is not None:  # (find_local_modules leaves them out; a caller named this one)
                raise PackagingError(f"cannot read {file}: {reason}")
            if name.split("/")[0] in _RESERVED:
                raise PackagingError(f"the local module {name} would clash with the package's own "
                                     f"'{name.split('/')[0]}': rename it")
            files[name] = file
    for name in files:
        top = name.split("/")[0].removesuffix(".py")
        problem = module_name_problem(top, workflow_module, "the local module")
        if problem:
            raise PackagingError(problem)
    return files


def _top_level(name: str) -> str:
    top = name.split("/")[0]
    return top[:-3] if top.endswith(".py") else top


def _add_dependencies(files: dict[str, bytes], dependencies: dict[str, Path]) -> None:
    """Add the third-party files; a dependency may not replace the workflow's own files."""
    ours = {_top_level(name): name for name in files}
    for name, path in dependencies.items():
        top = _top_level(name)
        if top in ours and not top.endswith((".dist-info", ".data")):
            raise PackagingError(f"a dependency installs '{name}', which clashes with the package's "
                                 f"'{ours[top]}': rename your module or drop the dependency")
        files[name] = _read(path, follow=True)  # installed by pip, outside the workflow directory


def package_files(source_path, callees: list[str], local_modules=None, extracted: str | None = None,
                  dependencies: dict[str, Path] | None = None) -> dict[str, bytes]:
    """Archive name -> content for the dispatcher package of ``source_path``.

    ``extracted`` is the source of the generated module of extracted code, if the compiler
    extracted any (``CompileResult.extracted_source``); ``dependencies`` maps archive names to
    the files of installed third-party packages (``dependencies.dependency_files``)."""
    source_path = Path(os.path.abspath(source_path))
    root = source_path.parent
    if local_modules is None:
        local_modules = find_local_modules(source_path)
    problem = module_name_problem(source_path.stem, source_path.stem, "the workflow module")
    if problem:
        raise PackagingError(problem)
    files = {name: _read(path) for name, path in _local_files(local_modules, root, source_path.stem).items()}
    files[source_path.name] = _read(source_path, follow=True)  # the file the user named may be a link
    files[HANDLER] = render_handler(source_path.stem, callees).encode("utf-8")
    if extracted:
        files[extracted_module_name(source_path.stem) + ".py"] = extracted.encode("utf-8")
    runtime = resources.files(RUNTIME_PACKAGE)
    for name in RUNTIME_FILES:
        files[f"{RUNTIME_PACKAGE}/{name}"] = runtime.joinpath(name).read_bytes()
    if dependencies:
        _add_dependencies(files, dependencies)
    unzipped = sum(len(data) for data in files.values())
    if unzipped > UNZIPPED_LIMIT:
        raise PackagingError(f"the package is {unzipped / 2**20:.1f} MiB unzipped; Lambda takes at most "
                             f"{UNZIPPED_LIMIT // 2**20} MiB: drop dependencies or use a container image")
    return files


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = UNIX
    info.external_attr = FILE_MODE << 16
    return info


def build_zip_bytes(source_path, callees: list[str], local_modules=None, extracted: str | None = None,
                    dependencies: dict[str, Path] | None = None) -> bytes:
    """The package as bytes: the same inputs always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(package_files(source_path, callees, local_modules, extracted,
                                               dependencies).items()):
            archive.writestr(_entry(name), data, compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def build_zip(source_path, zip_path, callees: list[str], local_modules=None, extracted: str | None = None,
              dependencies: dict[str, Path] | None = None) -> Path:
    """Write the package to ``zip_path`` and return that path.

    PackagingError for inputs that cannot make a package (nothing is written then); OSError if
    ``zip_path`` cannot be written.
    """
    data = build_zip_bytes(source_path, callees, local_modules, extracted, dependencies)
    zip_path = Path(zip_path)
    zip_path.write_bytes(data)
    return zip_path
