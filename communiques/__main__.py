from communiques.cli import main

main()
