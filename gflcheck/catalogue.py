"""The default checks (the main job of ``gflcheck check``) and the declared sweeps behind the rates.

Each :class:`CatalogueEntry` pairs a fixed setting with a statement: the theorem itself, or a
deliberately false variant on a setting where it is false, for the claims in scope
(Shi–Wei–Liang Theorem 3.12 on its four families, simplicity bias, lottery tickets and the
separation from fixed features;
Taheri–Thrampoulidis–Mazumdar's XOR claim and kernel-regime bounds).
The settings are fixed, so the main job's numbers are reproducible. The sweeps are the declared
grids of the rate properties (``properties/test_kernel_regime.py``); the report draws the same
grids, so with the run cache it trains nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from functools import partial
from typing import Any

from gflcheck.claims.kernel_rates import (
    KernelSweep,
    SweepPoint,
    kernel_rate_check,
    samples_grid,
    sweep,
)
from gflcheck.claims.kernel_regime import (
    KernelConfig,
    KernelSetting,
    check_generalization_gap,
    check_training_loss_bound,
)
from gflcheck.claims.kernel_separation import (
    HIGH_SNR,
    LOW_SNR,
    QUARTER_SNR,
    SeparationSetting,
    collapse_check,
    paired_gap_check,
    sample_need_check,
)
from gflcheck.claims.kernel_width import RADIUS_CONSTANT, RADIUS_TEST_SIZE, STEP_FRACTION
from gflcheck.claims.lottery_tickets import LotterySetting, check_lottery_ticket
from gflcheck.claims.parity_separation import ParitySeparationSetting, size_need_check
from gflcheck.claims.parity_separation import paired_gap_check as parity_paired_gap_check
from gflcheck.claims.sgd_cube_xor import CubeXorSetting, sgd_need_check
from gflcheck.claims.simplicity_bias import SimplicitySetting, simplicity_bias_check
from gflcheck.claims.theorem_3_12 import (
    GflSetting,
    LinearSetting,
    MixtureSetting,
    MultipleIndexSetting,
    ParitySetting,
    Theorem312Config,
    check_theorem_3_12,
    theorem_3_12_error_check,
)
from gflcheck.claims.xor_feature_learning import XorSetting, check_xor_feature_learning
from gflcheck.claims.xor_figure_1 import (
    NEAR_VARIANT_DIVISOR,
    Figure1Reading,
    figure_1_below_the_target,
    figure_1_check,
)
from gflcheck.claims.xor_samples_constant import SamplesConstantSetting, least_batch_check
from gflcheck.claims.xor_table_2 import IN_ALL, Table2Setting, table_2_need_check
from gflcheck.core.bounds import Bound
from gflcheck.core.declare import CatalogueEntry, Rival, TheoryCheck
from gflcheck.core.statement_kinds import WalkedNeeds
from gflcheck.core.verdicts import Outcome, Verdict
from gflcheck.runtime.profiles import Budget
from gflcheck.theorems.gfl import (
    Statement,
    opt_dropped,
    quarter_of_the_bound,
    single_step,
    single_step_without_feature_term,
    theorem_3_12,
)
from gflcheck.theorems.lottery import (
    TicketStatement,
    random_subnetwork_matches_full_network,
    ticket_beats_the_full_network,
    ticket_matches_full_network,
    ticket_matches_in_few_steps,
)
from gflcheck.theorems.separation import (
    Learner,
    feature_learning_needs_linear_samples,
    fixed_features_error_rises_at_linear_samples,
    fixed_features_need_exponential_size,
    fixed_features_need_quadratic_samples,
    fixed_features_need_quartic_size,
    fixed_features_need_root_d_samples,
    kernel_regime_needs_linear_samples,
    kernel_regime_needs_quadratic_samples,
    minibatch_sgd_needs_d_polylog_samples,
    minibatch_sgd_needs_linear_samples_at_least,
    minibatch_sgd_needs_quadratic_samples,
    minibatch_sgd_needs_root_d_samples,
    random_features_error_bounded_at_few_samples,
    random_features_error_bounded_at_quadratic_samples,
    rival,
    trained_network_needs_exponential_width,
    trained_network_needs_linear_samples,
    trained_network_needs_log_squared_samples,
    trained_network_needs_quadratic_width,
    trained_network_needs_root_d_samples,
    zero_error_needs_d_polylog_samples_per_step,
    zero_error_needs_linear_samples_per_step,
)
from gflcheck.theorems.simplicity import (
    linear_part_first,
    linear_part_in_a_third_of_the_time,
    xor_part_first,
)
from gflcheck.theorems.ttm import XorClaim, log_log_iterations, sqrt_d_samples
from gflcheck.theorems.ttm_kernel import (
    chen21_test_loss,
    generalization_gap_thousandth,
    kernel_radius_condition,
    no_generalization_gap,
    training_loss_bound_constant_one,
    training_loss_bound_squared_rate,
    ttm_test_loss,
)


# The entries' check functions are module-level functions and partials, so that entries pickle
# (to run on another process or machine: gflcheck.runtime.executors).
def _run_theorem_3_12(
    statement: Callable[[], Statement], setting: GflSetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_theorem_3_12(setting, statement(), Theorem312Config.within(limits))


def _theorem_3_12(statement: Callable[[], Statement]) -> Callable[[Any, Budget], Any]:
    return partial(_run_theorem_3_12, statement)


def _run_theorem_3_12_error(setting: GflSetting, limits: Budget) -> tuple[Verdict, Any]:
    check = theorem_3_12_error_check(config=Theorem312Config.within(limits))
    return check.run_with_evidence(setting)


_ZERO_ONE_VACUOUS = (
    "the bound is below 1, the hinge loss of f ≡ 0, but at or above min(π₊, π₋), the 0-1 error "
    "of the better constant classifier: read on the 0-1 error it says nothing"
)


def _zero_one_error(name: str, setting: Any, vacuous: bool) -> CatalogueEntry:
    """Theorem 3.12's bound read on the 0-1 error, on the same setting and training runs."""
    return CatalogueEntry(
        f"{name}/0-1-error",
        "the same bound on the 0-1 error (err ≤ hinge loss); trivial value min(π₊, π₋)",
        setting,
        _run_theorem_3_12_error,
        also_accepts=(Outcome.VACUOUS,) if vacuous else (),
        because=_ZERO_ONE_VACUOUS if vacuous else "",
    )


