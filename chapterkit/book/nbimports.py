"""What a notebook's code cells import: the contract allows a few libraries, the version check pins them."""

from __future__ import annotations

import ast

# The libraries a notebook may import besides the standard library (DESIGN.md, decision 3).
ALLOWED_IMPORTS = {"numpy", "pandas", "scipy", "sklearn", "matplotlib", "mpl_toolkits"}


def imports(source: str) -> list[str]:
    """Top-level modules a code cell imports (IPython magics and shell lines are ignored)."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module.split(".")[0])
    return modules
