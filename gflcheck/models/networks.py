"""The two-layer ReLU network of Shi–Wei–Liang, batched over independent runs.

``f_{(a,W,b)}(x) = Σ_{i=1}^m a_i·ReLU(⟨w_i, x⟩ − b_i)`` (docs/setups.md §1.1, ``secondary``: no output
scaling). Parameters carry a leading run axis ``k`` so that ``k`` seeds train as one tensor program.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gflcheck.runtime.errors import ParameterRangeError
from gflcheck.runtime.random import torch_generator
from gflcheck.runtime.validation import require_non_negative, require_positive_int


@dataclass(frozen=True)
class InitializationLaw:
    """Gaussian initialisation: ``a ~ N(0, σ_a²)``, ``w ~ N(0, σ_w² I_d)``, ``b ~ N(0, σ_b²)``.

    The law of ``(w, b)`` is the ``(𝒲, ℬ)`` of the gradient feature set ``S_{p,γ,B_G}(𝒲, ℬ)``.
    """

    sigma_a: float
    sigma_w: float
    sigma_b: float

    def __post_init__(self) -> None:
        for name in ("sigma_a", "sigma_w", "sigma_b"):
            require_non_negative(name, getattr(self, name), "InitializationLaw")

    def sample_first_layer(
        self, count: int, dimension: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``count`` draws of ``(w, b)``: shapes ``[count, d]`` and ``[count]``, float64."""
        w = self.sigma_w * torch.randn(count, dimension, generator=generator, dtype=torch.float64)
        b = self.sigma_b * torch.randn(count, generator=generator, dtype=torch.float64)
        return w, b


EVALUATION_BLOCK = 2**21
"""Hidden units per block when a network is evaluated (8 MiB in float32): big test sets are
evaluated block by block in one buffer instead of one ``[k, n, m]`` tensor."""


@dataclass(frozen=True)
class TwoLayerReLU:
    """``k`` two-layer ReLU networks: ``a [k, m]``, ``W [k, m, d]``, ``b [k, m]``."""

    a: torch.Tensor
    W: torch.Tensor
    b: torch.Tensor

    def __post_init__(self) -> None:
        if self.W.ndim != 3 or self.a.shape != self.W.shape[:2] or self.b.shape != self.a.shape:
            raise ParameterRangeError(
                "a, W, b",
                (tuple(self.a.shape), tuple(self.W.shape), tuple(self.b.shape)),
                "shapes [k, m], [k, m, d], [k, m]",
            )

    @property
    def runs(self) -> int:
        """``k``, the number of independent networks."""
        return int(self.a.shape[0])

    @property
    def width(self) -> int:
        """``m``."""
        return int(self.a.shape[1])

    @property
    def dimension(self) -> int:
        """``d``."""
        return int(self.W.shape[2])

    def preactivations(self, x: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
        """``⟨w_i, x⟩ − b_i`` of shape ``[k, n, m]``; ``x`` is ``[k, n, d]`` or shared ``[n, d]``.

        ``out``: a ``[k, n, m]`` buffer to write into (a trainer's workspace, reused every step:
        a fresh tensor of this size costs a page fault per 4 KiB, more than the product itself).
        """
        x = self._as_batched(x)
        return torch.baddbmm(-self.b[:, None, :], x, self.W.transpose(1, 2), out=out)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """``f(x)`` of shape ``[k, n]``, over blocks of points whose hidden layer (at most
        ``EVALUATION_BLOCK`` numbers) is computed in one reused buffer."""
        x = self._as_batched(x)
        k, n = x.shape[:2]
        block = max(1, EVALUATION_BLOCK // (k * self.width))
        buffer = torch.empty(
            (k, min(block, n), self.width), dtype=self.W.dtype, device=self.W.device
        )
        outputs = torch.empty((k, n), dtype=self.W.dtype, device=self.W.device)
        for start in range(0, n, block):
            points = x[:, start : start + block]
            hidden = self.preactivations(points, out=buffer[:, : points.shape[1]]).clamp_min_(0)
            outputs[:, start : start + block] = torch.bmm(hidden, self.a[:, :, None]).squeeze(-1)
        return outputs

    def _as_batched(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.W.dtype)
        if x.ndim == 2:
            x = x.expand(self.runs, *x.shape)
        if x.ndim != 3 or x.shape[0] != self.runs or x.shape[2] != self.dimension:
            raise ParameterRangeError(
                "x", tuple(x.shape), f"[{self.runs}, n, {self.dimension}] or [n, {self.dimension}]"
            )
        return x


def symmetric_initialization(
    law: InitializationLaw,
    width: int,
    dimension: int,
    seeds: Sequence[int],
    dtype: torch.dtype = torch.float32,
) -> TwoLayerReLU:
    """Symmetric initialisation: neuron ``i`` and ``i + m/2`` share ``(w, b)`` and have ``±a``.

    Then ``f ≡ 0`` at initialisation (docs/setups.md §1.2). Run ``j`` draws from the ``"init"`` stream of
    ``seeds[j]`` alone, so a seed gives the same network whatever batch it is in.
    """
    require_positive_int("width", width, "symmetric_initialization")
    if width % 2:
        raise ParameterRangeError("width", width, "an even integer ≥ 2 (neurons come in ± pairs)")
    require_positive_int("dimension", dimension, "symmetric_initialization")
    if len(seeds) < 1:
        raise ParameterRangeError("seeds", list(seeds), "at least one seed")
    half = width // 2
    a_list, w_list, b_list = [], [], []
    for seed in seeds:
        generator = torch_generator(seed, "init")
        w, b = law.sample_first_layer(half, dimension, generator)
        a = law.sigma_a * torch.randn(half, generator=generator, dtype=torch.float64)
        a_list.append(torch.cat([a, -a]))
        w_list.append(torch.cat([w, w]))
        b_list.append(torch.cat([b, b]))
    return TwoLayerReLU(
        torch.stack(a_list).to(dtype), torch.stack(w_list).to(dtype), torch.stack(b_list).to(dtype)
    )
