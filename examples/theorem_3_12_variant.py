"""A variant of Theorem 3.12 through the public API: is √(2γ) needed, or would γ² do?

A variant keeps the theorem's measurement (Algorithm 1 on the same seeds, served by the same run
cache) and changes only the bound. On two overlapping clusters (‖μ‖ within 1.5 noise widths) the
theorem holds with room to spare, and so does the conjecture with γ² in place of √(2γ): where it
was measured, the feature-learning term is not what makes the bound hold. A conjecture that the
suite refuted would be a false variant (``theorem.false_variant(bound, why_false=...)``).

Run it: ``pytest examples/theorem_3_12_variant.py``.
"""

from hypothesis import strategies as st

from gflcheck import theorem_3_12_check
from gflcheck.strategies import log_uniform, mixture_settings

overlapping = mixture_settings(
    families=st.just("two-cluster"),
    dimension=st.integers(4, 6),
    separation_to_noise=st.floats(1.0, 1.5),
    gamma=log_uniform(0.0003, 0.001),
    epsilon=st.just(0.05),
)
theorem = theorem_3_12_check(settings=overlapping)
squared = theorem.bound.variant(
    "Theorem 3.12, γ²", "OPT + r*B_a1*B_x1*gamma**2 + epsilon", "√(2γ) → γ²"
)
gamma_squared = theorem.with_bound(squared, "γ² conjecture")

test_theorem_3_12_on_overlapping_clusters = theorem.property()
test_the_gamma_squared_conjecture = gamma_squared.property()
