"""Benchmark: gflcheck's trainers against the peers a user who batches seeds would pick.

Every trainer runs at the suite's own shapes, on the same initialisation and the same batches as
its peers:

- **torch.func**: ``vmap`` over the runs of ``grad_and_value`` of one run's loss, a Python step
  loop;
- **hand bmm**: the forward and backward written out with batched matrix products (what one
  would write by hand to batch seeds without autograd).

Every contestant records each step's training loss per run, as gflcheck's trainers do (gflcheck
also records the loss's spread, the 0-1 error and a finiteness screen per step). JAX (``vmap`` +
``jit``) is not a contestant yet: it is not on this machine's package index, so no JAX peer has
been written and checked against these numbers.

Times are the best of interleaved rounds (machine noise hits every contestant alike), on one
thread, reported per step and as the ratio ``gflcheck / peer`` (above 1 the peer is faster). Each
shape also reports gflcheck's useful FLOP rate as a fraction of the machine's one-thread fp32 GEMM
peak (a 1024³ ``torch.mm``). The peers' final parameters must agree with gflcheck's.

Targets, each printed PASS or FAIL (exit 1 on a FAIL):

1. gflcheck is at least as fast as the fastest peer at every shape (ratio ≤ 1.0);
2. at the main shapes (not the dispatch-bound parity walk) gflcheck runs at ≥ 0.3 of the GEMM
   peak in its dtype (float64's peak is measured the same way).

Run: ``python bench/bench_peers.py [--rounds R]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.func import grad_and_value, vmap

from gflcheck.models.deep_networks import initialize_deep_network, train_gradient_descent
from gflcheck.models.distributions import xor_mixture
from gflcheck.models.training import (
    fresh_batches,
    gaussian_mixture_recipe,
    symmetric_initialization,
    train_algorithm_1,
)
from gflcheck.runtime.random import torch_generator

PEAK_TARGET = 0.3
"""Target 2: the least fraction of the one-thread GEMM peak at the main shapes."""


@dataclass(frozen=True)
class Shape:
    """A trainer's shape: runs ``k``, batch ``n``, input ``d``, width ``m`` (and depth, dtype)."""

    label: str
    runs: int
    batch: int
    dimension: int
    width: int
    steps: int
    main: bool = True
    depth: int = 1
    dtype: torch.dtype = torch.float32


ALGORITHM_1_SHAPES = (
    Shape("parity walk", 8, 512, 12, 16, 60, main=False),
    Shape("lottery ticket", 86, 512, 16, 128, 10),
    Shape("near-noise γ²", 51, 4096, 6, 108, 6),
    Shape("wide input", 4, 2048, 128, 64, 30),
)
DEEP_GD_SHAPES = (
    Shape("kernel rate in n", 12, 256, 8, 256, 10, depth=2),
    Shape("kernel training loss", 1, 48, 6, 32, 200, main=False, depth=2, dtype=torch.float64),
)


