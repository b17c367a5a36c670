"""Lottery tickets (Shi–Wei–Liang poster, docs/setups.md §1.4): a gradient-feature subnetwork trained
alone, against the whole network; a random subnetwork of the same size is an observation (the
poster does not claim that it fails).

Set-up (``ours``):

- **Data**: the ``q``-direction XOR mixture (:func:`~gflcheck.models.distributions.multi_xor_mixture`):
  clusters ``±R·u_j`` labelled ``(−1)^j``, noise ``N(0, I_d)``. Its gradient features are the
  ``2q`` cluster directions, each with the sign of its label.
- **Whole network**: Algorithm 1 at width ``m`` with the Gaussian-mixture recipe, its first-step
  rate ``η¹`` times a declared boost (10), fresh samples, ``T`` steps, ``k`` seeds batched. With
  the plain recipe the first-step neurons are short (they fire on few points beyond their bias),
  and 1–4 of 14 tickets stalled at loss 0.11–0.63 on 5 of 8 generated settings; boosted, the first
  step makes each neuron its gradient feature, as in the poster's picture, and no ticket stalls.
- **Ticket** (per seed): for each cluster ``c`` (mean ``μ_c``, label ``y_c``), the ``s_c`` neurons
  ``i`` with ``sign a_i = y_c`` whose first-step weight ``w_i⁽¹⁾`` has the largest cosine with
  ``μ_c``: after step 1 they fire on cluster ``c`` and push ``f`` towards its label. Size
  ``s = 2q·s_c``. **Random subnetwork**: ``s`` neurons drawn uniformly (stream
  ``lottery-random``).
- A subnetwork is trained alone from its initialisation (:func:`train_algorithm_1` with
  ``neurons=``), same recipe, same batches, for ``⌈c·T⌉`` steps.
- **Losses**: ``L_D`` at ``checkpoints`` evenly spaced checkpoints, on ``test_size`` fresh points
  per seed, with one-sided t bounds (miscoverage ``β`` each).

Per seed, the statement ``∃t ≤ c·T: L_sub(t) ≤ L_full + τ`` is *certainly violated* when even the
smallest lower bound of ``L_sub`` over its checkpoints exceeds ``τ`` plus the upper bound of the
whole network's best checkpoint estimate, and *certainly satisfied* when some checkpoint's upper
bound (at ``β/checkpoints`` each) is at or below ``τ`` plus that estimate's lower bound. Each
happens wrongly with probability at most ``2β`` (two bounds per seed). A run that diverged is
undetermined. The check is declared through :class:`~gflcheck.core.declare.TheoryCheck`
(:func:`lottery_ticket_check`), with ``L_full`` a per-seed symbol of the bound measured with its
interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

from gflcheck.core.confidence import Confidence, SeedPlan, require_claim_plan
from gflcheck.core.declare import CatalogueEntry, Measurement, TheoryCheck, delta_of_setting
from gflcheck.core.estimators import IntervalEstimate, hinge_loss_estimate, t_interval_at
from gflcheck.core.expectations import Expectation, Wording
from gflcheck.core.setups import LOTTERY_TICKETS
from gflcheck.core.verdicts import (
    QuantifierInstantiation,
    Verdict,
)
from gflcheck.models.distributions.gaussian_mixture import GaussianMixture, multi_xor_mixture
from gflcheck.models.networks import TwoLayerReLU
from gflcheck.models.training import TrainingRun, gaussian_mixture_recipe, train_algorithm_1
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.profiles import Budget
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import (
    require_int_at_least,
    require_open_unit_interval,
    require_positive,
    require_positive_int,
)
from gflcheck.theorems.lottery import (
    Subnetwork,
    TicketStatement,
    random_subnetwork_matches_full_network,
    ticket_beats_the_full_network,
    ticket_matches_full_network,
    ticket_matches_in_few_steps,
)


@dataclass(frozen=True)
class LotterySetting:
    """``d``, ``q`` directions, ``R``, width ``m``, ticket neurons per cluster, ``δ`` and seed."""

    dimension: int = 16
    directions: int = 4
    separation: float = 4.0
    width: int = 128
    per_cluster: int = 4
    delta: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        require_int_at_least("directions", self.directions, 2, "LotterySetting")
        require_int_at_least("dimension", self.dimension, self.directions, "LotterySetting (d ≥ q)")
        require_positive("separation", self.separation, "LotterySetting")
        require_positive_int("per_cluster", self.per_cluster, "LotterySetting")
        if self.width % 2 or self.width < 2 * self.ticket_size:
            raise ParameterRangeError(
                "width", self.width, f"an even integer ≥ 2·(ticket size {self.ticket_size})"
            )
        require_open_unit_interval("delta", self.delta, "LotterySetting")
        require_int_at_least("seed", self.seed, 0, "LotterySetting")

    @property
    def ticket_size(self) -> int:
        """``s = 2q·s_c``."""
        return 2 * self.directions * self.per_cluster

    def distribution(self) -> GaussianMixture:
        """The mixture; its directions come from the setting's ``"distribution"`` stream."""
        generator = torch_generator(self.seed, "distribution")
        return multi_xor_mixture(self.dimension, self.directions, self.separation, 1.0, generator)