def _run_xor(
    claim: Callable[[], XorClaim] | None, setting: XorSetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_xor_feature_learning(setting, claim() if claim else None)


def _run_training_loss(
    bound: Callable[[], Bound] | None, setting: KernelSetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_training_loss_bound(setting, bound() if bound else None)


def _run_generalization_gap(
    bound: Callable[[], Bound] | None, seeds: int, setting: KernelSetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_generalization_gap(setting, bound() if bound else None, KernelConfig(seeds=seeds))


def _run_lottery_ticket(
    statement: Callable[[], TicketStatement], setting: LotterySetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_lottery_ticket(setting, statement())


_XOR = MixtureSetting("xor", 8, 8.0, 1.0, gamma=0.005, epsilon=0.1, delta=0.2, seed=1)
_TWO_CLUSTER = MixtureSetting(
    "two-cluster", 4, 6.0, 1.0, gamma=0.01, epsilon=0.1, delta=0.2, seed=2
)
_ORTHOGONAL = MixtureSetting(
    "orthogonal", 6, 6.0, 1.0, 0.01, 0.1, delta=0.2, seed=4, labels=(1, -1, 1)
)
_THREE_CLUSTER = MixtureSetting("three-cluster", 4, 4.0, 0.5, 0.01, 0.1, delta=0.2, seed=5)
_NOISY = MixtureSetting("two-cluster", 4, 1.0, 1.0, gamma=0.0005, epsilon=0.05, delta=0.2, seed=3)
_PARITY = ParitySetting(10, 2, gamma=0.2, epsilon=0.4, delta=0.2, seed=6)
_LINEAR = LinearSetting(8, 1.0, gamma=0.002, epsilon=0.1, delta=0.2, seed=7)
_TWO_INDEX = MultipleIndexSetting(8, gamma=0.05, epsilon=0.2, delta=0.2, seed=8)
_KERNEL = KernelSetting(6, 32, 2, 48, 0.2, 250, 3)
MIXTURE_DIMENSIONS = (16, 20, 24, 28, 32, 40, 48, 56, 64)
"""The separation's grid of d: nine points, so that the grid-level slope has 7 degrees of
freedom."""
SEPARATION_SETTING = SeparationSetting(dimensions=MIXTURE_DIMENSIONS, separation=3.0, seed=0)
SCALINGS = (LOW_SNR, QUARTER_SNR, HIGH_SNR)
"""The declared family of scalings ‖μ‖ = 3·(d/16)^a scanned for the separation."""
PARITY_SEPARATION_SETTING = ParitySeparationSetting(dimension=12, sparsities=(2, 3, 4, 5), seed=0)
_PARITY_K = "2…5"
SIMPLICITY_SETTING = SimplicitySetting(10, 64, 1.0, 1.0, 0.2, 1)
CUBE_XOR_SETTING = CubeXorSetting(dimensions=(16, 20, 24, 32, 40, 48, 64, 80, 96, 128))
_CUBE_DIMENSIONS = (8, 10, 12, 14, 16, 24, 32, 40, 48, 64)
TABLE_2_SETTING = Table2Setting(dimensions=_CUBE_DIMENSIONS)
SAMPLES_CONSTANT_SETTING = SamplesConstantSetting(dimensions=_CUBE_DIMENSIONS)
_NOT_SET_IN = (
    "at a = 0 the d² law has not set in at d ≤ 64: lower-order terms bend the need's log-log "
    "line, so no straight rate is there to confirm; the error-at-n entries check the claim the "
    "way this range can show it"
)
_GAP_BENDS = (
    "at a = 0 the ratio's log-log line bends over d ≤ 64 (the random-feature need's d² law has "
    "not set in): the slope over the grid is positive, the local slope at the top is not "
    "confirmed, and confirming needs both"
)
_PARITY_GRID = (
    "on k = 2…5 the slope rests on four grid points (2 degrees of freedom): no rate in k is "
    "confirmed or refuted there, and the verdict names the grid that would tell the claim from "
    "its rival; k cannot grow past d/2 = 6 on {±1}^12 (C(d, k) falls beyond it), and d ≥ 16 "
    "needs population fits over 2^16 points with tens of thousands of features"
)
_RANDOM_FEATURES_FAIL = (
    "not reproduced at scaling a = {a:g}: where the cluster means grow with d, random features "
    "need far fewer than d² samples"
)
_NETWORK_FAILS = (
    "not reproduced at scaling a = 0: with the means fixed and noise N(0, I_d), any learner must "
    "find two directions in R^d, which takes of the order of d samples"
)


RATE_SHARE = 0.001
"""The declared share of the family-wise α of each rate, need and separation decision of the
main job (the grid kinds), below the default :data:`~gflcheck.core.verdicts.VIOLATION_ALPHA`, so that
the main job's 39 decisions on true statements fit α = 0.05 by the union bound."""


def _at_rate_share(check: TheoryCheck[Any]) -> TheoryCheck[Any]:
    """``check`` deciding *violated* at :data:`RATE_SHARE`."""
    return replace(check, violation_alpha=RATE_SHARE)


def scaled(a: float) -> SeparationSetting:
    """The separation's setting at the scaling ``‖μ‖ = 3·(d/16)^a``."""
    return replace(SEPARATION_SETTING, snr_exponent=a)


def _separation_scan(
    dimensions: tuple[int, ...] = MIXTURE_DIMENSIONS, prefix: str = ""
) -> list[CatalogueEntry]:
    """Both halves of the poster's separation on the mixture at each declared scaling ``a``, on
    ``dimensions``: random features need Ω(d²) samples (told apart from O(d^1.5)), the trained
    network O((log d)²) (told apart from Ω(√d) and from O(1)); and the comparison, their paired
    ratio, growing. At a = 0 also the network's need in the form that holds there, O(d). Entry
    names start with ``gfl/kernel-separation/{prefix}``."""
    entries = []
    quadratic = fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES)
    log_squared = trained_network_needs_log_squared_samples()
    span = f"d = {dimensions[0]}…{dimensions[-1]}"
    for a in SCALINGS:
        where = f"‖μ‖ = 3·(d/16)^{a:g}, {span}"
        low = a == LOW_SNR
        named = {LOW_SNR: "", HIGH_SNR: "high-snr/"}.get(a, f"a={a:g}/") if not prefix else ""
        base = f"gfl/kernel-separation/{prefix}{f'a={a:g}/' if prefix else named}"
        setting = replace(scaled(a), dimensions=dimensions)
        entries.append(
            _at_rate_share(
                sample_need_check(
                    quadratic,
                    rivals=(rival(quadratic, "C*d**(3/2)", "d^1.5"),),
                    discrepancy=None if low else _RANDOM_FEATURES_FAIL.format(a=a),
                )
            ).catalogue_entry(
                setting,
                f"{where}: random features need Ω(d²) samples",
                base + "random-features",
                sweep=True,
                also_accepts=(Outcome.INCONCLUSIVE,) if low else (),
                because=_NOT_SET_IN if low else "",
            )
        )
        entries.append(
            _at_rate_share(
                sample_need_check(
                    log_squared,
                    rivals=(
                        rival(log_squared, "C*sqrt(d)", "√d"),
                        rival(log_squared, "C*d**0", "1", at_least=False),
                    ),
                    discrepancy=_NETWORK_FAILS if low else None,
                )
            ).catalogue_entry(
                setting,
                f"{where}: Algorithm 1 with 2⌈4 ln d⌉ neurons needs O((log d)²) samples",
                base + "trained-network" + ("/log-squared" if low else ""),
                sweep=True,
            )
        )
        entries.append(
            _at_rate_share(paired_gap_check()).catalogue_entry(
                setting,
                f"{where}: random features' sample need over the trained network's, paired by "
                "seed, grows with d",
                base + "paired-gap",
                sweep=True,
                also_accepts=(Outcome.INCONCLUSIVE,) if low else (),
                because=_GAP_BENDS if low else "",
            )
        )
    linear = trained_network_needs_linear_samples()
    entries.append(
        _at_rate_share(
            sample_need_check(linear, rivals=(rival(linear, "C*d**(3/2)", "d^1.5"),))
        ).catalogue_entry(
            replace(SEPARATION_SETTING, dimensions=dimensions),
            f"‖μ‖ = 3, {span}: Algorithm 1 with 2⌈4 ln d⌉ neurons needs O(d) samples (the "
            "form that holds at a = 0)",
            f"gfl/kernel-separation/{prefix}{'a=0/' if prefix else ''}trained-network",
            sweep=True,
        )
    )
    return entries


_KERNEL_FEW_SAMPLES = KernelSetting(8, 32, 1, 20, 0.2, 200, 5)

DEFAULT_CHECKS: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "gfl/xor",
        "XOR-like 4-cluster mixture, d=8, ‖μ‖/σ=8",
        _XOR,
        _theorem_3_12(theorem_3_12),
    ),
    CatalogueEntry(
        "gfl/two-cluster",
        "two clusters ±μ, d=4, ‖μ‖/σ=6",
        _TWO_CLUSTER,
        _theorem_3_12(theorem_3_12),
    ),
    CatalogueEntry(
        "gfl/orthogonal-3",
        "three orthogonal clusters labelled +,−,+, d=6, ‖μ‖/σ=6",
        _ORTHOGONAL,
        _theorem_3_12(theorem_3_12),
    ),
    CatalogueEntry(
        "gfl/three-cluster-d4",
        "the poster's three-cluster picture, embedded in d=4",
        _THREE_CLUSTER,
        _theorem_3_12(theorem_3_12),
    ),
    CatalogueEntry(
        "gfl/three-cluster-d2",
        "the poster's three-cluster picture in d=2 (m ≤ e^d excludes it)",
        MixtureSetting("three-cluster", 2, 4.0, 0.5, gamma=0.01, epsilon=0.1, delta=0.2, seed=5),
        _theorem_3_12(theorem_3_12),
    ),
    CatalogueEntry(
        "gfl/noisy-two-cluster",
        "overlapping clusters ‖μ‖/σ=1: OPT dominates the bound",
        _NOISY,
        _theorem_3_12(theorem_3_12),
    ),
    _zero_one_error("gfl/xor", _XOR, vacuous=True),
    _zero_one_error("gfl/two-cluster", _TWO_CLUSTER, vacuous=True),
    _zero_one_error("gfl/orthogonal-3", _ORTHOGONAL, vacuous=True),
    _zero_one_error("gfl/three-cluster-d4", _THREE_CLUSTER, vacuous=True),
    _zero_one_error("gfl/noisy-two-cluster", _NOISY, vacuous=True),
    CatalogueEntry("gfl/xor/single-step", "false variant: T = 1", _XOR, _theorem_3_12(single_step)),
    CatalogueEntry(
        "gfl/noisy-two-cluster/opt-dropped",
        "false variant: OPT dropped",
        _NOISY,
        _theorem_3_12(opt_dropped),
    ),
    CatalogueEntry(
        "gfl/noisy-two-cluster/quarter",
        "false variant near the break point: the bound ÷ 4 (measured 1.73× loose here)",
        _NOISY,
        _theorem_3_12(quarter_of_the_bound),
    ),
    CatalogueEntry(
        "gfl/parity",
        "structured 2-sparse parity on {±1}^10 (exact sums over the cube)",
        _PARITY,
        _theorem_3_12(theorem_3_12),
        also_accepts=(Outcome.VACUOUS,),
        because="r·B_a1·B_x1·√(2γ) exceeds the trivial hinge loss 1 on parity at every γ whose hit "
        "rate p fits the budget; the refutable statement here is the one-step variant below",
    ),
    CatalogueEntry(
        "gfl/linear",
        "linear data with margin 1 outside a slab, d=8",
        _LINEAR,
        _theorem_3_12(theorem_3_12),
    ),
    _zero_one_error("gfl/linear", _LINEAR, vacuous=False),
    CatalogueEntry(
        "gfl/two-index",
        "two-index model y = sign(⟨u₁,x⟩⟨u₂,x⟩), x ~ N(0, I_8)",
        _TWO_INDEX,
        _theorem_3_12(theorem_3_12),
        also_accepts=(Outcome.VACUOUS,),
        because="the bound exceeds the trivial hinge loss 1: the two-index model's hit rate p ≈ γ "
        "forces γ where r·B_a1·B_x1·√(2γ) > 1 within the budget; the one-step variant below is "
        "refutable",
    ),
    CatalogueEntry(
        "gfl/linear/single-step",
        "false variant: T = 1",
        _LINEAR,
        _theorem_3_12(single_step),
    ),
    CatalogueEntry(
        "gfl/parity/single-step-no-feature-term",
        "false variant: L ≤ OPT + ε after one step",
        _PARITY,
        _theorem_3_12(single_step_without_feature_term),
    ),
    CatalogueEntry(
        "gfl/two-index/single-step-no-feature-term",
        "false variant: L ≤ OPT + ε after one step",
        _TWO_INDEX,
        _theorem_3_12(single_step_without_feature_term),
    ),
    *(
        simplicity_bias_check(statement()).catalogue_entry(SIMPLICITY_SETTING, description, name)
        for name, description, statement in (
            (
                "gfl/simplicity-bias",
                "f* = x₁ + x₂x₃ on {±1}^10, m = 64: the linear part is learned first",
                linear_part_first,
            ),
            (
                "gfl/simplicity-bias/xor-first",
                "false variant: the XOR part is learned first",
                xor_part_first,
            ),
            (
                "gfl/simplicity-bias/a-third-of-the-time",
                "false variant near the break point: t_linear ≤ (t_xor − 1)/3 (measured 2.34× "
                "loose)",
                linear_part_in_a_third_of_the_time,
            ),
        )
    ),
    CatalogueEntry(
        "gfl/lottery-ticket",
        "4-direction XOR mixture, d = 16, m = 128: the 32-neuron gradient-feature ticket trained "
        "alone reaches the whole network's loss + 0.05 within 4T steps",
        LotterySetting(),
        partial(_run_lottery_ticket, ticket_matches_full_network),
        long_running=True,  # 86 seeds (planned for power), about 75 s cold
    ),
    CatalogueEntry(
        "gfl/lottery-ticket/tenth-of-the-steps",
        "false variant: the ticket gets there within 0.1·T steps",
        LotterySetting(),
        partial(_run_lottery_ticket, ticket_matches_in_few_steps),
    ),
    CatalogueEntry(
        "gfl/lottery-ticket/quarter",
        "false variant near the break point: the ticket reaches (L_full + τ)/4 (measured 2.89× "
        "loose)",
        LotterySetting(),
        partial(_run_lottery_ticket, ticket_beats_the_full_network),
    ),
    CatalogueEntry(
        "gfl/lottery-ticket/random-subnetwork",
        "observation: a random 32-neuron subnetwork, trained the same way, within 4T steps",
        LotterySetting(),
        partial(_run_lottery_ticket, random_subnetwork_matches_full_network),
    ),
    *_separation_scan(),
    _at_rate_share(
        collapse_check(fixed_features_error_rises_at_linear_samples(Learner.RANDOM_FEATURES))
    ).catalogue_entry(
        SEPARATION_SETTING,
        "low SNR, d = 16…64: random features' error at n = 16d rises with d (their need ≫ d)",
        "gfl/kernel-separation/random-features/error-at-16d",
        sweep=True,
    ),
    _at_rate_share(
        collapse_check(fixed_features_error_rises_at_linear_samples(Learner.NTK))
    ).catalogue_entry(
        SEPARATION_SETTING,
        "low SNR, d = 16…64: the NTK-linearised model's error at n = 16d rises with d",
        "gfl/kernel-separation/ntk/error-at-16d",
        sweep=True,
    ),
    _at_rate_share(
        collapse_check(random_features_error_bounded_at_quadratic_samples())
    ).catalogue_entry(
        SEPARATION_SETTING,
        "Ghorbani et al. 2021 (secondary), low SNR: random features' error at n = d²/4 does not "
        "rise with d",
        "gfl/kernel-separation/random-features/error-at-d2",
        sweep=True,
    ),
    _at_rate_share(collapse_check(random_features_error_bounded_at_few_samples())).catalogue_entry(
        SEPARATION_SETTING,
        "false variant: random features' error at n = 4·d^1.25 does not rise with d",
        "gfl/kernel-separation/random-features/error-at-d1.25",
        sweep=True,
    ),
    _at_rate_share(sample_need_check(trained_network_needs_root_d_samples())).catalogue_entry(
        SEPARATION_SETTING,
        "false variant near the break point: Algorithm 1 needs only O(√d) samples (low SNR)",
        "gfl/kernel-separation/trained-network/root-d",
        sweep=True,
    ),
    _at_rate_share(sample_need_check(fixed_features_need_root_d_samples())).catalogue_entry(
        SEPARATION_SETTING,
        "false variant: random features need only O(√d) samples (low SNR; O(d) is not refuted "
        "at the top of d ≤ 64)",
        "gfl/kernel-separation/random-features/root-d",
        sweep=True,
    ),
    _at_rate_share(
        size_need_check(
            fixed_features_need_exponential_size(), rivals=(fixed_features_need_quartic_size(),)
        )
    ).catalogue_entry(
        PARITY_SEPARATION_SETTING,
        f"structured parity on {{±1}}^12, k = {_PARITY_K}: random features need Ω(2^k) "
        "features (told apart from O(k⁴))",
        "gfl/kernel-separation/parity/random-features",
        sweep=True,
        also_accepts=(Outcome.INCONCLUSIVE,),
        because=_PARITY_GRID,
    ),
    _at_rate_share(
        size_need_check(
            trained_network_needs_quadratic_width(),
            rivals=(trained_network_needs_exponential_width(),),
        )
    ).catalogue_entry(
        PARITY_SEPARATION_SETTING,
        f"structured parity on {{±1}}^12, k = {_PARITY_K}: Algorithm 1 needs O(k²) neurons "
        "(told apart from Ω(2^k))",
        "gfl/kernel-separation/parity/trained-network",
        sweep=True,
        also_accepts=(Outcome.INCONCLUSIVE,),
        because=_PARITY_GRID,
    ),
    _at_rate_share(parity_paired_gap_check()).catalogue_entry(
        PARITY_SEPARATION_SETTING,
        f"structured parity on {{±1}}^12, k = {_PARITY_K}: random features' size need over the "
        "trained network's, paired by seed, grows with k (whichever of 2^k and k⁴ each follows)",
        "gfl/kernel-separation/parity/paired-gap",
        sweep=True,
        also_accepts=(Outcome.INCONCLUSIVE,),
        because=_PARITY_GRID,
    ),
    CatalogueEntry(
        "ttm-xor/d=16",
        "XOR y = x₁x₂ on {±1}^16: zero error within ⌈log d⌉ SGD steps",
        XorSetting(16, 0.2, 1),
        partial(_run_xor, None),
    ),
    CatalogueEntry(
        "ttm-xor/d=64/log-log-steps",
        "false variant: ⌈log log d⌉ steps suffice",
        XorSetting(64, 0.2, 2),
        partial(_run_xor, log_log_iterations),
    ),
    CatalogueEntry(
        "ttm-xor/d=32/sqrt-d-samples",
        "false variant: ⌈√d⌉ samples per step suffice",
        XorSetting(32, 0.2, 3),
        partial(_run_xor, sqrt_d_samples),
    ),
    *(
        figure_1_check(reading).catalogue_entry(
            XorSetting(dimension, 0.2, 7),
            f"Figure 1 (η = m = 20, n = 6d), {reading.value}: test error ≤ 2% after "
            "⌈ln d⌉ + 1 steps"
            + (" (observation: the theorem is about fresh samples)" if observed else ""),
            f"ttm-xor/figure-1/d={dimension}" + ("/reused" if observed else ""),
        )
        for observed, reading in ((False, Figure1Reading.FRESH), (True, Figure1Reading.REUSED))
        for dimension in (32, 64)
    ),
    figure_1_below_the_target().catalogue_entry(
        XorSetting(64, 0.2, 7),
        f"false variant near the break point: test error ≤ 2%/{NEAR_VARIANT_DIVISOR} after "
        "⌈ln d⌉ + 1 steps with 6d fresh points per step (the 2% statement measured 2.39× "
        "loose; the nearest measured divisor refuted on 0.9 of fresh seeds with 95% confidence)",
        f"ttm-xor/figure-1/d=64/divided-by-{NEAR_VARIANT_DIVISOR}",
    ),
    _at_rate_share(
        least_batch_check(
            zero_error_needs_d_polylog_samples_per_step(),
            rivals=(rival(zero_error_needs_d_polylog_samples_per_step(), "C*d**2", "d²"),),
        )
    ).catalogue_entry(
        SAMPLES_CONSTANT_SETTING,
        "TTM's theorem form, d = 8…64: zero test error within ⌈log d⌉ steps from "
        "O(d·(log d)²) fresh samples per step; the least C_n that works, measured",
        "ttm-xor/zero-error/samples-per-step",
        sweep=True,
    ),
    _at_rate_share(
        least_batch_check(
            zero_error_needs_linear_samples_per_step(),
            observation="the theorem's batch-size condition is Õ(d), with a polylog(d) factor; "
            "O(d) without it is Table 2's literal 'd', not the theorem",
        )
    ).catalogue_entry(
        SAMPLES_CONSTANT_SETTING,
        "observation: the same needs against O(d) per step (the polylog dropped)",
        "ttm-xor/zero-error/samples-per-step/linear",
        sweep=True,
    ),
    _at_rate_share(
        table_2_need_check(
            kernel_regime_needs_quadratic_samples(),
            rivals=(rival(kernel_regime_needs_quadratic_samples(), "C*d**(3/2)", "d^1.5"),),
        )
    ).catalogue_entry(
        TABLE_2_SETTING,
        "Table 2 on {±1}^d, d = 8…64: the kernel regime (the linearised network at infinite "
        "width, linear loss) needs Ω(d²) samples",
        "ttm-xor/table-2/kernel-regime",
        sweep=True,
    ),
    _at_rate_share(
        table_2_need_check(
            feature_learning_needs_linear_samples(),
            rivals=(rival(feature_learning_needs_linear_samples(), "C*d**(3/2)", "d^1.5"),),
        )
    ).catalogue_entry(
        TABLE_2_SETTING,
        "Table 2 on {±1}^d, d = 8…64: feature learning (m = 20, ⌈ln d⌉ + 1 steps) needs O(d) "
        "samples per step (the theorem's n)",
        "ttm-xor/table-2/feature-learning",
        sweep=True,
    ),
    _at_rate_share(
        table_2_need_check(
            feature_learning_needs_linear_samples(),
            observation="the theorem's n is the batch per step (its batch-size condition); "
            "counted over all ⌈ln d⌉ + 1 steps the need carries the step count's growth, a log "
            "factor the 'd' of Table 2 leaves out",
        )
    ).catalogue_entry(
        replace(TABLE_2_SETTING, count=IN_ALL),
        "observation: the same runs, samples counted over all ⌈ln d⌉ + 1 steps (the other "
        "reading of 'samples')",
        "ttm-xor/table-2/feature-learning/in-all",
        sweep=True,
    ),
    _at_rate_share(table_2_need_check(kernel_regime_needs_linear_samples())).catalogue_entry(
        TABLE_2_SETTING,
        "false variant: the kernel regime needs only O(d) samples (Table 2's contrast denied)",
        "ttm-xor/table-2/kernel-regime/linear",
        sweep=True,
    ),
    *(
        _at_rate_share(sgd_need_check(statement(), rivals=rivals)).catalogue_entry(
            CUBE_XOR_SETTING,
            "Glasgow 2023 (secondary): minibatch SGD, two-layer ReLU, both layers, logistic "
            f"loss, XOR on {{±1}}^d, d = 16…128: {what}",
            f"glasgow/cube-xor/{name}",
            sweep=True,
        )
        for name, what, statement, rivals in (
            (
                "d-polylog-d",
                "needs O(d·(log d)²) samples",
                minibatch_sgd_needs_d_polylog_samples,
                (rival(minibatch_sgd_needs_d_polylog_samples(), "C*d**(3/2)", "d^1.5"),),
            ),
            (
                "omega-d",
                "needs Ω(d) samples",
                minibatch_sgd_needs_linear_samples_at_least,
                (minibatch_sgd_needs_root_d_samples(),),
            ),
            (
                "omega-d-2",
                "false variant near the break point: needs Ω(d²) samples",
                minibatch_sgd_needs_quadratic_samples,
                (),
            ),
            (
                "root-d",
                "false variant: O(√d) samples suffice",
                minibatch_sgd_needs_root_d_samples,
                (),
            ),
        )
    ),
    CatalogueEntry(
        "ttm-kernel/training-loss",
        "deep tanh network, d=6, m=32, L=2, n=48: F̂(w_t) ≤ 4ρ*²/(ηt) at every step",
        _KERNEL,
        partial(_run_training_loss, None),
    ),
    CatalogueEntry(
        "ttm-kernel/training-loss/1-over-t-squared",
        "false variant: F̂(w_t) ≤ 4ρ*²/(ηt²)",
        _KERNEL,
        partial(_run_training_loss, training_loss_bound_squared_rate),
    ),
    CatalogueEntry(
        "ttm-kernel/training-loss/constant-1",
        "false variant near the break point: F̂(w_t) ≤ ρ*²/(ηt) (measured 3.4× loose)",
        _KERNEL,
        partial(_run_training_loss, training_loss_bound_constant_one),
    ),
    CatalogueEntry(
        "ttm-kernel/generalisation-gap",
        "E[F(w_T) − F̂(w_T)] ≤ 9ρ*²(G₀+¼)²/n over 32 training sets",
        _KERNEL,
        partial(_run_generalization_gap, None, 32),
    ),
    CatalogueEntry(
        "ttm-kernel/generalisation-gap/thousandth",
        "false variant near the break point: the gap bound ÷ 1000 (measured 262× loose)",
        _KERNEL,
        partial(_run_generalization_gap, generalization_gap_thousandth, 32),
    ),
    CatalogueEntry(
        "ttm-kernel/generalisation-gap/none",
        "false variant: no generalisation gap (n = 20, d = 8)",
        _KERNEL_FEW_SAMPLES,
        partial(_run_generalization_gap, no_generalization_gap, 16),
    ),
)


WIDE_DIMENSIONS = tuple(round(16 * 2 ** (j / 2)) for j in range(9))
"""The thorough profile's grid of d for the separation: 16…256 at ratio √2 (9 points, as many
as the main job's 16…64)."""


THOROUGH_CHECKS: tuple[CatalogueEntry, ...] = tuple(_separation_scan(WIDE_DIMENSIONS, "wide/"))
"""Checks that only the thorough profile runs (``gflcheck check --profile thorough``): the
separation scan on :data:`WIDE_DIMENSIONS`, which the main job cannot afford (the cost is in the
README's cost table). Random features are censored at n = 8192 where they need more (a = 0,
d ≳ 150): their slope is then known only from below, which can confirm Ω(d²), never refute it."""


def separation_walks(setting: SeparationSetting = SEPARATION_SETTING) -> list[WalkedNeeds]:
    """The sample needs of random features, the NTK-linearised model and the trained network on
    a declared separation setting (default: a = 0, d = 16…64), as their need checks walk them."""
    statements = (
        fixed_features_need_quadratic_samples(Learner.RANDOM_FEATURES),
        fixed_features_need_quadratic_samples(Learner.NTK),
        trained_network_needs_linear_samples(),
    )
    return [sample_need_check(s).run_with_evidence(setting)[1] for s in statements]


def parity_walks() -> list[WalkedNeeds]:
    """The size needs of random features and the trained network on the declared parity
    separation (d = 12, k = 2…5), as their need checks walk them."""
    statements = (fixed_features_need_exponential_size(), trained_network_needs_quadratic_width())
    return [size_need_check(s).run_with_evidence(PARITY_SEPARATION_SETTING)[1] for s in statements]


def entries(prefix: str) -> tuple[CatalogueEntry, ...]:
    """The default checks whose names start with ``prefix``."""
    return tuple(entry for entry in DEFAULT_CHECKS if entry.name.startswith(prefix))


# The declared sweeps of the kernel-regime rate properties.
RATE_SETTINGS = dict(
    dimension=8,
    width=32,
    depth=2,
    margin=0.2,
    sizes=(32, 45, 64, 91, 128, 181, 256),
    steps_per_sample=4,
    seed=11,
)
RATE_TOLERANCE = 0.25  # for the log factors hidden in the rates
RATE_RUNS = 12
"""Runs per grid point of the rate in n (its grid points carry the exponent; the runs make each
point's mean precise)."""
WIDTHS = (16, 32, 64, 128, 256, 512)
LARGE_WIDTHS = (1024, 4096)
"""The width sweep continued where TTM's bound at each run's γ(m) is checked on request only
(pytest's ``--gflcheck-run-slow``): m = 4096 trains 6 seeds × 512 full-batch steps of a
4096 × 4096 layer, about 35 min on 2 threads."""
WIDTH_SWEEP_SEEDS = 6
RADIUS_WIDTHS = (16, 23, 32, 45, 64, 91, 128)
RADIUS_SWEEP_SEEDS = 4


def width_sweep_settings(widths: tuple[int, ...] = WIDTHS) -> list[KernelSetting]:
    """``m ∈ widths`` (default ``{16, …, 512}``; :data:`LARGE_WIDTHS` on request) at d = 8,
    L = 2, n = 128, T = 4n, seed 17: the same training sets at every width."""
    return [KernelSetting(8, m, 2, 128, 0.2, 512, 17) for m in widths]


def radius_sweep_settings() -> list[KernelSetting]:
    """``m ∈ {16, …, 128}`` at d = 8, L = 2, n = 64, T = 256, seed 13."""
    return [KernelSetting(8, m, 2, 64, 0.2, 256, 13) for m in RADIUS_WIDTHS]


SAMPLES_SWEEP = KernelSweep(
    tuple(samples_grid(**RATE_SETTINGS)), "samples", 20_000, STEP_FRACTION, seed=11
)
"""Test loss over ``n ∈ {32, …, 256}`` (ratio √2) at ``T = 4n`` (d = 8, m = 32, L = 2)."""
WIDTH_SWEEP = KernelSweep(tuple(width_sweep_settings()), "width", 20_000, STEP_FRACTION, seed=17)
"""Test loss over ``m ∈ {16, …, 512}``, the same training sets at every width (n = 128)."""
RADIUS_SWEEP = KernelSweep(
    tuple(radius_sweep_settings()), "width", RADIUS_TEST_SIZE, STEP_FRACTION, seed=13
)
"""‖W_T − W₀‖ over ``m ∈ {16, …, 128}`` (n = 64, T = 256)."""


def samples_sweep(executor: Executor | None = None) -> list[SweepPoint]:
    """The runs of :data:`SAMPLES_SWEEP` (:data:`RATE_RUNS` per point)."""
    return sweep(
        SAMPLES_SWEEP.points,
        RATE_RUNS,
        SAMPLES_SWEEP.test_size,
        SAMPLES_SWEEP.step_fraction,
        executor=executor,
    )


def width_sweep(
    executor: Executor | None = None, widths: tuple[int, ...] = WIDTHS
) -> list[SweepPoint]:
    """Test loss over ``m ∈ widths`` (default ``{16, …, 512}``), the same training sets at every
    width (n = 128)."""
    return sweep(
        width_sweep_settings(widths), WIDTH_SWEEP_SEEDS, 20_000, STEP_FRACTION, executor=executor
    )


def radius_sweep(executor: Executor | None = None) -> list[SweepPoint]:
    """The runs of :data:`RADIUS_SWEEP`."""
    return sweep(
        RADIUS_SWEEP.points,
        RADIUS_SWEEP_SEEDS,
        RADIUS_SWEEP.test_size,
        RADIUS_SWEEP.step_fraction,
        executor=executor,
    )


RATE_IN_N = kernel_rate_check(
    "ttm-kernel/rate-in-n",
    ttm_test_loss(),
    "n",
    runs=RATE_RUNS,
    tolerance=RATE_TOLERANCE,
    rivals=(Rival(chen21_test_loss(), at_least=True, name="Chen21's rate: test loss Ω(1/√n)"),),
    statement="TTM 1/n rate",
)
"""TTM's rate in ``n`` over :data:`SAMPLES_SWEEP`, told apart from Chen et al.'s ``1/√n``."""
LOSS_IN_M = kernel_rate_check(
    "ttm-kernel/rate-in-m",
    chen21_test_loss(),
    "m",
    runs=WIDTH_SWEEP_SEEDS,
    rivals=(Rival(chen21_test_loss(), at_least=True, name="test loss grows like √m (rival)"),),
    statement="test loss grows no faster than Chen21's √m",
)
"""Over :data:`WIDTH_SWEEP`: the test loss grows no faster than Chen et al.'s bound, ``√m``."""
RADIUS_IN_M = kernel_rate_check(
    "ttm-kernel/radius-in-m",
    kernel_radius_condition().substitute({"C": RADIUS_CONSTANT, "L": 2}),
    "m",
    "distance",
    runs=RADIUS_SWEEP_SEEDS,
    rivals=(
        Rival(
            kernel_radius_condition().substitute({"C": RADIUS_CONSTANT, "L": 2}),
            at_least=True,
            name="‖W_T − W₀‖ grows like m^{1/L} (rival)",
        ),
    ),
    statement="‖W_T − W₀‖ grows no faster than m^{C/L}",
)
"""Over :data:`RADIUS_SWEEP` (L = 2): the distance from initialisation grows no faster than
TTM's kernel radius ``m^{C/L}``."""
