"""The PSF.StringEquals-style helpers: ASL comparison operators with their ASL meaning."""
import pysfn as PSF


def tag(name):
    return name


@PSF.main
def helpers(value, other=None, when="2024-01-01T00:00:00Z"):
    out = tag("none")
    if PSF.StringEquals(value, "go"):
        out = tag("string-equals")
    elif PSF.NumericGreaterThan(value, 10):
        out = tag("numeric-gt")
    elif PSF.NumericLessThanEquals(value, 0):
        out = tag("numeric-le")
    elif PSF.StringMatches(value, "log-*.txt"):
        out = tag("matches")
    elif PSF.BooleanEquals(value, True):
        out = tag("bool")
    elif PSF.IsNull(value):
        out = tag("null")
    elif PSF.StringLessThan(value, "m"):
        out = tag("string-lt")
    if PSF.TimestampLessThan(when, "2025-06-01T12:00:00Z") and PSF.IsTimestamp(when):
        era = tag("before")
    else:
        era = tag("after-or-invalid")
    if PSF.IsString(other) or PSF.IsNumeric(other) and not PSF.IsBoolean(other):
        kind = tag("str-or-num")
    else:
        kind = tag("other")
    return [out, era, kind]


CASES = [
    {"value": "go"}, {"value": 11}, {"value": 0}, {"value": "log-1.txt"}, {"value": True},
    {"value": None}, {"value": "apple", "when": "2026-01-01T00:00:00Z", "other": 1},
    {"value": "zebra", "other": "s", "when": "not a time"}, {"value": 5, "other": False},
    {"value": 10.5, "other": [1]},
]
