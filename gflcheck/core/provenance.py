"""Where a bound comes from: paper, theorem or table, and how sure we are of the formula.

Tags (docs/setups.md):

- ``seed``: stated on a source poster; the formula is the poster's.
- ``secondary``: from the papers' published text as quoted by others; not checked against the PDF.
- ``ours``: our operational choice (a distribution, a recipe, a constant, a quantifier instantiation).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Tag(StrEnum):
    """How a formula reached gflcheck."""

    SEED = "seed"
    SECONDARY = "secondary"
    OURS = "ours"


@dataclass(frozen=True)
class Provenance:
    """The source of a bound: ``paper`` (short citation), ``location`` (theorem/table) and tag."""

    paper: str
    location: str
    tag: Tag
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.tag, Tag):
            object.__setattr__(self, "tag", Tag(self.tag))

    def __str__(self) -> str:
        text = f"{self.paper}, {self.location} [{self.tag.value}]"
        return f"{text}: {self.note}" if self.note else text


GFL_PAPER = (
    "Shi, Wei, Liang. Provable Guarantees for Neural Networks via Gradient Feature Learning. "
    "NeurIPS 2023 (arXiv 2310.12408)"
)
TTM_PAPER = (
    "Taheri, Thrampoulidis, Mazumdar. Sharper Guarantees for Learning Neural Network "
    "Classifiers with Gradient Methods. ICLR 2025 (arXiv 2410.10024)"
)
GHORBANI21_PAPER = (
    "Ghorbani, Mei, Misiakiewicz, Montanari. Linearized two-layers neural networks in high "
    "dimension. Annals of Statistics 49(2), 2021 (arXiv 1904.12191)"
)
GLASGOW23_PAPER = (
    "Glasgow. SGD Finds then Tunes Features in Two-Layer Neural Networks with Near-Optimal "
    "Sample Complexity: A Case Study in the XOR Problem. ICLR 2024 (arXiv 2309.15111)"
)
CHEN21_PAPER = (
    "Chen, Cao, Zou, Gu. How Much Over-parameterization Is Sufficient to Learn Deep ReLU "
    "Networks? ICLR 2021"
)
