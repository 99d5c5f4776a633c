"""`python -m eventcat_runtime serve ...`: the runtime's command line (cli.py)."""

from .cli import main

main(prog_name="eventcat-runtime")