@dataclass(frozen=True)
class LotteryConfig:
    """Declared constants (module docstring)."""

    steps: int = 400
    batch_size: int = 512
    first_step_boost: float = 10.0
    checkpoints: int = 10
    tolerance: float = 0.05
    test_size: int = 20_000
    loss_miscoverage: float = 0.005
    confidence: Confidence = field(default_factory=Confidence)
    seed_plan: SeedPlan = field(default_factory=lambda: SeedPlan(minimum=8))

    def __post_init__(self) -> None:
        require_claim_plan(self.confidence, self.seed_plan, "LotteryConfig")
        require_positive_int("steps", self.steps, "LotteryConfig")
        require_positive_int("batch_size", self.batch_size, "LotteryConfig")
        require_positive("first_step_boost", self.first_step_boost, "LotteryConfig")
        require_positive_int("checkpoints", self.checkpoints, "LotteryConfig")
        require_positive("tolerance", self.tolerance, "LotteryConfig")
        require_int_at_least("test_size", self.test_size, 2, "LotteryConfig")
        require_open_unit_interval("loss_miscoverage", self.loss_miscoverage, "LotteryConfig")


def checkpoint_steps(steps: int, count: int) -> tuple[int, ...]:
    """``count`` steps evenly spaced in ``1..steps``, ending at ``steps``."""
    return tuple(sorted({max(1, round(steps * (j + 1) / count)) for j in range(count)}))


def _cluster_cosines(network: TwoLayerReLU, distribution: GaussianMixture) -> torch.Tensor:
    """``cos(w_i, μ_c)`` for every run, neuron and cluster: ``[k, m, r]``."""
    W = network.W.double()
    return (W @ distribution.means.T) / (
        W.norm(dim=-1, keepdim=True).clamp_min(1e-300) * distribution.means.norm(dim=-1)
    )


def gradient_feature_ticket(
    initial: TwoLayerReLU, first_step: TwoLayerReLU, distribution: GaussianMixture, per_cluster: int
) -> list[list[int]]:
    """Per run, the ticket of the module docstring: for each cluster ``c``, the ``per_cluster``
    neurons with ``sign a_i = y_c`` (not already chosen) with the largest cosine between
    ``w_i⁽¹⁾`` and ``μ_c``."""
    cosine = _cluster_cosines(first_step, distribution)  # [k, m, r]
    tickets = []
    for run in range(initial.runs):
        sign = torch.sign(initial.a[run].double())
        chosen: list[int] = []
        for cluster, label in enumerate(distribution.labels.tolist()):
            score = torch.where(sign == label, cosine[run, :, cluster], -math.inf)
            ranked = [int(i) for i in torch.argsort(score, descending=True)]
            chosen += [i for i in ranked if i not in chosen][:per_cluster]
        tickets.append(chosen)
    return tickets


def random_subnetwork(width: int, size: int, seeds: tuple[int, ...]) -> list[list[int]]:
    """Per seed, ``size`` distinct neurons of ``0..width−1`` (stream ``lottery-random``)."""
    return [
        torch.randperm(width, generator=torch_generator(seed, "lottery-random"))[:size].tolist()
        for seed in seeds
    ]


