"""Small pieces (STYLE: a module over ~300 lines or a function over ~40 is a sign to split):
held for the app's package, so a long one is split when it is written, not in a review."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "storefront"
MODULE_LINES, FUNCTION_LINES = 300, 40


def test_no_module_over_300_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MODULE_LINES}
    assert long == {}


def test_no_function_over_40_lines():
    long = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_LINES:
                    long[f"{path.relative_to(PACKAGE)}:{node.name}"] = length
    assert long == {}
