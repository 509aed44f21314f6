from secplan.cli.app import main

main()
