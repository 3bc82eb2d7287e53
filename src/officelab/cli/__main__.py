"""`python -m officelab.cli`: the command line."""

from officelab.cli import main

main()
