"""What the claims train and measure: distributions, networks, trainers, NTK quantities,
gradient features and explicit ground truths."""
