"""`python -m ccrules`: the command line."""

from .cli import main

main(prog_name="ccrules")
