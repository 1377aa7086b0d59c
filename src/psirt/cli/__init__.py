"""The command line. Modules here stay light: heavy imports happen inside the commands."""
