"""``python -m pysfn.tools.compile SOURCE [LAMBDA_ARN] [--entry NAME] [-o FILE]``: the ASL JSON."""

from pysfn.cli import compile_command

if __name__ == "__main__":
    compile_command(prog_name="python -m pysfn.tools.compile")
