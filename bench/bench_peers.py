"""Benchmark: gflcheck's trainers against the peers a user who batches seeds would pick.

Every trainer runs at the suite's own shapes, on the same initialisation and the same batches as
its peers:

- **torch.func**: ``vmap`` over the runs of ``grad_and_value`` of one run's loss, a Python step
  loop;
- **hand bmm**: the forward and backward written out with batched matrix products (what one
  would write by hand to batch seeds without autograd), one step a function;
- **torch.compile**: that same step function compiled by inductor (static shapes). Its first
  call compiles and is not in the timed rounds; the table prints it beside the step time (a few
  seconds with inductor's on-disk cache warm, about 15 s in a fresh process with it empty).

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
2. at the main shapes (not the dispatch-bound parity walk, cube XOR and training-loss shapes)
   gflcheck runs at ≥ 0.3 of the GEMM peak in its dtype (float64's peak is measured the same
   way);
3. the whole cube-XOR trainer (draws included) is at least 3× as fast as at ffb2a37, whose loop
   drew each step's batch per seed and formed its gradients with einsum, with the same networks.

The trainers: Algorithm 1 (parity walk, lottery, near-noise, wide input), Glasgow's minibatch
SGD on the cube, TTM's quadratic network's SGD, and full-batch GD of deep tanh networks.

Run: ``python bench/bench_peers.py [--rounds R]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torch
from torch.func import grad_and_value, vmap

from gflcheck.models.deep_networks import initialize_deep_network, train_gradient_descent
from gflcheck.models.distributions import xor_mixture
from gflcheck.models.distributions.xor_cube import XorCube
from gflcheck.models.minibatch_sgd import (
    SgdRecipe,
    TwoLayerNetworks,
    minibatch_sgd_steps,
    train_minibatch_sgd,
)
from gflcheck.models.quadratic import second_layer, xor_sgd_steps
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
CUBE_SGD_SHAPES = (Shape("cube XOR SGD", 16, 32, 64, 64, 128, main=False, dtype=torch.float64),)
XOR_SGD_SHAPES = (Shape("TTM XOR SGD", 76, 2560, 64, 20, 7, dtype=torch.float64),)
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

    def hand_step(a, W, x, y, rate_W, decay_W, rate_a, decay_a):
        """One step written out: the loss of ``(a, W)`` on ``(x, y)`` and the updated ``(a, W)``."""
        hidden = torch.baddbmm(-b[:, None, :], x, W.transpose(1, 2)).clamp_min_(0)
        margins = y * torch.bmm(hidden, a[:, :, None]).squeeze(-1)
        loss = (1 - margins).clamp_min(0).mean(1)
        g = torch.where(margins < 1, -y, 0.0) / shape.batch
        grad_a = torch.bmm(g[:, None, :], hidden).squeeze(1)
        grad_W = a[:, :, None] * torch.bmm(
            (hidden > 0).to(x.dtype).transpose(1, 2), g[..., None] * x
        )
        W = (1 - rate_W * decay_W) * W - rate_W * grad_W
        a = (1 - rate_a * decay_a) * a - rate_a * grad_a
        return a, W, loss

    def step_loop(step):
        def run():
            a, W = a0.clone(), W0.clone()
            losses = torch.empty(shape.runs, shape.steps + 1)
            for t in range(shape.steps):
                a, W, losses[:, t] = step(a, W, xs[t], ys[t], *rates(t))
            hidden = torch.baddbmm(-b[:, None, :], xs[-1], W.transpose(1, 2)).clamp_min_(0)
            margins = ys[-1] * torch.bmm(hidden, a[:, :, None]).squeeze(-1)
            losses[:, -1] = (1 - margins).clamp_min_(0).mean(1)
            return a, W

        return run

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
    return _with_peers(gflcheck_run, hand_step, step_loop, torch_func), flops


# --- Minibatch SGD on the cube (Glasgow's learner), logistic loss, both layers ------------------


def cube_sgd_contestants(shape: Shape):
    """gflcheck's :func:`minibatch_sgd_steps` and its peers on the same staged batches; each
    returns its final ``(W, a)``. (:func:`cube_sgd_against_its_past` times the whole trainer,
    draws included, against the one of ffb2a37.)"""
    cube = XorCube(shape.dimension)
    seeds = list(range(shape.runs))
    drawn = [
        cube.sample(shape.steps * shape.batch, torch_generator(s, "sgd-train"), torch.float64)
        for s in seeds
    ]
    grid = (shape.runs, shape.steps, shape.batch)
    xs = torch.stack([x for x, _ in drawn]).reshape(*grid, -1).transpose(0, 1).contiguous()
    ys = torch.stack([y for _, y in drawn]).reshape(grid).transpose(0, 1).contiguous()
    generator = torch.Generator().manual_seed(0)
    W0 = torch.randn(shape.runs, shape.width, shape.dimension, generator=generator).double()
    a0 = torch.randn(shape.runs, shape.width, generator=generator).double()
    W0, a0 = W0 / math.sqrt(shape.dimension), a0 / math.sqrt(shape.width)
    rate = SgdRecipe().learning_rate

    def gflcheck_run():
        final = minibatch_sgd_steps(TwoLayerNetworks(W0, a0), xs, ys, rate)
        return final.W, final.a

    def hand_step(W, a, x, y):
        pre = torch.bmm(x, W.transpose(1, 2))
        hidden = pre.relu()
        slope = -y * torch.sigmoid(-y * torch.bmm(hidden, a[:, :, None]).squeeze(-1))
        slope = slope / shape.batch
        grad_a = torch.bmm(slope[:, None, :], hidden).squeeze(1)
        grad_W = a[:, :, None] * torch.bmm(
            (pre > 0).to(x.dtype).transpose(1, 2), slope[..., None] * x
        )
        return W - rate * grad_W, a - rate * grad_a

    def step_loop(step):
        def run():
            W, a = W0, a0
            for x, y in zip(xs, ys, strict=True):
                W, a = step(W, a, x, y)
            return W, a

        return run

    def loss(W, a, x, y):
        return torch.nn.functional.softplus(-y * (torch.relu(x @ W.T) @ a)).mean()

    gradients = vmap(grad_and_value(loss, argnums=(0, 1)))

    def torch_func():
        W, a = W0, a0
        for x, y in zip(xs, ys, strict=True):
            (grad_W, grad_a), _ = gradients(W, a, x, y)
            W, a = W - rate * grad_W, a - rate * grad_a
        return W, a

    flops = 6 * shape.runs * shape.batch * shape.dimension * shape.width * shape.steps
    return _with_peers(gflcheck_run, hand_step, step_loop, torch_func), flops


def _cube_sgd_at_ffb2a37(cube: XorCube, samples: int, seeds: list[int]) -> TwoLayerNetworks:
    """The cube-XOR trainer as it was at ffb2a37: a draw per step and seed, einsum gradients."""
    recipe = SgdRecipe()
    d, m = cube.dimension, recipe.width
    inits = [torch_generator(seed, "sgd-init") for seed in seeds]
    W = torch.stack([torch.randn(m, d, generator=g, dtype=torch.float64) for g in inits])
    a = torch.stack([torch.randn(m, generator=g, dtype=torch.float64) for g in inits])
    W, a = W / math.sqrt(d), a / math.sqrt(m)
    streams = [torch_generator(seed, "sgd-train") for seed in seeds]
    for _ in range(samples // recipe.batch_size):
        batches = [cube.sample(recipe.batch_size, g, torch.float64) for g in streams]
        x = torch.stack([batch[0] for batch in batches])
        y = torch.stack([batch[1] for batch in batches])
        pre = torch.einsum("kbd,kmd->kbm", x, W)
        hidden = pre.relu()
        scores = torch.einsum("kbm,km->kb", hidden, a)
        slope = -y * torch.sigmoid(-y * scores) / x.shape[1]
        grad_a = torch.einsum("kb,kbm->km", slope, hidden)
        grad_W = torch.einsum("kb,km,kbm,kbd->kmd", slope, a, (pre > 0).to(x.dtype), x)
        W, a = W - recipe.learning_rate * grad_W, a - recipe.learning_rate * grad_a
    return TwoLayerNetworks(W, a)


def cube_sgd_against_its_past(rounds: int) -> list[str]:
    """Target 3: the whole cube-XOR trainer (draws, staging, steps) at least 3× as fast as at
    ffb2a37 at the walk's shapes (16 seeds, B = 32, m = 64), with the same networks."""
    failures = []
    print("\n[cube XOR SGD, the whole trainer against ffb2a37's] 16 seeds, B = 32, m = 64")
    for dimension, samples in ((16, 1024), (64, 4096), (128, 8192)):
        cube, seeds = XorCube(dimension), list(range(16))
        now = train_minibatch_sgd(cube, samples, seeds)
        past = _cube_sgd_at_ffb2a37(cube, samples, seeds)
        difference = relative_difference((now.W, now.a), (past.W, past.a))
        times = interleaved_best(
            rounds,
            {
                "now": partial(train_minibatch_sgd, cube, samples, seeds),
                "past": partial(_cube_sgd_at_ffb2a37, cube, samples, seeds),
            },
        )
        speedup = times["past"] / times["now"]
        status = "PASS" if speedup >= 3.0 and difference <= 1e-10 else "FAIL"
        print(
            f"  d = {dimension:3d}, n = {samples:5d}: {times['now'] * 1e3:7.1f} ms against "
            f"{times['past'] * 1e3:7.1f} ms: {speedup:.2f}× (target ≥ 3×), agreement "
            f"{difference:.1e} {status}"
        )
        if status == "FAIL":
            failures.append(f"cube XOR SGD at d = {dimension}: {speedup:.2f}× its past speed")
    return failures


