"""The runtime API has its plain CPython meaning (DESIGN.md §1)."""

import pytest

import pysfn as PSF


class Flaky(Exception):
    pass


class Flakier(Flaky):
    pass


def flaky(failures, exc=Flaky):
    calls = []

    def fn(x):
        calls.append(x)
        if len(calls) <= failures:
            raise exc(f"attempt {len(calls)}")
        return x * 2
    return fn, calls


def test_main_returns_the_function_with_its_inputs_checked():
    def f(n: int, tags: list[str] = []):
        return n
    entry = PSF.main(f)
    assert entry.__wrapped__ is f and entry.__name__ == "f" and entry(2) == 2 and entry(n=3, tags=["a"]) == 3
    for call, message in [(lambda: entry(), "f() missing required input 'n'"),
                          (lambda: entry(1, extra=2), "f() got an unexpected input 'extra'"),
                          (lambda: entry(True), "f() input 'n' must be int, not bool"),
                          (lambda: entry(1, tags=["a", 2]), "f() input 'tags' must be list[str], not list")]:
        try:
            call()
        except TypeError as e:
            assert str(e) == message
        else:
            raise AssertionError(message)


def test_fail_carries_error_and_cause():
    err = PSF.Fail("Rejected", "too big")
    assert (err.error, err.cause, str(err)) == ("Rejected", "too big", "too big")
    assert isinstance(err, Exception) and PSF.error_name(err) == "Rejected"
    assert PSF.error_name(KeyError("k")) == "KeyError"


def test_parallel_and_map_run_in_order():
    assert PSF.parallel(lambda: 1, lambda: "b") == [1, "b"]
    assert PSF.map(lambda x: x + 1, [1, 2, 3], max_concurrency=2) == [2, 3, 4]


@pytest.mark.parametrize("failures, attempts", [(0, 1), (1, 2), (3, 4)])
def test_with_retry_spec_retries_like_step_functions(failures, attempts):
    fn, calls = flaky(failures)
    assert PSF.with_retry_spec(fn, (21,), ([Flaky], 1, 3, 2.0)) == 42
    assert len(calls) == attempts


def test_with_retry_spec_gives_up_after_max_attempts():
    fn, calls = flaky(10)
    with pytest.raises(Flaky):
        PSF.with_retry_spec(fn, (1,), ([Flaky], 1, 2))
    assert len(calls) == 3  # the first call and 2 retries


def test_with_retry_spec_matches_subclasses_names_and_defaults():
    fn, calls = flaky(2, Flakier)
    assert PSF.with_retry_spec(fn, (1,), ([Flaky],)) == 2           # default max_attempts 3
    fn, calls = flaky(1, ValueError)
    assert PSF.with_retry_spec(fn, (1,), (["ValueError"], 1, 1)) == 2
    fn, calls = flaky(1, ValueError)
    with pytest.raises(ValueError):
        PSF.with_retry_spec(fn, (1,), ([Flaky], 1, 5))            # not matched: not retried
    assert len(calls) == 1


def test_the_first_matching_spec_decides_even_when_exhausted():
    fn, calls = flaky(3, Flakier)
    with pytest.raises(Flakier):  # as in ASL: no fall-through to the next retrier
        PSF.with_retry_spec(fn, (1,), ([Flakier], 1, 1), (["States.ALL"], 1, 5))
    assert len(calls) == 2


def test_each_retry_spec_counts_its_own_attempts():
    calls = []

    def alternating(x):
        calls.append(x)
        if len(calls) <= 4:
            raise (Flakier if len(calls) % 2 else ValueError)("again")
        return "done"
    assert PSF.with_retry_spec(alternating, (1,), ([Flakier], 1, 2), ([ValueError], 1, 2)) == "done"
    assert len(calls) == 5


def test_decorators_are_no_ops_natively():
    @PSF.retry(on=[Flaky], max_attempts=2)
    @PSF.timeout(30)
    def callee(x):
        return x
    assert callee(3) == 3
    assert PSF.wait(10) is None and PSF.wait(until="2030-01-01T00:00:00Z") is None


def test_promise_chains():
    assert PSF.promise(lambda a, b: a + b, 1, 2).then(lambda v: v * 10).result() == 30
    handled = PSF.promise(lambda: 1 / 0).then(lambda v: v + 1).catch(lambda e: e).result()
    assert handled == {"error": "ZeroDivisionError", "cause": "division by zero"}
    assert PSF.promise(lambda: 1 / 0).catch(lambda e: 0).then(lambda v: v + 5).result() == 5
    with pytest.raises(ZeroDivisionError):
        PSF.promise(lambda: 1 / 0).catch(KeyError, lambda e: 0).result()
    assert PSF.promise(lambda: 1 / 0).catch(ArithmeticError, lambda e: "arith").result() == "arith"