@dataclass(frozen=True, eq=False)
class LotteryEvidence:
    """Per seed: the whole network's and the subnetwork's checkpoint losses (estimate, lower,
    upper; ``[k, checkpoints]``; the subnetwork's upper bounds at miscoverage ``β/checkpoints``
    each, so that any of them certifies the ∃t statement at ``β``), the chosen neurons and their mean |cosine| with the nearest
    cluster direction after step 1."""

    full_steps: tuple[int, ...]
    full_loss: np.ndarray
    full_lower: np.ndarray
    full_upper: np.ndarray
    subnetwork_steps: tuple[int, ...]
    subnetwork_loss: np.ndarray
    subnetwork_lower: np.ndarray
    subnetwork_upper: np.ndarray
    neurons: list[list[int]]
    alignment: np.ndarray
    diverged: np.ndarray


def _checkpoint_losses(
    run: TrainingRun, x: torch.Tensor, y: torch.Tensor, miscoverage: float
) -> list[IntervalEstimate]:
    return [
        hinge_loss_estimate(run.checkpoints[t], x, y, miscoverage) for t in sorted(run.checkpoints)
    ]


def _stacked(estimates: list[IntervalEstimate], part: str) -> np.ndarray:
    """``[k, checkpoints]`` of one part (``estimate``, ``lower``, ``upper``) of the estimates."""
    return np.stack([np.asarray(getattr(e, part), dtype=float) for e in estimates], axis=1)


@cached_run
def lottery_evidence(
    setting: LotterySetting,
    config: LotteryConfig,
    subnetwork: Subnetwork,
    step_factor: float,
    seeds: tuple[int, ...],
) -> LotteryEvidence:
    """Train the whole network and the chosen subnetwork; measure their checkpoint losses."""
    distribution = setting.distribution()
    recipe = gaussian_mixture_recipe(
        setting.dimension,
        setting.width,
        distribution.expected_norm(),
        distribution.expected_squared_norm(),
    ).with_first_step_boost(config.first_step_boost, "lottery-ticket")
    full_steps = checkpoint_steps(config.steps, config.checkpoints)
    common = (distribution, recipe, setting.width)
    full = train_algorithm_1(
        *common, config.steps, config.batch_size, seeds, checkpoint_steps=(1, *full_steps)
    )
    if subnetwork is Subnetwork.GRADIENT_FEATURE_TICKET:
        neurons = gradient_feature_ticket(
            full.initial, full.checkpoints[1], distribution, setting.per_cluster
        )
    else:
        neurons = random_subnetwork(setting.width, setting.ticket_size, seeds)
    sub_total = max(1, math.ceil(step_factor * config.steps))
    sub_steps = checkpoint_steps(sub_total, config.checkpoints)
    sub = train_algorithm_1(
        *common, sub_total, config.batch_size, seeds, checkpoint_steps=sub_steps, neurons=neurons
    )
    xs, ys = zip(
        *(
            distribution.sample(config.test_size, torch_generator(seed, "lottery-test"))
            for seed in seeds
        ),
        strict=True,
    )
    x, y = torch.stack(xs), torch.stack(ys)
    full_estimates = _checkpoint_losses(full, x, y, config.loss_miscoverage)
    full_loss, full_lower, full_upper = (
        _stacked(full_estimates, part) for part in ("estimate", "lower", "upper")
    )
    sub_estimates = _checkpoint_losses(sub, x, y, config.loss_miscoverage)
    sub_loss, sub_lower = _stacked(sub_estimates, "estimate"), _stacked(sub_estimates, "lower")
    each = config.loss_miscoverage / len(sub.checkpoints)
    sub_upper = _stacked([t_interval_at(e, each) for e in sub_estimates], "upper")
    cosine = _cluster_cosines(full.checkpoints[1], distribution).abs()
    nearest = cosine.max(-1).values  # [k, m]
    alignment = np.array([float(nearest[i, row].mean()) for i, row in enumerate(neurons)])
    return LotteryEvidence(
        full_steps,
        full_loss,
        full_lower,
        full_upper,
        sub_steps,
        sub_loss,
        sub_lower,
        sub_upper,
        neurons,
        alignment,
        (full.diverged | sub.diverged).numpy(),
    )


