"""Per-stage timing samples for the benchmark. Pure; only filled when a benchmark asks for it."""
from __future__ import annotations

from collections import defaultdict

import numpy as np


class Stats:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)

    def add(self, stage: str, seconds: float) -> None:
        self.samples[stage].append(seconds)

    def summary_ms(self) -> dict[str, dict[str, float]]:
        """{stage: {median, p95, n}} in milliseconds."""
        return {stage: {"median": round(float(np.median(v)) * 1000, 3),
                        "p95": round(float(np.percentile(v, 95)) * 1000, 3), "n": len(v)}
                for stage, v in self.samples.items() if v}
