"""What a theorist imports, knowing no claim: bounds with provenance, the declared check and its
measurements, the statement kinds, grid-level exponents, estimators and verdicts."""