def lottery_ticket_check(
    statement: TicketStatement | None = None,
    config: LotteryConfig | None = None,
    settings: st.SearchStrategy[LotterySetting] | None = None,
) -> TheoryCheck[LotterySetting]:
    """``statement`` (default: the poster's ticket, ``c = 4``) as a
    :class:`~gflcheck.core.declare.TheoryCheck`: per seed, the subnetwork's best loss over its
    checkpoints against ``L_full + τ``, with ``L_full`` measured per seed with its own bounds
    (module docstring). Declared false-alarm rate: ``α``."""
    statement = statement or ticket_matches_full_network()
    config = config or LotteryConfig()
    return TheoryCheck(
        name="gfl-lottery-ticket",
        bound=statement.bound,
        settings=st.nothing() if settings is None else settings,
        bound_values=partial(_tolerance, config),
        measure=partial(measure_subnetwork_loss, statement, config),
        quantifiers=partial(_quantifiers, config, statement),
        wording=Wording(
            statement=statement.name,
            quantity=f"best loss of the {statement.subnetwork.value}",
            label=_label,
        ),
        expectation=Expectation(why_false=statement.why_false, observation=statement.observation),
        setup=LOTTERY_TICKETS,
        confidence=replace(
            config.confidence, delta=delta_of_setting, miscoverage=2 * config.loss_miscoverage
        ),
        seed_plan=replace(config.seed_plan, stream="lottery"),
    )


def check_lottery_ticket(
    setting: LotterySetting,
    statement: TicketStatement | None = None,
    config: LotteryConfig | None = None,
) -> tuple[Verdict, LotteryEvidence]:
    """Check ``statement`` (default: the poster's ticket) on ``setting``: the verdict of
    :func:`lottery_ticket_check`, with its evidence."""
    return lottery_ticket_check(statement, config).run_with_evidence(setting)


def _tolerance(config: LotteryConfig, setting: LotterySetting) -> dict[str, float]:
    return {"tau": config.tolerance}


def _label(setting: LotterySetting) -> str:
    return f"d={setting.dimension},q={setting.directions},m={setting.width}"


def measure_subnetwork_loss(
    statement: TicketStatement,
    config: LotteryConfig,
    setting: LotterySetting,
    seeds: tuple[int, ...],
) -> Measurement:
    """Per seed, the subnetwork's best checkpoint loss (the smallest lower bound over its
    checkpoints, the smallest upper bound at ``β/checkpoints`` each) and the whole network's best
    checkpoint loss with its two bounds, as the bound's ``L_full``. Each side misses with
    probability at most ``2β``: one bound of the subnetwork's, one of the whole network's."""
    evidence = lottery_evidence(setting, config, statement.subnetwork, statement.step_factor, seeds)
    best = np.nanargmin(np.where(np.isfinite(evidence.full_loss), evidence.full_loss, np.inf), 1)
    rows = np.arange(len(seeds))
    full = tuple(
        part[rows, best] for part in (evidence.full_lower, evidence.full_loss, evidence.full_upper)
    )
    with np.errstate(invalid="ignore"):
        sub_lower = np.nanmin(
            np.where(np.isnan(evidence.subnetwork_lower), np.inf, evidence.subnetwork_lower), 1
        )
        sub_upper = np.nanmin(
            np.where(np.isnan(evidence.subnetwork_upper), np.inf, evidence.subnetwork_upper), 1
        )
        sub_best = np.nanmin(
            np.where(np.isnan(evidence.subnetwork_loss), np.inf, evidence.subnetwork_loss), 1
        )
    diverged = evidence.diverged | ~np.isfinite(sub_best) | ~np.isfinite(full[1])
    running = ~diverged
    return Measurement(
        np.where(running, sub_best, np.nan),
        lower=np.where(running, sub_lower, np.nan),
        upper=np.where(running, sub_upper, np.nan),
        miscoverage=2 * config.loss_miscoverage,
        diverged=diverged,
        derived={
            "m": setting.width,
            "T": config.steps,
            "subnetwork": statement.subnetwork.value,
            "subnetwork_steps": max(1, math.ceil(statement.step_factor * config.steps)),
        },
        bound_values={"L_full": tuple(np.where(running, part, np.nan) for part in full)},
        evidence=evidence,
    )


