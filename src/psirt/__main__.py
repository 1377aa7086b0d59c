from psirt.cli.app import main

main()
