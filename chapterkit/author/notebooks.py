"""Execute notebooks in place and strip the metadata that changes on every run."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

VOLATILE_CELL_KEYS = ("execution", "collapsed", "scrolled")
# The kernel computes with one BLAS/OpenMP thread, as make test runs the notebooks (pytest.ini, nb_exec_env): the
# outputs do not depend on how many cores the machine has.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
KERNEL_NAME = "python3"


@dataclass(frozen=True)
class RunResult:
    path: Path
    seconds: float


def merge_streams(outputs: list[nbformat.NotebookNode]) -> list[nbformat.NotebookNode]:
    """Join consecutive stdout (or stderr) chunks into one output.

    How a cell's prints are split into chunks depends on timing (machine load); pytest-notebook merges them in the
    re-run notebook, so the committed one must hold them merged too, or the regression test fails on the split.
    """
    merged: list[nbformat.NotebookNode] = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = prev["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove per-run metadata and timing-dependent output splits, so that an unchanged re-run changes no byte."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL_NAME}
    lang = nb.metadata.get("language_info", {})
    # The patch version of Python is volatile across machines; keep the name only.
    nb.metadata["language_info"] = {"name": lang.get("name", "python")}
    return nb


def execute(path: Path, timeout: int = 120) -> RunResult:
    """Execute ``path`` top to bottom in a fresh kernel, with the notebook's folder as working directory."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute(env={**os.environ, **ONE_THREAD})
    seconds = time.perf_counter() - start
    strip_volatile(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return RunResult(path, seconds)


def find_notebooks(root: Path) -> list[Path]:
    """Every notebook below ``root``, in a stable order, skipping checkpoints."""
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
