"""The scale curves as pictures: seconds against services and seconds against nodes, one line per contender and
scenario, drawn from a results file's summary (docs/performance.md shows them). Pure apart from the files it writes.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen before pyplot is imported)

from .report import CURVE_LABELS, describe_machine  # noqa: E402

# (unit of the curves, file, x axis, title, log scale): the stack curves span two orders of magnitude (docker_stack's
# tens of seconds beside sub-second no-ops), which a linear axis would flatten.
PICTURES = (
    ("service", "stack-scale.png", "services in the stack", "Stack deploys by stack size", True),
    ("node", "cluster-scale.png", "nodes in the swarm", "Cluster bootstrap by swarm size", False),
)


def draw_curves(results, directory):
    """One PNG per kind of curve that the results hold; {file name: [the labels of its lines]}."""
    directory = Path(directory)
    drawn = {}
    for unit, name, axis, title, logarithmic in PICTURES:
        curves = [curve for curve in results["summary"].get("growth", []) if curve["unit"] == unit]
        if not curves:
            continue
        figure, axes = plt.subplots(figsize=(7, 4.5), dpi=100)
        labels = []
        for curve in curves:
            label = CURVE_LABELS.get((curve["scenario"], curve["contender"]), curve["scenario"])
            points = curve["points"]
            axes.plot(
                [point["size"] for point in points],
                [point["median_seconds"] for point in points],
                marker="o",
                label=label,
            )
            labels.append(label)
        axes.set_xlabel(axis)
        if logarithmic:
            axes.set_yscale("log")
        axes.set_ylabel("seconds (median, log scale)" if logarithmic else "seconds (median)")
        axes.set_title(title)
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize="small")
        caption = "%s, %s" % (results.get("date", ""), describe_machine(results.get("machine") or {}))
        figure.text(0.01, 0.01, caption, fontsize=5, wrap=True)
        figure.tight_layout(rect=(0, 0.05, 1, 1))
        directory.mkdir(parents=True, exist_ok=True)
        figure.savefig(directory / name)
        plt.close(figure)
        drawn[name] = labels
    return drawn
