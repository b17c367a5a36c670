"""The set-up a claim is checked in, and the reading of an ambiguous claim.

A verdict is about a claim *in a set-up*: the data's scalings, the network and its initialisation,
the loss, the step sizes, and what ``n`` counts (fresh samples per step, or one sample reused).
Where a poster is silent the set-up is ours; where it is ambiguous, each plausible reading is a
set-up of its own, checked and reported side by side. :class:`SetUp` records it with its
provenance tag; a :class:`~gflcheck.core.declare.TheoryCheck` declares one (``setup=``), every
verdict carries it, and the verdict table and the report show it beside the verdict.

The built-in set-ups follow, one per training protocol of docs/setups.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from gflcheck.core.provenance import Tag
from gflcheck.runtime.errors import ParameterRangeError


@dataclass(frozen=True)
class SetUp:
    """The set-up of a claim: ``name`` (a short label for the verdict table), ``data`` (the
    distribution and its scalings), ``network`` (architecture, initialisation, output scaling),
    ``loss``, ``steps`` (algorithm and step sizes), ``samples`` (what ``n`` counts, and whether
    samples are reused), ``reading`` (how an ambiguous claim is read; ``as stated`` when it is
    not ambiguous) and ``tag`` (``seed``: as the poster states it; ``secondary``: as its paper or
    a cited paper states it; ``ours``: chosen here where the source is silent)."""

    name: str
    data: str
    network: str
    loss: str
    steps: str
    samples: str
    tag: Tag
    reading: str = "as stated"

    def __post_init__(self) -> None:
        if not isinstance(self.tag, Tag):
            object.__setattr__(self, "tag", Tag(self.tag))
        for name, description in self.descriptions().items():
            if not description.strip():
                raise ParameterRangeError(name, "''", "a non-empty description", "SetUp")

    def descriptions(self) -> dict[str, str]:
        """Every field but the tag, by name, in declaration order."""
        return {item.name: getattr(self, item.name) for item in fields(self) if item.name != "tag"}

    def lines(self) -> tuple[str, ...]:
        """``field: description`` lines, for a verdict's details and the report."""
        rest = [f"{name}: {text}" for name, text in self.descriptions().items() if name != "name"]
        return (f"set-up: {self.name} ({self.tag.value})", *rest)

    def record(self) -> dict[str, str]:
        """The set-up as plain JSON (verdict records, baselines, the report)."""
        return {**self.descriptions(), "tag": self.tag.value}


_TWO_LAYER_RELU = (
    "two-layer ReLU f = Σᵢ aᵢ·ReLU(⟨wᵢ,x⟩ − bᵢ), no output scaling; symmetric Gaussian "
    "initialisation (pairs ±a), σ_w = 1/√d, σ_b = 1, σ_a = 0.05/(m(B_x1 + 0.4)); biases fixed"
)


def _algorithm_1_steps(later_rate: str = "1/B_x2") -> str:
    """Algorithm 1's steps, with the declared rate of steps 2..T."""
    return (
        "Algorithm 1: step 1 on the first layer, η¹ = 1/(σ_a·B_x1), λ¹ = 1/η¹; then both layers, "
        f"η = {later_rate}, λ = 10⁻⁴"
    )


ALGORITHM_1_FRESH = SetUp(
    name="Alg. 1, fresh batches",
    data="the family's distribution at the setting's ‖μ‖ and σ (noise σ per coordinate)",
    network=_TWO_LAYER_RELU,
    loss="hinge",
    steps=_algorithm_1_steps() + "; m and T from the theorem's polynomials, constants ours",
    samples="a fresh batch at every step (n = batch size per step); the poster does not say "
    "whether samples are reused, docs/setups.md §1.2 sets fresh as the default",
    tag=Tag.SECONDARY,
)

