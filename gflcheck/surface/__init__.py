"""The product surface: the CLI, the pytest plugin, the report, baselines, power and
sensitivity. It reads recorded verdicts and their evidence."""
