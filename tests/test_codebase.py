"""The codebase's own rules, checked by their real tools: lint, format, types, the Qt boundary."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; install the test extra: pip install -e '.[test]'")
    return path


def test_ruff_lint_is_clean():
    r = run(tool("ruff"), "check", ".")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format_is_applied():
    r = run(tool("ruff"), "format", "--check", ".")
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow  # 15-25 s
def test_mypy_core_and_cli_are_clean():
    r = run(tool("mypy"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_core_never_imports_qt():
    """The import-linter contracts in pyproject.toml: core/ imports no Qt, no app/, no cli/."""
    r = run(tool("lint-imports"))
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow  # a process of its own
def test_core_modules_that_the_window_reads_do_not_load_torch():
    """The window process reads specs and registries; loading torch (or Optuna) there costs
    seconds."""
    code = (
        "import sys; import core.spec, core.data_spec, core.losses, core.optimizers, core.activations, "
        "core.layers, core.toy, core.columns, core.csv_io, core.dataset, core.predictions, "
        "core.training_process.client, core.training_process.commands, "
        "core.training_process.messages, core.files, core.errors, core.plot_points, "
        "core.health, core.health_monitor, "
        "core.search.space, core.search.settings, core.search.results, core.search.stop; "
        "print('torch' in sys.modules or 'optuna' in sys.modules)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert r.stdout.strip() == "False", r.stdout + r.stderr
