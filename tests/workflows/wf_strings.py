"""String methods with CPython's Unicode meaning in every engine: case mapping (not casefolding),
Unicode whitespace for strip/split, and code points (not UTF-16 units) for len, indexing and
iteration of text holding characters above U+FFFF."""
import pysfn as PSF


@PSF.main
def strings(s, p="a"):
    cases = {"lower": s.lower(), "upper": s.upper()}
    titled = s.title()  # no JSONata form: extracted into the Lambda
    quoted = 'say "hi" \\ tab\there\n👍'  # a literal with escapes in the definition's JSON
    stripped = {"strip": s.strip(), "lstrip": s.lstrip(), "rstrip": s.rstrip(), "split": s.split()}
    size = len(s)
    first = s[0] if s else ""
    last = s[-1] if s else ""
    second = s[1] if len(s) > 1 else ""
    chars = []
    for c in s:
        chars.append(c)
    codes = [c for c in s]
    affixes = {"starts": s.startswith(p), "ends": s.endswith(p), "spaced": s.replace("", "."),
               "parts": s.split(p) if p else []}
    return {"cases": cases, "title": titled, "stripped": stripped, "len": size, "first": first, "second": second,
            "last": last, "chars": chars, "codes": codes, "affixes": affixes,
            "order": [s < p, s <= p, s > p, s >= p, p < s],
            "line": f"{s.upper()}|{len(s)}|{s.strip()}", "quoted": [quoted, quoted + s, len(quoted)]}


TEXTS = ["İstanbul", "ǆemal", "👍", "a👍b👍", "👍 ok 👍", "a\u00a0b", "\u3000x\u3000",
         "", " \t a  b \n", "x\u2028y\u0085", "\u00a0", "e\u0301", "𝔘𝔫𝔦", "ABC abc",
         "\U0001F600\U0001F600x"]
CASES = ([{"s": text} for text in TEXTS]
         + [{"s": "👍a👍", "p": "👍"}, {"s": "a👍", "p": "a"}, {"s": "aXXX", "p": "XX"}, {"s": "Strasse", "p": "se"},
            {"s": "👍", "p": ""}, {"s": "x", "p": "👍x"},
            # CPython orders by code points; UTF-16 would put 👍 (D83D DC4D) below U+E000..U+FFFF
            {"s": "\ue000", "p": "👍"}, {"s": "a\uffff", "p": "a👍"}, {"s": "👍", "p": "👍a"}, {"s": "😀", "p": "👍"}])
# Where lower() and casefold() differ (ß, ligatures, final sigma): AWS's $lowercase is Python's
# lower(), and so are the oracle's engines (jsonata-python patched in tests/oracle.py) and
# pysfn.local's (src/pysfn/local/aws_jsonata.py).
CASES += [{"s": "Straße"}, {"s": "ﬁne ﬂow"}, {"s": "ΑΣ ΟΔΟΣ"}, {"s": "Straße", "p": "ße"}, {"s": "ẞ ŉ µ ſ"}]