def _quantifiers(
    config: LotteryConfig,
    statement: TicketStatement,
    setting: LotterySetting,
    measured: Measurement,
) -> tuple[QuantifierInstantiation, ...]:
    Q = QuantifierInstantiation
    evidence: LotteryEvidence = measured.evidence
    full_best, sub_best = measured.bound_values["L_full"][1], measured.values
    steps = max(1, math.ceil(statement.step_factor * config.steps))

    def spread(values: np.ndarray) -> str:
        finite = values[np.isfinite(values)]
        return f"median {np.median(finite):.3f} (range {finite.min():.3f}–{finite.max():.3f})"

    return (
        Q(
            "the data",
            f"{setting.directions}-direction XOR mixture, d = {setting.dimension}, "
            f"‖μ‖ = {setting.separation:g}, noise N(0, I_d)",
            f"{2 * setting.directions} clusters, gradient features = cluster directions",
        ),
        Q(
            "the whole network",
            f"Algorithm 1, m = {setting.width}, gaussian-mixture recipe with η¹ × "
            f"{config.first_step_boost:g}, fresh batches of "
            f"{config.batch_size}, T = {config.steps}",
            f"best L_D over {len(evidence.full_steps)} checkpoints: {spread(full_best)}",
        ),
        Q(
            "the subnetwork",
            f"{statement.subnetwork.value}, s = {setting.ticket_size} neurons"
            + (
                f" ({setting.per_cluster} per cluster, sign a = label, largest cos(w⁽¹⁾, μ_c))"
                if statement.subnetwork is Subnetwork.GRADIENT_FEATURE_TICKET
                else " drawn uniformly"
            ),
            f"mean |cos| with the nearest cluster after step 1: {spread(evidence.alignment)}",
        ),
        Q(
            "'a similar number of steps', 'within tolerance'",
            f"some checkpoint t ≤ ⌈{statement.step_factor:g}·T⌉ = {steps} with "
            f"L_sub(t) ≤ L_full + τ, τ = {config.tolerance:g}",
            f"best L_D of the subnetwork: {spread(sub_best)}",
        ),
        Q(
            "L_D",
            f"{config.test_size} fresh points per seed, one-sided t bounds, β = "
            f"{config.loss_miscoverage:g} each (β/checkpoints for the subnetwork's upper bounds)",
            "violated: the subnetwork's lower bounds above L_full's upper bound + τ at every "
            "checkpoint; satisfied: an upper bound at or below L_full's lower bound + τ",
        ),
    )


def _run_lottery_ticket(
    statement: Callable[[], TicketStatement], setting: LotterySetting, limits: Budget
) -> tuple[Verdict, Any]:
    return check_lottery_ticket(setting, statement())


ENTRIES: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "gfl/lottery-ticket",
        "4-direction XOR mixture, d = 16, m = 128: the 32-neuron gradient-feature ticket trained "
        "alone reaches the whole network's loss + 0.05 within 4T steps",
        LotterySetting(),
        partial(_run_lottery_ticket, ticket_matches_full_network),
        long_running=True,  # 86 seeds (planned for power), about 75 s cold
    ),
    CatalogueEntry(
        "gfl/lottery-ticket/within-T",
        "'similar runtime' at its strictest: the ticket reaches the whole network's loss + 0.05 "
        "within T steps, the whole network's own (within 2T and 4T follow: ∃t ≤ T implies them)",
        LotterySetting(),
        partial(_run_lottery_ticket, partial(ticket_matches_full_network, 1.0)),
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
)
"""This claim's entries of the main job (``gflcheck check``), in order."""


def lottery_settings(
    dimension: st.SearchStrategy[int] = st.integers(12, 24),
    directions: st.SearchStrategy[int] = st.integers(3, 4),
    per_cluster: st.SearchStrategy[int] = st.just(4),
    delta: st.SearchStrategy[float] = st.just(0.2),
) -> st.SearchStrategy[LotterySetting]:
    """``q``-direction XOR mixtures (‖μ‖ = 4, m = 128) and a ticket of ``per_cluster`` neurons per
    cluster (with 1–2 per cluster tickets trained worse than random subnetworks: see the README)."""
    return st.builds(
        LotterySetting,
        dimension=dimension,
        directions=directions,
        per_cluster=per_cluster,
        delta=delta,
        seed=st.integers(0, 2**32 - 1),
    )