LOTTERY_TICKETS = SetUp(
    name="Alg. 1 ×10 first step, fresh",
    data="q-direction XOR mixture, clusters ±R·uⱼ, noise N(0, I_d)",
    network=_TWO_LAYER_RELU + "; the ticket and the random subnetwork keep their initial "
    "neurons and train alone",
    loss="hinge",
    steps=_algorithm_1_steps() + ", η¹ × 10 (declared boost); the subnetwork for ⌈c·T⌉ steps",
    samples="a fresh batch at every step, the same batches for the whole network and the "
    "subnetwork",
    tag=Tag.OURS,
)

SIMPLICITY_BIAS = SetUp(
    name="population GD, mean-field",
    data="uniform cube {±1}^d, target α·x₁ + β·x₂x₃",
    network="two-layer ReLU, w ~ N(0, I/d), b = 0, a ~ N(0, (σ_a/m)²)",
    loss="square loss ½E(f − f*)², exact over the 2^d points",
    steps="gradient descent, η on a and η·m on (w, b) (mean-field scaling)",
    samples="the population: no sample (exact sums)",
    tag=Tag.OURS,
)


SIMPLICITY_BIAS_ALGORITHM_1 = SetUp(
    name="Algorithm 1, hinge loss",
    data="uniform cube {±1}^d, y = sign(x₁ + x₂x₃ + x₄x₅): a linear part and two XOR parts, "
    "each with Fourier coefficient ½",
    network="two-layer ReLU, Theorem 3.12's recipe: symmetric initialisation, w ~ N(0, I/d), "
    "b ~ N(0, 1) fixed, σ_a = 0.05/(m(√d + 0.4))",
    loss="hinge loss on fresh points",
    steps="Algorithm 1: a first step η¹ = 1/(σ_a√d) with weight decay 1/η¹ on the first layer "
    "(each neuron becomes its gradient feature), then both layers at η = 1/d, λ = 10⁻⁴",
    samples="fresh points every step; correlations exact over the 2^d points",
    tag=Tag.OURS,
)


def separation_setup(learner: str, snr_exponent: float, walked: str = "samples") -> SetUp:
    """The set-up of a separation on the XOR-like mixture: ``learner`` (``random features``,
    ``NTK-linearised``, ``trained network``) at the scaling ``‖μ‖ = R·(d/d₀)^a``,
    ``a = snr_exponent`` (0: low SNR, ½: high SNR), its need walked in ``samples`` (``n``),
    ``neurons`` (the trained network's width on 2048 points) or ``features`` (random features'
    count on ``16·d²`` points)."""
    fixed = learner != "trained network"
    regime = {
        0.0: ": Refinetti et al.'s low-SNR regime",
        0.5: ": the clusters stay apart as d grows",
    }
    scaling = f"a = {snr_exponent:g}"
    network = {
        "samples": "N = ⌈n/2⌉ fixed ReLU features (random features) or the tangent features of "
        "a width-⌈N/(d+1)⌉ network at initialisation (NTK-linearised)"
        if fixed
        else _TWO_LAYER_RELU + ", width m = 2⌈C_m ln d⌉",
        "neurons": _TWO_LAYER_RELU + ", width m walked over 2…64",
        "features": "N fixed ReLU features, N walked over 16…d² (ratio √2)",
    }
    samples = {
        "samples": "n training points per seed, the same sample for every learner; the need is "
        "the least n on a √2 grid with test error at most the level",
        "neurons": "n = 2048 training points per seed; the need is the least width with test "
        "error at most the level",
        "features": "n = 16·d² training points per seed; the need is the least N with test "
        "error at most the level",
    }
    if walked not in samples:
        raise ParameterRangeError("walked", walked, f"one of {sorted(samples)}")
    return SetUp(
        name=f"{learner}, {scaling}" + ("" if walked == "samples" else f", {walked} walked"),
        data="XOR-like mixture ±μ₁ → +1, ±μ₂ → −1, noise N(0, I_d), ‖μ‖ = R·(d/d₀)^a with "
        f"{scaling}{regime.get(snr_exponent, '')}",
        network=network[walked],
        loss="ridge regression on the labels (λ·tr(K)/n)" if fixed else "hinge",
        steps="closed form (Cholesky, float64)"
        if fixed
        else _algorithm_1_steps("8/B_x2") + ", T = 300 full-batch steps",
        samples=samples[walked],
        tag=Tag.OURS,
        reading=f"the paper's scaling of the means is not known: {scaling} of a declared family",
    )