def interleaved_best(rounds: int, functions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best wall time (s) of each function over ``rounds`` interleaved rounds."""
    best = dict.fromkeys(functions, math.inf)
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def gemm_peak(dtype: torch.dtype, rounds: int) -> float:
    """One-thread GEMM rate (FLOP/s) of a 1024³ ``torch.mm`` in ``dtype``."""
    a, b = torch.randn(1024, 1024, dtype=dtype), torch.randn(1024, 1024, dtype=dtype)
    seconds = interleaved_best(rounds, {"mm": lambda: torch.mm(a, b)})["mm"]
    return 2 * 1024**3 / seconds


# --- Algorithm 1 (two-layer ReLU network, hinge loss, fixed biases) ---------------------------


def algorithm_1_contestants(shape: Shape):
    """gflcheck's :func:`train_algorithm_1` and its peers on one shape's batches; each returns
    its final ``(a, W)``."""
    seeds = list(range(shape.runs))
    mixture = xor_mixture(shape.dimension, 6.0, 1.0, torch_generator(0, "distribution"))
    recipe = gaussian_mixture_recipe(
        shape.dimension, shape.width, mixture.expected_norm(), mixture.expected_squared_norm()
    )
    batches = fresh_batches(mixture, seeds, shape.batch, shape.steps)
    initial = symmetric_initialization(
        recipe.initialization, shape.width, shape.dimension, seeds, torch.float32
    )
    xs, ys = batches.x, batches.y
    a0, W0, b = initial.a, initial.W, initial.b

    def rates(t: int) -> tuple[float, float, float, float]:
        """(rate, decay) for W and for a at step ``t`` (Algorithm 1's first step moves W only)."""
        if t == 0:
            return recipe.first_step_rate, recipe.first_step_weight_decay, 0.0, 0.0
        return recipe.learning_rate, recipe.weight_decay, recipe.learning_rate, recipe.weight_decay

    def gflcheck_run():
        run = train_algorithm_1(batches, recipe, shape.width, shape.steps, shape.batch, seeds)
        return run.final.a, run.final.W

    def hand_bmm():
        a, W = a0.clone(), W0.clone()
        n = shape.batch
        losses = torch.empty(shape.runs, shape.steps + 1)
        for t in range(shape.steps + 1):
            x, y = xs[t], ys[t]
            hidden = torch.baddbmm(-b[:, None, :], x, W.transpose(1, 2)).clamp_min_(0)
            margins = y * torch.bmm(hidden, a[:, :, None]).squeeze(-1)
            losses[:, t] = (1 - margins).clamp_min_(0).mean(1)
            if t == shape.steps:
                break
            g = torch.where(margins < 1, -y, 0.0) / n
            grad_a = torch.bmm(g[:, None, :], hidden).squeeze(1)
            grad_W = a[:, :, None] * torch.bmm(
                (hidden > 0).to(x.dtype).transpose(1, 2), g[..., None] * x
            )
            rate_W, decay_W, rate_a, decay_a = rates(t)
            W = (1 - rate_W * decay_W) * W - rate_W * grad_W
            a = (1 - rate_a * decay_a) * a - rate_a * grad_a
        return a, W

    def loss(a, W, b, x, y):
        hidden = torch.relu(x @ W.T - b)
        return torch.clamp(1 - y * (hidden @ a), min=0).mean()

    gradients = vmap(grad_and_value(loss, argnums=(0, 1)))

    def torch_func():
        a, W = a0.clone(), W0.clone()
        losses = torch.empty(shape.runs, shape.steps + 1)
        for t in range(shape.steps):
            (grad_a, grad_W), losses[:, t] = gradients(a, W, b, xs[t], ys[t])
            rate_W, decay_W, rate_a, decay_a = rates(t)
            W = (1 - rate_W * decay_W) * W - rate_W * grad_W
            a = (1 - rate_a * decay_a) * a - rate_a * grad_a
        return a, W

    flops = 4 * shape.runs * shape.batch * shape.dimension * shape.width * (shape.steps + 1)
    return {"gflcheck": gflcheck_run, "hand bmm": hand_bmm, "torch.func": torch_func}, flops


# --- Deep networks, full-batch GD on the logistic loss -----------------------------------------


def deep_gd_contestants(shape: Shape):
    """gflcheck's :func:`train_gradient_descent` and its peers; each returns its final output
    layer ``v``."""
    seeds = list(range(shape.runs))
    network = initialize_deep_network(
        shape.dimension, shape.width, shape.depth, seeds, dtype=shape.dtype
    )
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(
        shape.runs, shape.batch, shape.dimension, generator=generator, dtype=shape.dtype
    )
    y = torch.randint(0, 2, (shape.runs, shape.batch), generator=generator).to(shape.dtype) * 2 - 1
    rate = 0.5

    def gflcheck_run():
        return train_gradient_descent(network, x, y, rate, shape.steps).final.output

    def hand_bmm():
        *layers, v = (p.clone() for p in network.parameters)
        scales = [1 / math.sqrt(shape.dimension)] + [1 / math.sqrt(shape.width)] * len(layers[1:])
        v_scale = 1 / math.sqrt(shape.width)
        losses = torch.empty(shape.runs, shape.steps + 1, dtype=torch.float64)
        for t in range(shape.steps):
            activations = [x]
            for weight, scale in zip(layers, scales, strict=True):
                activations.append(
                    torch.tanh(torch.bmm(activations[-1], weight.transpose(1, 2)) * scale)
                )
            margins = y * torch.bmm(activations[-1], v[:, :, None]).squeeze(-1) * v_scale
            losses[:, t] = torch.nn.functional.softplus(-margins).mean(-1)
            g_f = -y * torch.sigmoid(-margins) / shape.batch
            grad_v = torch.bmm(g_f[:, None, :], activations[-1]).squeeze(1) * v_scale
            g = g_f[:, :, None] * (v * v_scale)[:, None, :]
            grads = []
            for index in range(len(layers) - 1, -1, -1):
                g = g * (1 - activations[index + 1] ** 2)
                grads.append(torch.bmm(g.transpose(1, 2), activations[index]) * scales[index])
                if index:
                    g = torch.bmm(g, layers[index]) * scales[index]
            layers = [w - rate * gw for w, gw in zip(layers, reversed(grads), strict=True)]
            v = v - rate * grad_v
        return v

    def one_run_loss(parameters, x, y):
        *layers, v = parameters
        hidden = x @ layers[0].T / math.sqrt(shape.dimension)
        for weight in layers[1:]:
            hidden = torch.tanh(hidden) @ weight.T / math.sqrt(shape.width)
        output = torch.tanh(hidden) @ v / math.sqrt(shape.width)
        return torch.nn.functional.softplus(-y * output).mean()

    gradients = vmap(grad_and_value(one_run_loss))

    def torch_func():
        parameters = tuple(p.clone() for p in network.parameters)
        losses = torch.empty(shape.runs, shape.steps + 1, dtype=torch.float64)
        for t in range(shape.steps):
            step, losses[:, t] = gradients(parameters, x, y)
            parameters = tuple(p - rate * g for p, g in zip(parameters, step, strict=True))
        return parameters[-1]

    hidden_products = shape.width * shape.width * (shape.depth - 1) + shape.width * shape.dimension
    flops = 6 * shape.runs * shape.batch * hidden_products * shape.steps
    return {"gflcheck": gflcheck_run, "hand bmm": hand_bmm, "torch.func": torch_func}, flops


def relative_difference(left: tuple[torch.Tensor, ...], right: tuple[torch.Tensor, ...]) -> float:
    """The largest ``‖l − r‖ / ‖l‖`` over the tensors."""
    return max(float((a - b).norm() / a.norm()) for a, b in zip(left, right, strict=True))


def compare(shape: Shape, contestants, flops: int, peaks: dict, rounds: int) -> list[str]:
    """Time one shape's contestants, print the table rows, return the FAIL lines."""
    results = {name: run() for name, run in contestants.items()}
    reference = results["gflcheck"]
    reference = reference if isinstance(reference, tuple) else (reference,)
    agreement = {}
    for name, value in results.items():
        value = value if isinstance(value, tuple) else (value,)
        agreement[name] = relative_difference(reference, value)
    times = interleaved_best(rounds, contestants)
    ours = times["gflcheck"]
    peers = {name: t for name, t in times.items() if name != "gflcheck"}
    fraction = flops / ours / peaks[shape.dtype]
    steps = shape.steps + 1
    print(
        f"\n[{shape.label}] k={shape.runs}, n={shape.batch}, d={shape.dimension}, m={shape.width}"
        + (f", L={shape.depth}" if shape.depth > 1 else "")
        + f", {str(shape.dtype).removeprefix('torch.')}, {shape.steps} steps"
    )
    print(f"  gflcheck     {ours * 1e3 / steps:8.3f} ms/step   {fraction:.2f} of the GEMM peak")
    for name, seconds in peers.items():
        print(
            f"  {name:12s} {seconds * 1e3 / steps:8.3f} ms/step   gflcheck/peer "
            f"{ours / seconds:5.2f}×   agreement {agreement[name]:.1e}"
        )
    failures = []
    fastest = min(peers, key=peers.get)
    ratio = ours / peers[fastest]
    status = "PASS" if ratio <= 1.0 else "FAIL"
    print(f"  target 1, ≤ 1.0× the fastest peer ({fastest}): {ratio:.2f}× {status}")
    if status == "FAIL":
        failures.append(f"{shape.label}: {ratio:.2f}× {fastest}")
    tolerance = 1e-4 if shape.dtype == torch.float32 else 1e-10
    for name, difference in agreement.items():
        if not difference <= tolerance:
            failures.append(f"{shape.label}: {name} disagrees ({difference:.1e} > {tolerance:.0e})")
    if shape.main:
        status = "PASS" if fraction >= PEAK_TARGET else "FAIL"
        print(f"  target 2, ≥ {PEAK_TARGET} of the GEMM peak: {fraction:.2f} {status}")
        if status == "FAIL":
            failures.append(f"{shape.label}: {fraction:.2f} of the GEMM peak")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    rounds = parser.parse_args().rounds
    torch.set_num_threads(1)
    print("peers: torch.func and a hand bmm loop (no JAX peer: see the module docstring)")
    peaks = {dtype: gemm_peak(dtype, rounds) for dtype in (torch.float32, torch.float64)}
    print(
        f"one-thread GEMM peak: {peaks[torch.float32] / 1e9:.1f} GFLOP/s fp32, "
        f"{peaks[torch.float64] / 1e9:.1f} GFLOP/s fp64"
    )
    failures = []
    for shape in ALGORITHM_1_SHAPES:
        failures += compare(shape, *algorithm_1_contestants(shape), peaks, rounds)
    for shape in DEEP_GD_SHAPES:
        failures += compare(shape, *deep_gd_contestants(shape), peaks, rounds)
    print("\n" + ("FAIL:\n  " + "\n  ".join(failures) if failures else "PASS: every target"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