# --- TTM's quadratic network on the cube, linear loss, W renormalised each step ------------------


def xor_sgd_contestants(shape: Shape):
    """gflcheck's :func:`xor_sgd_steps` (staged ±1 batches in int8, as its trainer stages them)
    and its peers on the same batches; each returns its final ``W``."""
    cube = XorCube(shape.dimension)
    draws = [
        cube.sample(shape.steps * shape.batch, torch_generator(s, "xor-train"), torch.int8)
        for s in range(shape.runs)
    ]
    grid = (shape.runs, shape.steps, shape.batch)
    xs = torch.stack([x for x, _ in draws]).reshape(*grid, -1).transpose(0, 1).contiguous()
    ys = torch.stack([y for _, y in draws]).reshape(grid).transpose(0, 1).contiguous()
    generator = torch.Generator().manual_seed(0)
    W0 = torch.randn(shape.runs, shape.width, shape.dimension, generator=generator).double()
    a = second_layer(shape.width).double()
    eta = float(shape.width)

    def gflcheck_run():
        networks, _ = xor_sgd_steps(W0, a, xs, ys, eta)
        return networks[-1].W

    def normalised(W):
        return W / W.flatten(1).norm(dim=1)[:, None, None]

    def hand_step(W, x, y):
        x, y = x.double(), y.double()
        moved = torch.bmm(torch.bmm(W, x.transpose(1, 2)) * y[:, None, :], x) / shape.batch
        return normalised(W + 2 * eta * a[None, :, None] * moved)

    def step_loop(step):
        def run():
            W = normalised(W0)
            for x, y in zip(xs, ys, strict=True):
                W = step(W, x, y)
            return W

        return run

    def loss(W, x, y):
        return -(y * ((x @ W.T) ** 2 @ a)).mean()

    gradient = vmap(grad_and_value(loss))

    def torch_func():
        W = normalised(W0)
        for x, y in zip(xs, ys, strict=True):
            step, _ = gradient(W, x.double(), y.double())
            W = normalised(W - eta * step)
        return W

    flops = 4 * shape.runs * shape.batch * shape.dimension * shape.width * shape.steps
    return _with_peers(gflcheck_run, hand_step, step_loop, torch_func), flops


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

    scales = [1 / math.sqrt(shape.dimension)] + [1 / math.sqrt(shape.width)] * (shape.depth - 1)
    v_scale = 1 / math.sqrt(shape.width)

    def hand_step(layers, v):
        activations = [x]
        for weight, scale in zip(layers, scales, strict=True):
            activations.append(
                torch.tanh(torch.bmm(activations[-1], weight.transpose(1, 2)) * scale)
            )
        margins = y * torch.bmm(activations[-1], v[:, :, None]).squeeze(-1) * v_scale
        loss = torch.nn.functional.softplus(-margins).mean(-1)
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
        return layers, v - rate * grad_v, loss

    def step_loop(step):
        def run():
            *layers, v = (p.clone() for p in network.parameters)
            losses = torch.empty(shape.runs, shape.steps + 1, dtype=torch.float64)
            for t in range(shape.steps):
                layers, v, losses[:, t] = step(layers, v)
            return v

        return run

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
    return _with_peers(gflcheck_run, hand_step, step_loop, torch_func), flops