def parity_setup(learner: str) -> SetUp:
    """The set-up of the parity separation: ``random features`` or ``trained network``."""
    fixed = learner == "random features"
    return SetUp(
        name=f"{learner}, parity population",
        data="structured k-sparse parity on {±1}^d, exact sums over the 2^d points",
        network="N fixed features ReLU(⟨w,x⟩ − b), w ~ N(0, I/d), b ~ N(0, 1)"
        if fixed
        else _TWO_LAYER_RELU,
        loss="least squares on the population (ridge λ·tr/N)" if fixed else "hinge",
        steps="closed form"
        if fixed
        else _algorithm_1_steps() + ", η¹ × 10 (declared boost), T = 2000",
        samples="the population (infinitely many samples: only the size limits it)"
        if fixed
        else "a fresh batch of 512 at every step; error: the best of 10 checkpoints",
        tag=Tag.OURS,
    )


def xor_setup(reading: str = "fresh") -> SetUp:
    """TTM's XOR set-up; ``reading``: ``fresh`` (n fresh points per step, the theorem's
    mini-batch SGD) or ``reused`` (Figure 1's "n = 6d" read as one set reused at every step)."""
    if reading not in ("fresh", "reused"):
        raise ParameterRangeError("reading", reading, "'fresh' or 'reused'", "xor_setup")
    return SetUp(
        name=f"TTM quadratic net, {reading}",
        data="x uniform on {±1}^d, y = x₁x₂",
        network="f(x) = Σⱼ aⱼ⟨wⱼ,x⟩², aⱼ = ±1/m fixed (half each), standard Gaussian first layer",
        loss="linear (correlation) loss ℓ(t) = −t",
        steps="mini-batch SGD on the first layer, η = m",
        samples="fresh points at every step (n per step)"
        if reading == "fresh"
        else "one set of n points, reused at every step",
        tag=Tag.SECONDARY,
        reading="as stated (the theorem is about mini-batch SGD)"
        if reading == "fresh"
        else "Figure 1's n = 6d as one training set: the other reading, an observation",
    )


TTM_KERNEL_LIMIT = SetUp(
    name="TTM kernel regime, infinite width",
    data="x uniform on {±1}^d, y = x₁x₂",
    network="the quadratic network linearised at its initialisation, at infinite width: its "
    "NTK is ∝ (x·x′)² (w ~ N(0, I))",
    loss="linear (correlation) loss ℓ(t) = −t",
    steps="gradient descent from f ≡ 0: f ∝ Σᵢ yᵢ(xᵢ·x)² after any number of steps (the linear "
    "loss's gradient does not depend on f), so exact, no loop",
    samples="one training set of n points",
    tag=Tag.OURS,
    reading="Table 2's kernel regime as the infinite-width linearised network (ours: the table "
    "names the regime, not the model)",
)

KERNEL_REGIME = SetUp(
    name="deep tanh net, full-batch GD",
    data="x uniform on the sphere of radius √d, a linear or product teacher with a margin; "
    "a sample not separable by the NTK features is refused",
    network="depth-L tanh network of width m, NTK parameterisation (h₁ = W₁x/√d, "
    "h_l = W_l·tanh(h_{l−1})/√m, f = vᵀtanh(h_L)/√m)",
    loss="logistic",
    steps="full-batch gradient descent, η < 1/(G₀² + ¼)",
    samples="one training set of n points, reused at every step (full batch)",
    tag=Tag.SECONDARY,
)

GLASGOW_SGD = SetUp(
    name="minibatch SGD, both layers",
    data="x uniform on {±1}^d, y = x₁x₂",
    network="two-layer ReLU network, both layers trained, width 64",
    loss="logistic",
    steps="minibatch SGD, one pass, batch 32, η = 1 (declared before measuring)",
    samples="n fresh points, each used once",
    tag=Tag.SECONDARY,
)
