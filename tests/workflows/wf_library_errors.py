"""except/retry by class hierarchy for exceptions from the standard library and other libraries:
json.JSONDecodeError under ValueError, UnicodeDecodeError, FileNotFoundError under OSError,
binascii.Error, statistics.StatisticsError, a Task inside a Parallel branch and a Map."""
import base64
import json
import statistics

import pysfn as PSF

ATTEMPTS = {}


def parse(text):
    return json.loads(text)


def decode(data):
    return bytes(data).decode("utf-8")


def read(path):
    with open(path) as f:
        return f.read()


def unpad(text):
    return base64.b64decode(text).decode()


def average(xs):
    return statistics.mean(xs)


@PSF.retry(on=[ValueError], max_attempts=2, interval=1)
def flaky_parse(key, text):
    n = ATTEMPTS.get(key, 0) + 1
    ATTEMPTS[key] = n
    if n == 1:
        return json.loads("{broken")   # JSONDecodeError: retried as a ValueError
    return json.loads(text)


@PSF.main
def library_errors(text="", data=[], path="/nonexistent/pysfn", key="k", items=[], end=False):
    out = {}
    try:
        out["parsed"] = parse(text)
    except ValueError as e:
        out["parsed"] = "ValueError: " + str(e)
    try:
        out["decoded"] = decode(data)
    except UnicodeError as e:
        out["decoded"] = "UnicodeError: " + str(e)
    except ValueError:
        out["decoded"] = "not reached: UnicodeDecodeError is a UnicodeError"
    try:
        out["read"] = read(path)
    except OSError as e:
        out["read"] = "OSError: " + str(e)
    try:
        out["unpadded"] = unpad(text)
    except (KeyError, ValueError) as e:
        out["unpadded"] = "ValueError: " + str(e)
    try:
        out["mean"] = average(data)
    except ArithmeticError:
        out["mean"] = "not reached: StatisticsError is a ValueError"
    except ValueError as e:
        out["mean"] = "ValueError: " + str(e)
    try:                   # extracted code raising a library class
        out["inline"] = json.loads(text)
    except ValueError as e:
        out["inline"] = "ValueError: " + str(e)
    out["retried"] = flaky_parse(key, "[1]")

    def branch():
        return parse(text)
    try:
        out["branch"] = PSF.parallel(branch)
    except ValueError as e:
        out["branch"] = "ValueError: " + str(e)
    try:
        mapped = [parse(t) for t in items]
        out["mapped"] = mapped
    except ValueError as e:
        out["mapped"] = "ValueError: " + str(e)
    if not end:
        return out
    try:               # a handler that does not match: the error keeps its own name
        out["uncaught_here"] = parse(text)
    except KeyError:
        out["uncaught_here"] = "not reached"
    return out


CASES = [
    {"text": '{"a": "Straße"}', "data": [104, 105], "key": "a", "items": ["1", "[]"], "end": True},
    {"text": "", "data": [255], "key": "b", "items": ["1", "x"]},
    {"text": "👍", "data": [], "key": "c", "items": []},
    {"text": "null", "data": [0xE2, 0x82], "key": "d", "items": ["null", "{"]},
    {"text": "abc", "data": [0xF0, 0x9F, 0x91, 0x8D], "key": "e", "items": ["2**53+1"], "path": "/"},
    {"text": "", "key": "f", "end": True},
    {"text": "👍", "key": "g", "end": True},
]