@pytest.mark.parametrize("helper, a, b, expected", [
    ("StringEquals", "a", "a", True), ("StringEquals", 1, 1, False),
    ("StringLessThan", "a", "b", True), ("StringGreaterThanEquals", "b", "b", True),
    ("NumericEquals", 2, 2.0, True), ("NumericEquals", True, 1, False),
    ("NumericGreaterThan", 3, 2, True), ("NumericLessThanEquals", "1", 2, False),
    ("BooleanEquals", True, True, True), ("BooleanEquals", 1, True, False),
    ("TimestampLessThan", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01+00:00", True),
    ("TimestampEquals", "2024-01-01T00:00:00Z", "not a time", False),
    ("StringMatches", "log-12.txt", "log-*.txt", True), ("StringMatches", "a*b", "a\\*b", True),
    ("StringMatches", "axb", "a\\*b", False), ("StringMatches", "line\nbreak", "line*", True),
])
def test_comparison_helpers(helper, a, b, expected):
    assert getattr(PSF, helper)(a, b) is expected


@pytest.mark.parametrize("helper, value, expected", [
    ("IsNull", None, True), ("IsNull", 0, False), ("IsString", "", True), ("IsNumeric", True, False),
    ("IsNumeric", 1.5, True), ("IsBoolean", False, True), ("IsTimestamp", "2024-02-03T04:05:06Z", True),
    ("IsTimestamp", "yesterday", False), ("IsPresent", None, True),
])
def test_type_helpers(helper, value, expected):
    assert getattr(PSF, helper)(value) is expected


def test_runtime_imports_nothing_outside_the_stdlib():
    import ast
    import pathlib
    import sys
    runtime = pathlib.Path(PSF.__file__).parent
    for name in ("__init__.py", "runtime.py", "contract.py", "aws.py", "callbacks.py"):
        tree = ast.parse((runtime / name).read_text())
        if name == "aws.py":  # boto3 only inside the call (the Lambda runtime has it), never at import
            for function in (f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)):
                for inner in ast.walk(function):
                    if isinstance(inner, ast.Import):
                        assert [a.name for a in inner.names] == ["boto3"]
                    elif isinstance(inner, ast.ImportFrom):
                        assert inner.module in ("botocore.exceptions", "boto3")
            tree = ast.Module([n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.ClassDef))], [])
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                assert top in sys.stdlib_module_names or mod in (
                    "pysfn", "pysfn.runtime", "pysfn.contract", "pysfn.aws", "pysfn.callbacks", "__future__"), mod


def test_retry_reruns_a_flaky_callee_natively_as_step_functions_counts():
    calls = []

    @PSF.retry(on=[ValueError], max_attempts=2)
    @PSF.retry(on=["KeyError"], max_attempts=1)
    def flaky(fail_times, error=ValueError):
        calls.append(1)
        if len(calls) <= fail_times:
            raise error("no")
        return len(calls)

    assert flaky(2) == 3                      # two retries allowed on ValueError
    calls.clear()
    try:
        flaky(3)
    except ValueError:
        assert len(calls) == 3                # 1 attempt + 2 retries, then the error
    else:
        raise AssertionError("should fail")
    calls.clear()
    assert flaky(1, KeyError) == 2            # the KeyError retrier counts on its own
    calls.clear()
    try:
        flaky(1, TypeError)                   # matches no retrier: not retried
    except TypeError:
        assert len(calls) == 1
    assert flaky.__pysfn_callee__.__name__ == "flaky" and flaky.__pysfn_callee__ is not flaky


def test_with_retry_spec_on_a_retrying_callee_is_one_retry_list():
    calls = []

    @PSF.retry(on=[ValueError], max_attempts=1)
    def flaky():
        calls.append(1)
        raise ValueError("no")

    try:
        PSF.with_retry_spec(flaky, (), ([ValueError], 1, 1))
    except ValueError:
        pass
    assert len(calls) == 2  # the call's spec decides (first match): 1 attempt + 1 retry, as compiled


def test_a_raising_catch_handler_is_caught_by_a_later_catch():
    def fail(_):
        raise KeyError("again")
    value = PSF.promise(int, "x").catch(fail).catch(lambda e: e["error"]).result()
    assert value == "KeyError"
