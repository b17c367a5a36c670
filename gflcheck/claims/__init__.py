"""One module per claim, named by paper: its setting, strategy, measurement and checks."""
