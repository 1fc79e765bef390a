"""Pictures of the example's machine: Mermaid, DOT, SVG, and the highlighted path of a run."""

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner

from differential import EXAMPLES
from pysfn import graph
from pysfn.cli import cli
from pysfn.compiler import compile_file

SOURCE = EXAMPLES / "analyse_text.py"


def definition():
    return compile_file(SOURCE).definition


def test_mermaid_has_every_state_with_its_source_line():
    text = graph.to_mermaid(definition())
    assert text.startswith("flowchart TD\n")
    for name in definition()["States"]:
        assert f"n_{name}" in text
    assert "analyse_text.py:50 summary = get_summary(text)" in text
    assert 'subgraph cluster_0["Parallel_L65: branch 1"]' in text
    assert "-.->|catch MalformedTextError|" in text  # catch edges are dashed


def test_dot_is_valid_for_graphviz():
    dot = graph.to_dot(definition())
    assert dot.startswith("digraph statemachine {")
    assert '"If_L55" -> "augment_L56" [label="rule 1"]' in dot
    assert "shape=diamond" in dot and "subgraph \"cluster_1\"" in dot


def test_path_is_highlighted():
    path = ["Arguments", "get_summary_L50", "If_L55", "Return_L69"]
    mermaid = graph.to_mermaid(definition(), path)
    assert "class n_If_L55 taken" in mermaid and "class n_augment_L56 taken" not in mermaid
    assert "linkStyle" in mermaid
    dot = graph.to_dot(definition(), path)
    assert '"If_L55" -> "Return_L69" [label="rule 2", color="#2e7d32", penwidth=2.5];' in dot


def test_svg_with_graphviz(tmp_path):
    assert shutil.which("dot"), "Graphviz is installed by .ci/run (apt-get install graphviz)"
    out = tmp_path / "m.svg"
    result = CliRunner().invoke(cli, ["graph", str(SOURCE), "--format", "svg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith("<?xml") and "get_summary_L50" in out.read_text()


def test_graph_command_writes_mermaid_by_default():
    proc = subprocess.run([sys.executable, "-m", "pysfn", "graph", str(SOURCE)], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("flowchart TD")
