from stiglint.cli import main

main()
