"""What every layer relies on: errors, argument validation, seeded random streams, files,
devices, executors, Hypothesis profiles and the run cache. Knows no bound, model or claim."""
