"""gen_lambda: the dispatcher package is deterministic, complete, and runs on a bare interpreter.

The zips are built with ``build_zip`` and an explicit allow-list (no compiler needed), then run
by ``LambdaWorker``: a ``python -I -S`` subprocess that sees only the unzipped package, as the
Lambda Python runtime would. The last tests drive ``python -m pysfn.tools.gen_lambda``.
"""

import ast
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pysfn
from lambda_worker import LambdaWorker
from pysfn.packaging import PackagingError, build_zip, build_zip_bytes, find_local_modules, render_handler

DEMO = Path(__file__).parent / "fixtures" / "pkg_demo"
FLOW = DEMO / "flow.py"
CALLEES = ["analyse", "greet", "helpers.shout", "refuse", "textkit.stats.count"]
LOCAL = ["helpers.py", "shared.py", "textkit/__init__.py", "textkit/stats.py"]
RUNTIME = ["pysfn/__init__.py", "pysfn/aws.py", "pysfn/callbacks.py", "pysfn/contract.py", "pysfn/runtime.py"]


@pytest.fixture
def demo(tmp_path) -> Path:
    """A private copy of pkg_demo (tests touch mtimes and add files)."""
    copy = tmp_path / "pkg_demo"
    shutil.copytree(DEMO, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    zip_path = build_zip(FLOW, tmp_path_factory.mktemp("zip") / "demo.zip", CALLEES)
    with LambdaWorker(zip_path) as w:
        yield w


# --------------------------------------------------------------------------- local modules

def test_finds_local_module_package_and_transitive_imports_only():
    found = [p.relative_to(DEMO).as_posix() for p in find_local_modules(FLOW)]
    assert found == LOCAL  # not flow.py, unused.py, pysfn, json, os.path, collections


def _write(root: Path, files: dict) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _names(root: Path, module="main.py") -> list[str]:
    return [p.relative_to(root).as_posix() for p in find_local_modules(root / module)]


def test_relative_imports_resolve_from_the_source_directory(tmp_path):
    _write(tmp_path, {"main.py": "from . import a\nfrom .b import thing\nfrom .. import outside\n",
                      "a.py": "", "b.py": "", "outside.py": "", "other.py": ""})
    assert _names(tmp_path) == ["a.py", "b.py"]


def test_package_relative_imports_stay_in_the_package(tmp_path):
    _write(tmp_path, {"main.py": "import pkg.sub\n", "pkg/__init__.py": "from .sub import x\n",
                      "pkg/sub.py": "from .. import top\nx = 1\n", "sub.py": "", "top.py": ""})
    assert _names(tmp_path) == ["pkg/__init__.py", "pkg/sub.py", "top.py"]


def test_package_wins_over_module_and_pysfn_is_never_local(tmp_path):
    _write(tmp_path, {"main.py": "import both, pysfn\nimport pysfn as PSF\n", "both.py": "",
                      "both/__init__.py": "", "pysfn.py": "", "pysfn/__init__.py": ""})
    assert _names(tmp_path) == ["both/__init__.py"]


def test_imports_anywhere_cycles_and_broken_modules(tmp_path):
    _write(tmp_path, {"main.py": "def f():\n    import a\ntry:\n    import b\nexcept ImportError:\n    pass\n",
                      "a.py": "import main, a, b\n", "b.py": "this is not python(\n",
                      "ns/x.py": "", "main2.py": "import ns\n"})
    assert _names(tmp_path) == ["a.py", "b.py"]
    assert _names(tmp_path, "main2.py") == []  # a directory without __init__.py is not a local package


# --------------------------------------------------------------------------- the zip

def test_layout(tmp_path):
    archive = zipfile.ZipFile(build_zip(FLOW, tmp_path / "demo.zip", CALLEES))
    infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(["flow.py", "handler.py", *LOCAL, *RUNTIME])
    for info in infos:
        assert not info.is_dir() and not info.filename.startswith("/") and ".." not in info.filename.split("/")
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644 and info.create_system == 3
        assert info.compress_type == zipfile.ZIP_DEFLATED
    runtime_dir = Path(pysfn.__file__).parent
    for name in RUNTIME:
        assert archive.read(name) == (runtime_dir / name.split("/")[1]).read_bytes()
    assert archive.read("flow.py") == FLOW.read_bytes()
    assert archive.read("handler.py").decode() == render_handler("flow", CALLEES)


def test_deterministic_across_builds_mtimes_modes_and_directories(demo, tmp_path):
    first = build_zip_bytes(FLOW, CALLEES)
    assert build_zip_bytes(FLOW, list(reversed(CALLEES))) == first
    for path in demo.rglob("*.py"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
        path.chmod(0o755)
    (demo / "textkit" / "__pycache__").mkdir()
    (demo / "textkit" / "__pycache__" / "stats.cpython-311.pyc").write_bytes(b"junk")
    assert build_zip_bytes(demo / "flow.py", CALLEES) == first  # another place, other mtimes
    written = build_zip(demo / "flow.py", tmp_path / "again.zip", CALLEES)
    assert written.read_bytes() == first


def test_explicit_local_modules_may_name_packages(demo):
    (demo / "textkit" / "__pycache__").mkdir()
    (demo / "textkit" / "__pycache__" / "x.pyc").write_bytes(b"junk")
    explicit = build_zip_bytes(demo / "flow.py", CALLEES, [demo / "helpers.py", demo / "shared.py", demo / "textkit"])
    assert explicit == build_zip_bytes(demo / "flow.py", CALLEES)


@pytest.mark.parametrize("key", ["", "a b", "1x", "a..b", ".a", "a.", "os.system('x')", "class", "a.def", "a-b"])
def test_bad_callee_keys_are_rejected(key):
    with pytest.raises(PackagingError, match="is not a dotted Python name"):
        build_zip_bytes(FLOW, ["greet", key])
    assert issubclass(PackagingError, ValueError)


def test_bad_sources_and_local_modules_are_rejected(tmp_path, demo):
    for name, message in [("my-flow.py", "rename the file to a Python identifier"),
                          ("handler.py", "would clash with the package's own 'handler'"),
                          ("pysfn.py", "would clash")]:
        (tmp_path / name).write_text("def f():\n    return 1\n")
        with pytest.raises(PackagingError, match=message):
            build_zip_bytes(tmp_path / name, ["f"])
    (tmp_path / "elsewhere.py").write_text("")
    with pytest.raises(PackagingError, match="is not inside the workflow's directory"):
        build_zip_bytes(demo / "flow.py", [], [tmp_path / "elsewhere.py"])
    (demo / "handler.py").write_text("")
    with pytest.raises(PackagingError, match="local module handler.py would clash"):
        build_zip_bytes(demo / "flow.py", [], [demo / "handler.py"])
    with pytest.raises(PackagingError, match="cannot read"):
        build_zip_bytes(demo / "flow.py", [], [demo / "missing.py"])


def test_handler_is_plain_python_3_10_without_dynamic_lookups():
    text = render_handler("flow", CALLEES)
    tree = ast.parse(text, feature_version=(3, 10))
    assert ast.get_docstring(tree)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not called & {"getattr", "eval", "exec", "compile", "__import__"}
    assert "pickle" not in text and "importlib" not in text
    assert ('"textkit.stats.count": lambda *args, **kwargs: _undecorated(_workflow.textkit.stats.count)'
            '(*args, **kwargs)') in text


# --------------------------------------------------------------------------- the zip, running

def test_worker_imports_pysfn_from_the_zip_only(worker):
    assert Path(worker.pysfn_file).is_relative_to(worker.root)
    assert not any("site-packages" in entry for entry in worker.sys_path)
    probe = subprocess.run([sys.executable, "-I", "-S", "-c", "import pysfn"], capture_output=True, cwd="/")
    assert probe.returncode != 0  # so the worker could not have used the installed pysfn


def test_results_round_trip_with_defaults_and_kwargs(worker):
    assert worker.invoke({"callee": "greet", "args": ["ann"]}) == {
        "ok": {"text": "hello, ann!", "shouted": "ANN!"}}
    assert worker.invoke({"callee": "greet", "args": ["ann", "hi"], "kwargs": {"punctuation": "?"}}) == {
        "ok": {"text": "hi, ann?", "shouted": "ANN!"}}
    assert worker.invoke({"callee": "analyse", "kwargs": {"text": "b a b", "lang": "en"}}) == {
        "ok": {"count": 3, "common": "b", "options": {"lang": "en"}, "ext": ".txt"}}
    assert worker.invoke({"callee": "helpers.shout", "args": ["x"]}) == {"ok": "X!"}
    assert worker.invoke({"callee": "textkit.stats.count", "args": ["one two"]}) == {"ok": 2}


def test_callee_exceptions_keep_their_class_name(worker):
    assert worker.invoke({"callee": "analyse", "args": ["one", 3]}) == {
        "errorType": "TextTooShort", "errorMessage": "1 word(s), wanted 3"}
    response = worker.invoke({"callee": "greet", "args": []})
    assert response["errorType"] == "TypeError" and "name" in response["errorMessage"]


def test_fail_surfaces_with_its_error_name(worker):
    assert worker.invoke({"callee": "refuse", "args": ["why"]}) == {"errorType": "MyError", "errorMessage": "why"}
    assert worker.invoke({"callee": "refuse"}) == {"errorType": "MyError", "errorMessage": "no reason"}


DEEP = [1]
for _ in range(200):
    DEEP = [DEEP]


@pytest.mark.parametrize("event, message", [
    (["greet"], "the event must be an object"),
    ("greet", "not str"),
    (None, "not null"),
    ({}, 'the event has no "callee"'),
    ({"callee": 1}, '"callee" must be a string, not int'),
    ({"callee": "not_a_callee"}, "unknown callee 'not_a_callee': this dispatcher runs only analyse, greet,"),
    ({"callee": "os.system", "args": ["true"]}, "unknown callee 'os.system'"),
    ({"callee": "__init__"}, "unknown callee"),
    ({"callee": "greet", "args": "ann"}, '"args" must be a list, not str'),
    ({"callee": "greet", "args": {"name": "ann"}}, '"args" must be a list, not dict'),
    ({"callee": "greet", "kwargs": ["ann"]}, '"kwargs" must be an object, not list'),
    ({"callee": "greet", "args": ["a"], "extra": 1}, "unexpected key(s) in the event: 'extra'"),
    ({"callee": "greet", "Payload": {}}, "unexpected key(s) in the event: 'Payload'"),
    # hostile: names that would reach code through attribute or import lookups elsewhere
    ({"callee": "greet.__globals__"}, "unknown callee 'greet.__globals__'"),
    ({"callee": "../flow.greet"}, "unknown callee"),
    ({"callee": "pysfn_extracted_flow.L1_1"}, "unknown callee 'pysfn_extracted_flow.L1_1'"),
    ({"callee": "__import__('os').system('true')"}, "unknown callee"),
    ({"callee": "greet" * 10000}, "unknown callee"),
    ({"callee": "greet", "args": [DEEP], "extra": None}, "unexpected key(s) in the event: 'extra'"),
    ({"callee": "greet", "args": ["a"], "catch": "ValueError"}, '"catch" must be a list of error names'),
    ({"callee": "greet", "args": ["a"], "catch": [1]}, '"catch" must be a list of error names'),
])
def test_malformed_events_are_dispatch_errors(worker, event, message):
    response = worker.invoke(event)
    assert response["errorType"] == "PysfnDispatchError"
    assert message in response["errorMessage"]


def test_kwargs_keys_must_be_strings():
    """JSON keys are always strings, so this is checked in-process, on the same handler code."""
    namespace = {}
    sys.path.insert(0, str(DEMO))
    try:
        exec(compile(render_handler("flow", CALLEES), "handler.py", "exec"), namespace)
    finally:
        sys.path.remove(str(DEMO))
    with pytest.raises(namespace["PysfnDispatchError"], match=r'"kwargs" keys must be strings, not int \(1\)'):
        namespace["dispatch"]({"callee": "greet", "args": ["a"], "kwargs": {1: "x"}}, None)
    # Fail classes are made once per error name.
    errors = []
    for _ in range(2):
        with pytest.raises(Exception) as info:
            namespace["dispatch"]({"callee": "refuse"}, None)
        errors.append(type(info.value))
    assert errors[0] is errors[1] and errors[0].__name__ == "MyError" and errors[0].__module__ == "pysfn.errors"
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_a_missing_callee_fails_when_the_function_starts(tmp_path):
    zip_path = build_zip(FLOW, tmp_path / "bad.zip", ["greet", "no_such_function"])
    worker = LambdaWorker(zip_path)
    with pytest.raises(RuntimeError, match="AttributeError: .*no_such_function"):
        worker.__enter__()
    worker.close()


# --------------------------------------------------------------------------- the tool

def gen_lambda(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pysfn.tools.gen_lambda", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


def test_tool_builds_the_compiled_allow_list(tmp_path):
    done = gen_lambda(FLOW, tmp_path / "demo.zip")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1 and "helpers.shout" in done.stderr
    names = zipfile.ZipFile(tmp_path / "demo.zip").namelist()
    assert names == sorted(["flow.py", "handler.py", *LOCAL, *RUNTIME])
    with LambdaWorker(tmp_path / "demo.zip") as worker:
        assert worker.invoke({"callee": "helpers.shout", "args": ["x"]}) == {"ok": "X!"}
        assert worker.invoke({"callee": "refuse"})["errorType"] == "PysfnDispatchError"  # not used by demo
    again = gen_lambda(FLOW, tmp_path / "again.zip")
    assert again.returncode == 0 and (tmp_path / "again.zip").read_bytes() == (tmp_path / "demo.zip").read_bytes()


@pytest.mark.parametrize("source, zip_name, expected", [
    ("missing.py", "x.zip", "{tmp}/missing.py:1:1: error: no such file\nhint: "),
    ("adir", "x.zip", "{tmp}/adir:1:1: error: is a directory, not a Python file\nhint: "),
    ("flow.py", "no-dir/x.zip", "error: cannot write {tmp}/no-dir/x.zip: No such file or directory\n"),
    ("flow.py", "adir", "error: cannot write {tmp}/adir: Is a directory\n"),
    ("my-flow.py", "x.zip", "error: the module name 'my-flow' cannot be imported by the handler"),
])
def test_tool_errors_are_one_line(tmp_path, source, zip_name, expected):
    shutil.copytree(DEMO, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "adir").mkdir()
    (tmp_path / "my-flow.py").write_text("import pysfn as PSF\n\ndef f():\n    return 1\n\n"
                                         "@PSF.main\ndef m():\n    return f()\n")
    done = gen_lambda(tmp_path / source, tmp_path / zip_name)
    assert done.returncode == 1
    assert done.stderr.startswith(expected.format(tmp=tmp_path))
    assert done.stderr.count("\n") == 1 or "\nhint: " in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_tool_prints_compile_errors_as_diagnostics(tmp_path):
    (tmp_path / "broken.py").write_text("import pysfn as PSF\n\n@PSF.main\ndef m(x):\n    return x +\n")
    done = gen_lambda(tmp_path / "broken.py", tmp_path / "x.zip")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{tmp_path / 'broken.py'}:5:") and "error: syntax error" in done.stderr
    assert not (tmp_path / "x.zip").exists()


def test_package_directories_ship_python_files_only(tmp_path):
    """Secrets next to the code (.env, credentials.json) never get into the zip."""
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("def price(x):\n    return x\n")
    (pkg / ".env").write_text("AWS_SECRET_ACCESS_KEY=oops\n")
    (pkg / "credentials.json").write_text("{}")
    (pkg / ".hidden").mkdir()
    (pkg / ".hidden" / "tool.py").write_text("x = 1\n")
    (tmp_path / ".env").write_text("TOKEN=oops\n")
    flow = tmp_path / "flow.py"
    flow.write_text("import pysfn as PSF\nimport shop\n\n@PSF.main\ndef f(x):\n    return shop.price(x)\n")
    names = zipfile.ZipFile(build_zip(flow, tmp_path / "out.zip", ["shop.price"])).namelist()
    assert "shop/__init__.py" in names
    assert not [n for n in names if ".env" in n or "credentials" in n or ".hidden" in n], names
    for info in zipfile.ZipFile(tmp_path / "out.zip").infolist():
        assert not info.filename.startswith(("/", "..")) and ".." not in info.filename.split("/")
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr >> 16 == 0o100644


def test_an_error_is_reported_under_the_nearest_base_the_calling_state_matches():
    """error_matching.py: library subclasses reach `except Base` by name; elsewhere they keep theirs."""
    import json
    namespace = {}
    sys.path.insert(0, str(DEMO))
    try:
        exec(compile(render_handler("flow", CALLEES), "handler.py", "exec"), namespace)
    finally:
        sys.path.remove(str(DEMO))
    matched = namespace["_matched_base"]
    try:
        json.loads("")
    except ValueError as e:
        decode_error = e
    assert matched(decode_error, ["UnicodeError", "ValueError"]) == "ValueError"
    assert matched(decode_error, ["JSONDecodeError", "ValueError"]) is None   # its own name is matched
    assert matched(decode_error, ["KeyError"]) is None                        # nothing would match it
    assert matched(decode_error, []) is None
    assert matched(FileNotFoundError("x"), ["OSError", "FileNotFoundError"]) is None
    assert matched(UnicodeDecodeError("utf-8", b"", 0, 1, "bad"), ["ValueError"]) == "ValueError"
