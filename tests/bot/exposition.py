"""Reading /metrics in tests: parsed with prometheus-client's own parser, never by hand."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families


def families(text: str) -> dict[str, Metric]:
    """The metric families of a Prometheus text exposition, by family name (a counter's
    family is named without `_total`, as the parser names it). Fails on malformed text
    and on a family that appears twice."""
    found: dict[str, Metric] = {}
    for family in text_string_to_metric_families(text):
        assert family.name not in found, f"{family.name} appears twice"
        found[family.name] = family
    return found


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the one sample called `name` with exactly these labels."""
    values = [
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name and s.labels == labels
    ]
    assert len(values) == 1, f"{len(values)} samples {name}{labels} in:\n{text}"
    return values[0]


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """Every sample called `name`: its labels (sorted pairs) → value."""
    return {
        tuple(sorted(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


def kind(text: str, family: str) -> str:
    """The TYPE of a family (`counter`, `gauge`, `histogram`)."""
    return str(families(text)[family].type)
