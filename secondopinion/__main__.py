from secondopinion.cli import main

main()
