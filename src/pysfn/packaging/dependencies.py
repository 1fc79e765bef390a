"""Third-party dependencies of a workflow, installed for the Lambda platform and put in the zip.

A callee that imports ``requests`` or ``pydantic`` needs them next to ``handler.py`` on Lambda,
built for Lambda's platform (Linux, x86_64 or arm64, the runtime's Python), not for the build
machine. Where the list comes from, first found wins:

1. ``--requirements FILE`` (given explicitly);
2. ``requirements.txt`` in the workflow's directory;
3. ``[project.dependencies]`` of the ``pyproject.toml`` that holds the module (the nearest one
   above it; pysfn's own, when the module sits in a pysfn checkout, lists the compiler's needs and
   is not read).

They are installed with pip for the target platform (``--platform manylinux2014_<arch>
--only-binary=:all: --python-version 3.12 --implementation cp``: wheels only, so nothing is
compiled for the wrong machine) into a cache directory keyed by the requirements, the platform
and the Python version, so the second build reuses the first one's files. The files go into the
zip sorted, with the zip's fixed dates and modes, so the same inputs still give the same bytes.

boto3, botocore and s3transfer are left out unless the requirements pin one of them (``==``):
the Lambda runtime provides them, and they are large.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover -- Python 3.10
    tomllib = None

ARCHITECTURES = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
DEFAULT_PYTHON = "3.12"  # the runtime `pysfn deploy` creates (deploy/deployer.py: RUNTIME)
# Provided by the Lambda Python runtime: shipped only when the requirements pin them.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
CACHE_ENV = "PYSFN_CACHE_DIR"
PIP_TIMEOUT = 600  # seconds for one pip install


class DependencyError(ValueError):
    """The dependencies cannot be installed for Lambda; the message says what to change."""


@dataclass(frozen=True)
class Requirements:
    lines: tuple[str, ...]   # requirement specifiers, one per line, comments dropped
    origin: str              # where they were read, for messages ("requirements.txt", ...)

    def pinned(self, name: str) -> bool:
        """Whether a requirement pins distribution ``name`` to one version (``name==1.2``)."""
        for line in self.lines:
            m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*==", line)
            if m and _normal(m.group(1)) == _normal(name):
                return True
        return False


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _read_requirements_file(path: Path) -> tuple[str, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DependencyError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("-"):
            # -r, -e, --index-url...: pip options change what is installed from where; refuse rather
            # than half-honour them.
            raise DependencyError(f"{path}:{number}: pip option '{line.split()[0]}' is not supported in "
                                  "a workflow's requirements: list plain requirements (name==version)")
        lines.append(line)
    return tuple(lines)


def _pyproject_dependencies(source_path: Path) -> Requirements | None:
    for folder in source_path.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            if tomllib is None:
                return None
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
                raise DependencyError(f"cannot read {candidate}: {e}") from None
            project = data.get("project", {})
            if _normal(str(project.get("name", ""))) == "pysfn":
                return None  # pysfn's own checkout (its examples): the compiler's needs, not a workflow's
            deps = project.get("dependencies")
            if not deps:
                return None
            if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
                raise DependencyError(f"{candidate}: [project] dependencies must be a list of strings")
            return Requirements(tuple(d.strip() for d in deps if d.strip()), str(candidate))
    return None


def _requirement_name(line: str) -> str:
    m = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)
    return _normal(m.group(0)) if m else ""


def _without_pysfn(found: Requirements | None) -> Requirements | None:
    """pysfn itself is not installed: the package carries its own dependency-free runtime."""
    if found is None:
        return None
    lines = tuple(line for line in found.lines if _requirement_name(line) != "pysfn")
    return Requirements(lines, found.origin) if lines else None


def find_requirements(source_path, requirements_file=None) -> Requirements | None:
    """The workflow's dependencies, or None when it declares none."""
    if requirements_file is not None:
        path = Path(requirements_file)
        return _without_pysfn(Requirements(_read_requirements_file(path), str(path)))
    source_path = Path(os.path.abspath(source_path))
    beside = source_path.parent / "requirements.txt"
    if beside.is_file():
        return _without_pysfn(Requirements(_read_requirements_file(beside), str(beside)))
    return _without_pysfn(_pyproject_dependencies(source_path))


