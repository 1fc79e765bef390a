"""Third-party dependencies in the dispatcher package: found, installed for Lambda, imported.

The bundling test installs real packages from PyPI (a pure-Python one and one whose wheel holds a
compiled extension) for manylinux x86_64 and this interpreter's Python, then imports them from the
unzipped package in a clean interpreter (``python -I -S``: no site-packages, nothing but the zip).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from pysfn.cli import cli
from pysfn.compiler import compile_file
from pysfn.deploy import AwsError, deploy
from pysfn.packaging import build_zip_bytes
from pysfn.packaging import zipper
from pysfn.packaging.dependencies import (DependencyError, Requirements, bundle, dependency_files,
                                          find_requirements)

HERE_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
WORKFLOW = '''
import pysfn as PSF
import six
from markupsafe import escape, _speedups


def render(name):
    # six is pure Python; markupsafe's _speedups is a compiled extension built for Linux
    return {"html": str(escape(name)), "six": six.__version__, "compiled": _speedups.__name__}


@PSF.main
def page(name):
    return render(name)
'''
REQUIREMENTS = "six==1.16.0\nmarkupsafe==2.1.5  # a manylinux wheel with a C extension\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PYSFN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _project(tmp_path: Path, requirements: str | None = REQUIREMENTS) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "flow.py").write_text(WORKFLOW)
    if requirements is not None:
        (folder / "requirements.txt").write_text(requirements)
    return folder / "flow.py"


def _package(source: Path, **options) -> bytes:
    compiled = compile_file(source)
    deps = bundle(compiled.source_path, python_version=HERE_PYTHON, **options)
    return build_zip_bytes(compiled.source_path, compiled.callees, compiled.local_modules,
                           compiled.extracted_source, deps)


def test_where_requirements_come_from(tmp_path):
    source = _project(tmp_path, requirements=None)
    assert find_requirements(source) is None
    (source.parent / "pyproject.toml").write_text(textwrap.dedent('''
        [project]
        name = "orders"
        dependencies = ["requests>=2", "pysfn"]
    '''))
    found = find_requirements(source)
    assert found.lines == ("requests>=2",) and found.origin.endswith("pyproject.toml")  # pysfn: never installed
    (source.parent / "requirements.txt").write_text("# pinned\nsix==1.16.0\n\nattrs  # any\n")
    assert find_requirements(source).lines == ("six==1.16.0", "attrs")  # next to the module wins
    explicit = tmp_path / "other.txt"
    explicit.write_text("idna==3.7\n")
    assert find_requirements(source, explicit).lines == ("idna==3.7",)  # --requirements wins


def test_pysfn_checkouts_own_pyproject_is_not_a_workflows(tmp_path):
    """An example inside pysfn's repository must not bundle the compiler's own dependencies."""
    examples = Path(__file__).resolve().parents[1] / "examples" / "analyse_text.py"
    assert find_requirements(examples) is None


def test_pip_options_in_requirements_are_refused(tmp_path):
    source = _project(tmp_path, requirements="-e ../mylib\n")
    with pytest.raises(DependencyError, match=r"requirements.txt:1: pip option '-e' is not supported"):
        find_requirements(source)


def test_runtime_provided_packages_are_left_out_unless_pinned(tmp_path):
    """boto3/botocore/s3transfer: the Lambda runtime has them (judged from pip's RECORD files)."""
    folder = tmp_path / "installed"
    for dist, files in {"boto3-1.35.0": ["boto3/__init__.py"], "requests-2.32.3": ["requests/__init__.py"]}.items():
        info = folder / f"{dist}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text("Name: x\n")
        (info / "RECORD").write_text("".join(f"{f},sha256=x,1\n" for f in files)
                                     + f"{dist}.dist-info/RECORD,,\n")
        for f in files:
            (folder / f).parent.mkdir(parents=True, exist_ok=True)
            (folder / f).write_text("")
    (folder / "bin").mkdir()
    (folder / "bin" / "normalizer").write_text("#!python")
    unpinned = dependency_files(folder, Requirements(("requests", "boto3>=1"), "r.txt"))
    assert sorted(unpinned) == ["requests-2.32.3.dist-info/METADATA", "requests-2.32.3.dist-info/RECORD",
                                "requests/__init__.py"]
    pinned = dependency_files(folder, Requirements(("requests", "boto3==1.35.0"), "r.txt"))
    assert "boto3/__init__.py" in pinned and "bin/normalizer" not in pinned


def test_bundled_dependencies_import_from_the_package_in_a_clean_interpreter(tmp_path, cache):
    source = _project(tmp_path)
    data = _package(source)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "six.py" in names and "markupsafe/__init__.py" in names
    assert any(n.startswith("markupsafe/_speedups") and n.endswith(".so") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(io.BytesIO(data)).extractall(unpacked)
    event = {"callee": "render", "args": ["<b>Straße</b>"], "kwargs": {}}
    script = ("import json, sys; sys.path.insert(0, sys.argv[1]); import handler; "
              "print(json.dumps(handler.dispatch(json.loads(sys.argv[2]), None)))")
    done = subprocess.run([sys.executable, "-I", "-S", "-c", script, str(unpacked), json.dumps(event)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {"html": "&lt;b&gt;Straße&lt;/b&gt;", "six": "1.16.0", "compiled": "markupsafe._speedups"}


def test_same_inputs_same_zip_from_the_cache_and_from_a_fresh_install(tmp_path, cache, monkeypatch):
    source = _project(tmp_path)
    first = _package(source)
    assert _package(source) == first  # from the cache
    monkeypatch.setenv("PYSFN_CACHE_DIR", str(tmp_path / "fresh-cache"))
    assert _package(source) == first  # installed again: the same bytes


def test_a_dependency_that_cannot_be_installed_for_lambda_is_one_clear_line(tmp_path, cache):
    source = _project(tmp_path, requirements="pysfn-no-such-package-exists==0.0.1\n")
    out = tmp_path / "out.zip"
    result = CliRunner().invoke(cli, ["package", str(source), str(out)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("error: pip could not install the dependencies of ") and "requirements.txt" in first
    assert "Traceback" not in result.output and not out.exists()


def test_package_command_reports_the_bundle_and_no_dependencies_leaves_it_out(tmp_path, cache):
    source = _project(tmp_path)
    out = tmp_path / "out.zip"
    result = CliRunner().invoke(cli, ["package", str(source), str(out), "--python-version", HERE_PYTHON])
    assert result.exit_code == 0, result.output
    assert "dependency file(s) for x86_64" in result.output
    assert "six.py" in zipfile.ZipFile(out).namelist()
    result = CliRunner().invoke(cli, ["package", str(source), str(out), "--no-dependencies"])
    assert result.exit_code == 0 and "six.py" not in zipfile.ZipFile(out).namelist()


def test_a_dependency_may_not_replace_the_workflows_own_files(tmp_path):
    source = _project(tmp_path, requirements=None)
    fake = tmp_path / "handler.py"
    fake.write_text("")
    compiled = compile_file(source)
    with pytest.raises(zipper.PackagingError, match="a dependency installs 'handler.py', which clashes"):
        build_zip_bytes(compiled.source_path, compiled.callees, dependencies={"handler.py": fake})


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "analyse_text.py"


def test_deploy_over_the_direct_upload_limit_needs_a_bucket(aws, monkeypatch):
    monkeypatch.setattr(zipper, "DIRECT_UPLOAD_LIMIT", 1000)  # the example's zip is a few KB
    with pytest.raises(AwsError, match=r"Lambda takes at most 0.001 MB uploaded directly: give --bucket BUCKET"):
        deploy(EXAMPLE, "texts")


def test_deploy_stages_the_package_through_s3_and_sets_the_architecture(aws):
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket="artefacts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    lines = []
    deploy(EXAMPLE, "texts", bucket="artefacts", arch="arm64", echo=lines.append)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="artefacts")["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("pysfn/texts-dispatcher/") and keys[0].endswith(".zip")
    config = boto3.client("lambda", region_name="eu-west-1").get_function_configuration(FunctionName="texts-dispatcher")
    assert config["Architectures"] == ["arm64"]
    assert any("package uploaded to s3://artefacts/" in line for line in lines)
    zipped = s3.get_object(Bucket="artefacts", Key=keys[0])["Body"].read()
    assert "handler.py" in zipfile.ZipFile(io.BytesIO(zipped)).namelist()
