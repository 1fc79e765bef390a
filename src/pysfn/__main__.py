from pysfn.cli import main

main()
