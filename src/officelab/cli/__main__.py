"""`python -m officelab.cli`: the command line."""

from officelab.cli.app import main

main()
