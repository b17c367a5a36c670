"""Glasgow 2023 (ICLR 2024) as a cross-check from outside the seeds (tag: secondary): standard
minibatch SGD on a two-layer ReLU network, both layers trained on the logistic loss, learns XOR on
the hypercube with Θ(d polylog d) samples. Measured as the growth of the sample need over
d ∈ {16, 20, …, 128} (ten points, 16 seeds; test error ≤ 0.05 on 4000 fresh points): the two
sides of the Θ, O(d·(log d)²) and Ω(d), and false variants refuted.

Each test case is one of the main job's declared entries (``gflcheck.catalogue``), judged as the
entry expects.
"""

from __future__ import annotations

import pytest

from gflcheck import catalogue
from gflcheck.core.declare import entries_property

pytestmark = pytest.mark.expensive

test_minibatch_sgd_on_cube_xor = entries_property(catalogue.entries("glasgow/cube-xor/"))
