"""Deep fully-connected networks in NTK parameterisation, and full-batch GD on the logistic loss.

Taheri–Thrampoulidis–Mazumdar's kernel-regime setting (docs/setups.md §2.1, ``secondary``): depth
``L`` (hidden layers), width ``m``, smooth activation (here ``tanh``), logistic loss
``ℓ(z) = log(1 + e^{−z})``, full-batch gradient descent. NTK parameterisation:

    h₁ = W₁x/√d,  h_l = W_l·tanh(h_{l−1})/√m  (l = 2..L),  f(x) = vᵀ tanh(h_L)/√m,

with every entry of ``W_l`` and ``v`` standard Gaussian at initialisation. Parameters carry a
leading run axis ``k``: ``k`` seeds train as one program (autograd of the summed per-seed losses
gives each seed its own gradient).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gflcheck.models.distributions.margin_sphere import FAMILIES, MarginSphere
from gflcheck.runtime.cache import cached_run
from gflcheck.runtime.devices import compute_device, to_compute_device, to_host
from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import require_int_at_least, require_positive, require_positive_int


@dataclass(frozen=True)
class DeepNetwork:
    """``k`` networks: ``layers[l]`` of shape ``[k, m, fan_in]`` and ``output`` of shape ``[k, m]``."""

    layers: tuple[torch.Tensor, ...]
    output: torch.Tensor

    @property
    def parameters(self) -> tuple[torch.Tensor, ...]:
        """All parameter tensors, layers first."""
        return (*self.layers, self.output)

    @property
    def runs(self) -> int:
        """``k``."""
        return int(self.output.shape[0])

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """``f(x)`` of shape ``[k, n]`` for shared inputs ``x [n, d]``."""
        return network_output(self.parameters, x)

    def flat(self) -> torch.Tensor:
        """Parameters as one vector per run, ``[k, P]``."""
        return torch.cat([p.flatten(1) for p in self.parameters], 1)

    def to(self, dtype: torch.dtype) -> DeepNetwork:
        """The same networks with parameters of ``dtype``."""
        return DeepNetwork(tuple(p.to(dtype) for p in self.layers), self.output.to(dtype))

    def select(self, run: int) -> DeepNetwork:
        """Run ``run`` alone (``k = 1``)."""
        return DeepNetwork(tuple(p[run : run + 1] for p in self.layers), self.output[run : run + 1])

    def distance(self, other: DeepNetwork) -> torch.Tensor:
        """``‖W − W'‖`` (Frobenius over all parameters) per run."""
        return (self.flat() - other.flat()).norm(dim=1)


