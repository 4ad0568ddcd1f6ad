"""Mutation testing for the core: how many small faults in a module its own tests catch.

A mutant is the module with one operator changed (``<`` → ``<=``, ``+`` → ``-``, ``&`` → ``|``,
``and`` → ``or``, a number ``n`` → ``n + 1``, ``True`` → ``False``, ``not`` or a unary minus
dropped, an ``if`` condition negated, an entry of a literal table of texts such as a set of
not-available markers → ``"XX…XX"``). Other text constants are left alone: messages are pinned
by golden reports, not by mutants. Each mutant runs only the test files that
``benchmarks/mutation.toml`` lists for its module, in a process forked from one that has already
imported numpy, pandas, scipy and pytest, so a mutant costs its tests' time and little else (the
idea of mutmut's and cosmic-ray's runners, trimmed to what this project needs; both copy or
rewrite the whole tree per run, which the shared 2-core machine cannot afford).

A mutant is *killed* when its tests fail (or run past a time-out), *survived* otherwise.
Mutants that no test can kill because they do not change behaviour are listed with the reason
in ``benchmarks/mutation_equivalent.toml`` and left out of the score.

Run: ``python benchmarks/mutation.py [pipeline/index/normalise.py ...] [--survivors]``
(no module: every module in ``benchmarks/mutation.toml``). Not part of CI: a full run takes
tens of minutes.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import importlib.abc
import importlib.util
import os
import signal
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "benchmarks" / "mutation.toml"
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.toml"

SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult,
    ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.BitXor: ast.BitOr,
    ast.And: ast.Or, ast.Or: ast.And,
}  # fmt: skip
DROPPED_UNARY = (ast.Not, ast.USub, ast.Invert)


@dataclass(frozen=True)
class Mutant:
    """One change: the ``index``-th node of ``ast.walk`` gets variant ``variant``."""

    index: int
    variant: int
    line: int
    ident: str  # "function: before → after", stable across unrelated edits


def _variants(node: ast.AST, data: set[int]) -> list[ast.AST]:
    """Replacement nodes for ``node`` (empty: nothing to mutate here); ``data`` holds the ids
    of text constants that are entries of a literal table (a marker set, a pattern registry)."""
    if id(node) in data:
        return [ast.Constant(f"XX{node.value}XX")]
    if isinstance(node, ast.Compare):
        out = []
        for i, op in enumerate(node.ops):
            new = copy.deepcopy(node)
            new.ops[i] = SWAPS[type(op)]()
            out.append(new)
        return out
    if isinstance(node, ast.BinOp | ast.BoolOp | ast.AugAssign) and type(node.op) in SWAPS:
        new = copy.deepcopy(node)
        new.op = SWAPS[type(node.op)]()
        return [new]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, DROPPED_UNARY):
        return [copy.deepcopy(node.operand)]
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        value = (not node.value) if isinstance(node.value, bool) else node.value + 1
        return [ast.Constant(value)]
    if isinstance(node, ast.If | ast.IfExp | ast.While) and not isinstance(
        node.test, ast.Compare | ast.BoolOp | ast.UnaryOp
    ):
        new = copy.deepcopy(node)
        new.test = ast.UnaryOp(ast.Not(), new.test)
        return [new]
    return []


def _data_strings(tree: ast.AST) -> set[int]:
    """Ids of text constants directly inside a set, list, tuple or dict literal: data, such
    as the not-available markers, whereas other texts are messages and docstrings."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Set | ast.List | ast.Tuple | ast.Dict):
            children = node.keys + node.values if isinstance(node, ast.Dict) else node.elts
            out |= {id(c) for c in children if isinstance(c, ast.Constant) and type(c.value) is str}
    return out


def _skipped(tree: ast.AST) -> set[int]:
    """Ids of nodes inside annotations (never evaluated under postponed annotations)."""
    roots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            roots.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            roots.append(node.returns)
    return {id(sub) for root in roots for sub in ast.walk(root)}