def bundle(source_path, requirements_file=None, arch: str = "x86_64",
           python_version: str = DEFAULT_PYTHON) -> dict[str, Path] | None:
    """The dependency files to add to the package of ``source_path`` (None: it declares none)."""
    requirements = find_requirements(source_path, requirements_file)
    if requirements is None:
        return None
    return dependency_files(installed_dependencies(requirements, arch, python_version), requirements)


def _cache_root() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]) / "deps"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pysfn" / "deps"


def cache_key(requirements: Requirements, arch: str, python_version: str) -> str:
    text = "\n".join([ARCHITECTURES[arch], python_version, *requirements.lines])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _pip_install(requirements: Requirements, target: Path, arch: str, python_version: str) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(requirements.lines) + "\n")
        listing = f.name
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-compile", "--target", str(target), "--platform", ARCHITECTURES[arch],
               "--implementation", "cp", "--python-version", python_version, "--only-binary=:all:",
               "-r", listing]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise DependencyError(f"pip did not finish installing the dependencies of {requirements.origin} "
                              f"within {PIP_TIMEOUT} s") from None
    finally:
        os.unlink(listing)
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout).split())[-600:]
        raise DependencyError(
            f"pip could not install the dependencies of {requirements.origin} for Lambda "
            f"({ARCHITECTURES[arch]}, Python {python_version}, wheels only): {detail}")


def installed_dependencies(requirements: Requirements, arch: str = "x86_64",
                           python_version: str = DEFAULT_PYTHON) -> Path:
    """A directory holding ``requirements`` installed for Lambda (cached; built when missing)."""
    if arch not in ARCHITECTURES:
        raise DependencyError(f"unknown architecture {arch!r}: use one of {', '.join(ARCHITECTURES)}")
    if not re.fullmatch(r"3\.\d{1,2}", python_version):
        raise DependencyError(f"python version {python_version!r} is not of the form 3.12")
    folder = _cache_root() / cache_key(requirements, arch, python_version)
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Install next to the cache entry, then rename: a build interrupted halfway leaves no entry
    # that a later build would take for complete.
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        _pip_install(requirements, work, arch, python_version)
        try:
            work.rename(folder)
        except OSError:  # another build finished first: use its files
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def _runtime_provided_files(folder: Path, requirements: Requirements) -> set[str]:
    """Archive names of the distributions the Lambda runtime provides (and the user did not pin)."""
    left_out: set[str] = set()
    for info in folder.glob("*.dist-info"):
        name = info.name[:-len(".dist-info")].rsplit("-", 1)[0]
        if _normal(name) not in RUNTIME_PROVIDED or requirements.pinned(name):
            continue
        record = info / "RECORD"
        if record.is_file():
            for line in record.read_text(encoding="utf-8").splitlines():
                path = line.rsplit(",", 2)[0]
                if path and not path.startswith(".."):
                    left_out.add(path)
        left_out.update(p.relative_to(folder).as_posix() for p in info.rglob("*") if p.is_file())
    return left_out


def dependency_files(folder: Path, requirements: Requirements) -> dict[str, Path]:
    """Archive name -> file for an installed dependency folder: regular files only, no bytecode,
    no console scripts (``bin/``), nothing the Lambda runtime provides unless pinned."""
    left_out = _runtime_provided_files(folder, requirements)
    files: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink() or not path.is_file() or name in left_out:
            continue
        if name.startswith("bin/") or "__pycache__" in path.parts or name.endswith(".pyc"):
            continue
        files[name] = path
    return files