def _with_peers(gflcheck_run, hand_step, step_loop, torch_func) -> dict[str, Callable[[], object]]:
    """The contestants: gflcheck, the hand-written step's loop, the same step compiled by
    ``torch.compile`` (static shapes; its first call compiles, outside the timed rounds) and
    torch.func."""
    return {
        "gflcheck": gflcheck_run,
        "hand bmm": step_loop(hand_step),
        "torch.compile": step_loop(torch.compile(hand_step, dynamic=False)),
        "torch.func": torch_func,
    }


def relative_difference(left: tuple[torch.Tensor, ...], right: tuple[torch.Tensor, ...]) -> float:
    """The largest ``‖l − r‖ / ‖l‖`` over the tensors."""
    return max(float((a - b).norm() / a.norm()) for a, b in zip(left, right, strict=True))


def compare(shape: Shape, contestants, flops: int, peaks: dict, rounds: int) -> list[str]:
    """Time one shape's contestants, print the table rows, return the FAIL lines."""
    first_calls = {}
    results = {}
    for name, run in contestants.items():
        start = time.perf_counter()
        results[name] = run()
        first_calls[name] = time.perf_counter() - start
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
            + (
                f"   (first call {first_calls[name]:.1f} s: compiling)"
                if name == "torch.compile"
                else ""
            )
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
    print("peers: torch.func, a hand bmm step, and that step compiled (no JAX: see the docstring)")
    peaks = {dtype: gemm_peak(dtype, rounds) for dtype in (torch.float32, torch.float64)}
    print(
        f"one-thread GEMM peak: {peaks[torch.float32] / 1e9:.1f} GFLOP/s fp32, "
        f"{peaks[torch.float64] / 1e9:.1f} GFLOP/s fp64"
    )
    failures = []
    for shape in ALGORITHM_1_SHAPES:
        failures += compare(shape, *algorithm_1_contestants(shape), peaks, rounds)
    for shape in CUBE_SGD_SHAPES:
        failures += compare(shape, *cube_sgd_contestants(shape), peaks, rounds)
    failures += cube_sgd_against_its_past(rounds)
    for shape in XOR_SGD_SHAPES:
        failures += compare(shape, *xor_sgd_contestants(shape), peaks, rounds)
    for shape in DEEP_GD_SHAPES:
        failures += compare(shape, *deep_gd_contestants(shape), peaks, rounds)
    print("\n" + ("FAIL:\n  " + "\n  ".join(failures) if failures else "PASS: every target"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