def network_output(parameters: Sequence[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The NTK-parameterised forward pass (module docstring); batched ``[k, ...]`` parameters give
    ``[k, n]`` for ``x [n, d]`` or per-run ``x [k, n, d]``; unbatched ones give ``[n]``."""
    *layers, output = parameters
    hidden = x.to(output.dtype) @ layers[0].transpose(-1, -2) / math.sqrt(x.shape[-1])
    for weight in layers[1:]:
        hidden = torch.tanh(hidden) @ weight.transpose(-1, -2) / math.sqrt(weight.shape[-1])
    return (torch.tanh(hidden) @ output.unsqueeze(-1)).squeeze(-1) / math.sqrt(output.shape[-1])


def initialize_deep_network(
    dimension: int, width: int, depth: int, seeds: Sequence[int], dtype: torch.dtype = torch.float64
) -> DeepNetwork:
    """Standard Gaussian parameters; run ``i`` draws from the ``"ntk-init"`` stream of ``seeds[i]``."""
    require_positive_int("dimension", dimension, "initialize_deep_network")
    require_positive_int("width", width, "initialize_deep_network")
    require_int_at_least("depth", depth, 1, "initialize_deep_network (L ≥ 1)")
    shapes = [(width, dimension)] + [(width, width)] * (depth - 1) + [(width,)]
    per_run = []
    for seed in seeds:
        generator = torch_generator(seed, "ntk-init")
        per_run.append([torch.randn(shape, generator=generator, dtype=dtype) for shape in shapes])
    stacked = [torch.stack([run[i] for run in per_run]) for i in range(len(shapes))]
    return DeepNetwork(tuple(stacked[:-1]), stacked[-1])


def logistic_loss(margins: torch.Tensor) -> torch.Tensor:
    """``log(1 + e^{−z})``, computed stably (softplus)."""
    return torch.nn.functional.softplus(-margins)


@dataclass(frozen=True, eq=False)
class GradientDescentRun:
    """Full-batch GD: ``training_loss [k, T+1]`` (``F̂(w_t)``), the final network, and
    ``diverged_at [k]`` (first step with a non-finite loss, −1 if none)."""

    initial: DeepNetwork
    final: DeepNetwork
    learning_rate: float
    training_loss: torch.Tensor
    diverged_at: torch.Tensor


@cached_run
def train_gradient_descent(
    network: DeepNetwork,
    x: torch.Tensor,
    y: torch.Tensor,
    learning_rate: float,
    steps: int,
    step_size_limit: float | None = None,
) -> GradientDescentRun:
    """``steps`` of full-batch GD on ``F̂(w) = (1/n) Σ ℓ(y_i f(w; x_i))`` for every run at once.

    ``x [k, n, d]`` (one training set per run) or shared ``[n, d]``; ``y`` likewise. With
    ``step_size_limit`` (e.g. ``1/(G₀² + ¼)``) a larger ``learning_rate`` is refused.
    """
    require_positive("learning_rate", learning_rate, "train_gradient_descent")
    require_positive_int("steps", steps, "train_gradient_descent")
    if step_size_limit is not None and not learning_rate < step_size_limit:
        raise ParameterRangeError(
            "learning_rate", learning_rate, f"η < 1/(G₀² + ¼) = {step_size_limit:.6g}"
        )
    device = compute_device()
    parameters = [p.to(device, copy=True) for p in network.parameters]
    x, y = to_compute_device(x, y)
    if x.ndim == 2:  # one training set shared by every run
        x, y = x.expand(network.runs, *x.shape), y.expand(network.runs, *y.shape)
    x, y = x.to(parameters[0].dtype), y.to(parameters[0].dtype)
    risks = torch.empty((steps + 1, network.runs), dtype=x.dtype, device=device)
    for t in range(steps + 1):
        per_run, gradients = logistic_risk_gradients(parameters, x, y)
        risks[t] = per_run  # judged for divergence once, after the loop: no host read
        if t == steps:
            break
        for parameter, gradient in zip(parameters, gradients, strict=True):
            parameter.sub_(gradient, alpha=learning_rate)
    losses, diverged_at = _until_divergence(risks)
    return to_host(
        GradientDescentRun(
            initial=network,
            final=DeepNetwork(tuple(parameters[:-1]), parameters[-1]),
            learning_rate=learning_rate,
            training_loss=losses,
            diverged_at=diverged_at,
        )
    )


def _until_divergence(risks: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """From ``risks [T+1, k]``: the losses ``[k, T+1]`` in float64, NaN from each run's first
    non-finite step on, and that step per run (−1 if none)."""
    steps = torch.arange(risks.shape[0], device=risks.device)[:, None]
    failed = torch.where(torch.isfinite(risks), risks.shape[0], steps).amin(0)
    losses = risks.double().where(steps < failed, torch.nan).T
    return losses, torch.where(failed < risks.shape[0], failed, -1)


def logistic_risk_gradients(
    parameters: Sequence[torch.Tensor], x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
    """``F̂(w)`` per run ``[k]`` and its gradient in every parameter, by the chain rule through
    the forward pass of the module docstring (``a_0 = x``, ``a_l = tanh(h_l)``, scales
    ``s_1 = 1/√d``, ``s_l = 1/√m``), for ``x [k, n, d]``, ``y [k, n]``:

        g_f = −y·σ(−y f)/n,   ∂F̂/∂v = a_Lᵀ g_f/√m,   g_{a_L} = g_f vᵀ/√m,
        g_{h_l} = g_{a_l} ⊙ (1 − a_l²),   ∂F̂/∂W_l = s_l g_{h_l}ᵀ a_{l−1},   g_{a_{l−1}} = s_l g_{h_l} W_l.

    The same products autograd would form, written as batched matrix products: at the
    training-loss check's shape (one run, n = 48, m = 32, L = 2, float64) a GD step takes 0.16 ms
    against 0.53 with autograd and 0.69 with ``torch.func`` (``bench/bench_peers.py``)."""
    *layers, output = parameters
    scales = [1 / math.sqrt(x.shape[-1])] + [1 / math.sqrt(w.shape[-1]) for w in layers[1:]]
    output_scale = 1 / math.sqrt(output.shape[-1])
    activations = [x]
    for weight, scale in zip(layers, scales, strict=True):
        hidden = torch.bmm(activations[-1], weight.transpose(1, 2)).mul_(scale)
        activations.append(hidden.tanh_())
    margins = torch.bmm(activations[-1], output[:, :, None]).squeeze(-1).mul_(output_scale).mul_(y)
    risk = logistic_loss(margins).mean(-1)
    g = torch.sigmoid(margins.neg_()).mul_(y).div_(-y.shape[-1])  # ∂F̂/∂f, [k, n]
    output_gradient = torch.bmm(g[:, None, :], activations[-1]).squeeze(1).mul_(output_scale)
    g = g[:, :, None] * (output * output_scale)[:, None, :]  # ∂F̂/∂a_L, [k, n, m]
    layer_gradients = []
    for index in range(len(layers) - 1, -1, -1):
        activation = activations[index + 1]
        g.mul_(1 - activation * activation)  # ∂F̂/∂h_l
        weight_gradient = torch.bmm(g.transpose(1, 2), activations[index]).mul_(scales[index])
        layer_gradients.append(weight_gradient)
        if index:
            g = torch.bmm(g, layers[index]).mul_(scales[index])
    return risk, (*reversed(layer_gradients), output_gradient)


def empirical_risk(network: DeepNetwork, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``F̂(w) = (1/n) Σ log(1 + e^{−y_i f(x_i)})`` per run, ``[k]``: the mean of
    :func:`pointwise_logistic_losses` (shared test points in blocks)."""
    return pointwise_logistic_losses(network, x, y).mean(-1)


def pointwise_logistic_losses(
    network: DeepNetwork, x: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    """``log(1 + e^{−y_i f(x_i)})`` per run and point, ``[k, n]``: what :func:`empirical_risk`
    averages, for its spread (a confidence interval on a test loss). Shared points ``x [n, d]``
    are taken in blocks whose hidden layer holds at most :data:`POINT_BLOCK_NUMBERS` numbers, so
    a 20 000-point test set at m = 4096 does not hold gigabytes of activations."""
    with torch.no_grad():
        if x.ndim == 3:  # one set per run: the training sets, small
            return _pointwise_losses(network.parameters, x, y)
        block = max(1, POINT_BLOCK_NUMBERS // (network.runs * network.output.shape[-1]))
        return torch.cat(
            [
                _pointwise_losses(
                    network.parameters, x[start : start + block], y[..., start : start + block]
                )
                for start in range(0, x.shape[0], block)
            ],
            -1,
        )


POINT_BLOCK_NUMBERS = 1 << 24
"""The most hidden-layer numbers (runs × points × width) :func:`pointwise_logistic_losses` holds
at once: 128 MiB in float64."""


def _pointwise_losses(
    parameters: Sequence[torch.Tensor], x: torch.Tensor, y: torch.Tensor
) -> torch.Tensor:
    if x.ndim == 3:  # one training set per run
        outputs = torch.func.vmap(network_output)(tuple(parameters), x)
    else:
        outputs = network_output(parameters, x)
    return logistic_loss(y * outputs)


@dataclass(frozen=True)
class KernelSetting:
    """Network ``(d, m, L)``, ``n`` training points of a ``family`` (``linear`` or ``product``
    teacher, :class:`MarginSphere`) with data margin ``margin``, ``T`` GD steps."""

    dimension: int
    width: int
    depth: int
    samples: int
    margin: float
    steps: int
    seed: int
    family: str = "linear"

    def __post_init__(self) -> None:
        require_int_at_least("dimension", self.dimension, 2, "KernelSetting")
        if self.family not in FAMILIES:
            raise ParameterRangeError("family", self.family, f"one of {FAMILIES}", "KernelSetting")
        require_positive_int("width", self.width, "KernelSetting")
        require_int_at_least("depth", self.depth, 1, "KernelSetting (L ≥ 1)")
        require_int_at_least("samples", self.samples, 2, "KernelSetting")
        if not 0.0 <= self.margin < 0.9:
            raise ParameterRangeError(
                "margin", self.margin, "a number in [0, 0.9)", "KernelSetting"
            )
        require_positive_int("steps", self.steps, "KernelSetting")
        require_int_at_least("seed", self.seed, 0, "KernelSetting")

    def distribution(self) -> MarginSphere:
        """The data distribution; its teachers come from the setting's ``"teacher"`` stream."""
        return MarginSphere.random(
            self.dimension, self.margin, torch_generator(self.seed, "teacher"), self.family
        )


def training_data(
    setting: KernelSetting, seeds: tuple[int, ...]
) -> tuple[torch.Tensor, torch.Tensor]:
    """One training set per run: ``x [k, n, d]``, ``y [k, n]`` (teacher from the setting's seed)."""
    data = setting.distribution()
    pairs = [data.sample(setting.samples, torch_generator(s, "kernel-train")) for s in seeds]
    return torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])
