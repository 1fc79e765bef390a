"""`pysfn compile --explain`'s cost line: states, fastest and slowest path, read off the graph."""

from pathlib import Path

from click.testing import CliRunner

from pysfn.cli import cli
from pysfn.compiler import compile_file, compile_source
from pysfn.compiler.cost import count_states, fastest, slowest

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_the_paths_of_the_example_match_its_runs():
    """analyse_text: 'c' texts take the shortest successful path (get_summary, which checks the
    input, the if, the Succeed), 'a'/'b' texts the longest (with the Parallel's two branches) --
    as the oracle counts them (test_example_runs_count_what_the_cost_line_says)."""
    definition = compile_file(EXAMPLES / "analyse_text.py").definition
    assert fastest(definition) == 3
    assert slowest(definition) == 7
    assert count_states(definition) == 13


def test_example_runs_count_what_the_cost_line_says():
    import sys
    sys.path.insert(0, str(Path(__file__).parent))
    import oracle
    from pysfn.packaging.inprocess import InProcessDispatcher
    compiled = compile_file(EXAMPLES / "analyse_text.py")
    dispatcher = InProcessDispatcher(EXAMPLES / "analyse_text.py", compiled.callees)
    runs = [oracle.execute(compiled.definition, {"text": t}, dispatcher.invoke)
            for t in ("cats purr", "a quick brown fox")]
    assert [r["status"] for r in runs] == ["SUCCEEDED", "SUCCEEDED"]
    assert [r["transitions"] for r in runs] == [fastest(compiled.definition), slowest(compiled.definition)]


def test_a_loop_or_a_map_has_no_bound():
    loop = compile_source("import pysfn as PSF\n\ndef f(x):\n    return x\n\n@PSF.main\ndef w(xs):\n"
                          "    for x in xs:\n        f(x)\n    return 1\n", "w.py").definition
    assert slowest(loop) is None and fastest(loop) >= 2
    mapped = compile_source("import pysfn as PSF\n\ndef f(x):\n    return x\n\n@PSF.main\ndef w(xs):\n"
                            "    return [f(x) for x in xs]\n", "w.py").definition
    assert slowest(mapped) is None


def test_explain_prints_the_cost_line():
    result = CliRunner().invoke(cli, ["compile", "--explain", str(EXAMPLES / "analyse_text.py")])
    assert result.exit_code == 0
    assert "cost: 13 states; transitions per execution: fastest successful path 3, slowest path 7" in result.output
