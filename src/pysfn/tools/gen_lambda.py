"""``python -m pysfn.tools.gen_lambda SOURCE ZIP [--entry NAME]``: the dispatcher Lambda package."""

from pysfn.cli import package_command

if __name__ == "__main__":
    package_command(prog_name="python -m pysfn.tools.gen_lambda")