def _owners(tree: ast.AST) -> dict[int, str]:
    """Node id → name of the innermost function or class holding it ("<module>" at top)."""
    owner: dict[int, str] = {}

    def visit(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = name
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = child.name
            owner[id(child)] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return owner


def _short(node: ast.AST) -> str:
    text = ast.unparse(node).splitlines()[0]
    return text if len(text) <= 70 else text[:67] + "..."


def mutants(source: str) -> list[Mutant]:
    """Every mutant of ``source``, in ``ast.walk`` order."""
    tree = ast.parse(source)
    skipped, owner, data, seen = _skipped(tree), _owners(tree), _data_strings(tree), {}
    found = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skipped:
            continue
        for variant, new in enumerate(_variants(node, data)):
            base = f"{owner.get(id(node), '<module>')}: {_short(node)} → {_short(new)}"
            seen[base] = seen.get(base, 0) + 1
            ident = base if seen[base] == 1 else f"{base} #{seen[base]}"
            found.append(Mutant(index, variant, getattr(node, "lineno", 0), ident))
    return found


def mutated_code(source: str, path: str, mutant: Mutant):
    """The code object of ``source`` with ``mutant`` applied."""
    tree = ast.parse(source)
    for index, node in enumerate(ast.walk(tree)):
        if index == mutant.index:
            new = ast.copy_location(_variants(node, _data_strings(tree))[mutant.variant], node)
            break
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is node:
                setattr(parent, field, new)
            elif isinstance(value, list) and any(v is node for v in value):
                value[[v is node for v in value].index(True)] = new
    return compile(ast.fix_missing_locations(tree), path, "exec")


class _MutatedLoader(importlib.abc.Loader):
    """Loads the module under test from a mutated code object instead of its file."""

    def __init__(self, name: str, code) -> None:
        self.name, self.code = name, code

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        origin = self.code.co_filename
        return importlib.util.spec_from_loader(fullname, self, origin=origin)

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        module.__file__ = self.code.co_filename
        exec(self.code, module.__dict__)


def _calm_hypothesis() -> None:
    """Property tests without deadlines and with fixed examples: on a loaded machine a slow
    example must not count as a kill, and every mutant must meet the same examples."""
    from hypothesis import HealthCheck, settings

    calm = settings(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    settings.register_profile("mutation", calm)
    settings.load_profile("mutation")


def _child(module: str, code, tests: list[str]) -> None:
    """In a forked process: forget the project's modules, import the mutant, run the tests."""
    import pytest

    for name in [n for n in sys.modules if n == "pipeline" or n.startswith(("pipeline.", "test"))]:
        del sys.modules[name]
    if code is not None:
        sys.meta_path.insert(0, _MutatedLoader(module, code))
    _calm_hypothesis()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    args = [
        *tests,
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    os._exit(int(pytest.main(args)))


def run(module: str, code, tests: list[str], timeout: float) -> str:
    """ "killed", "survived" or "timeout" for one mutant (``code`` None: the module as is)."""
    pid = os.fork()
    if pid == 0:
        try:
            _child(module, code, tests)
        finally:
            os._exit(3)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "timeout"


def _module_name(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def test_module(
    path: str, tests: list[str], equivalent: dict[str, str], show: bool, only: str = ""
) -> dict:
    """Mutate one module; its counts, and the survivors printed when ``show``. ``only`` keeps
    the mutants whose description contains it (to re-check a few after adding a test)."""
    source = (ROOT / path).read_text(encoding="utf-8")
    name, found = _module_name(path), [m for m in mutants(source) if only in m.ident]
    start = time.monotonic()
    if run(name, None, tests, 600) != "survived":
        print(f"  {path}: its tests fail before any mutation: {tests}", flush=True)
        return {"mutants": len(found), "killed": 0, "timeout": 0, "survived": 0,
                "equivalent": 0, "score": 0.0}  # fmt: skip
    timeout = 3 * (time.monotonic() - start) + 5
    counts = {"mutants": len(found), "killed": 0, "timeout": 0, "survived": 0, "equivalent": 0}
    for mutant in found:
        if mutant.ident in equivalent:
            counts["equivalent"] += 1
            continue
        outcome = run(name, mutated_code(source, str(ROOT / path), mutant), tests, timeout)
        counts[outcome] += 1
        if outcome == "survived" and show:
            print(f"  survived {path}:{mutant.line}  {mutant.ident}", flush=True)
    scored = counts["mutants"] - counts["equivalent"]
    counts["score"] = (counts["killed"] + counts["timeout"]) / scored if scored else 1.0
    return counts


def _warm() -> None:
    """Import every third-party library the project uses, once, before forking: importing
    the whole ``pipeline`` package and dropping it leaves pandas, pandera, scipy, matplotlib,
    openpyxl and hypothesis loaded, so a mutant re-imports only the project's own code."""
    import hypothesis  # noqa: F401  (loaded here so that each forked child has it)
    import pytest  # noqa: F401

    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        name = _module_name(str(path.relative_to(ROOT)))
        try:
            importlib.import_module(name)
        except Exception as error:  # a module that cannot import is reported by its tests
            print(f"(not preloaded: {name}: {error})", file=sys.stderr)
    for name in [n for n in sys.modules if n == "pipeline" or n.startswith("pipeline.")]:
        del sys.modules[name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module files (default: all configured)")
    parser.add_argument("--survivors", action="store_true", help="print each surviving mutant")
    parser.add_argument("--only", default="", help="only mutants whose description has TEXT")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))  # this tree's pipeline, even beside an editable install
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["modules"]
    equivalent = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))
    _warm()

    print("| module | mutants | killed | timeout | survived | equivalent | score |")
    print("|---|---|---|---|---|---|---|")
    low = 0
    for path in args.modules or list(config):
        c = test_module(path, config[path], equivalent.get(path, {}), args.survivors, args.only)
        low += c["score"] < 0.9
        print(
            f"| {path} | {c['mutants']} | {c['killed']} | {c['timeout']} | {c['survived']} "
            f"| {c['equivalent']} | {c['score']:.0%} |",
            flush=True,
        )
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
