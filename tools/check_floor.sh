#!/usr/bin/env bash
# The lower bounds in pyproject.toml, tried: a virtualenv with the lowest version of each
# dependency that core/ uses (numpy, pandas, safetensors, onnx) and of the test tools, then the
# core tests in it.
#
#     tools/check_floor.sh [SITE_PACKAGES_WITH_A_CPU_TORCH]
#
# torch is the exception: PyPI's Linux wheels of torch 2.4 are CUDA builds of several GB, so the
# torch installed beside the argument (default: the one of the python running pip) is linked in
# instead. Its floor (>= 2.4) rests on reading the code: every torch API core/ calls exists in 2.4,
# and the two that do not (torch.OutOfMemoryError, the direct fused-Adam call) have fallbacks.
# The GUI's floors (PySide6, pyqtgraph, superqt) are not tried here: the core tests need no Qt.
# FLOOR_VENV (default .venv-floor) and PYTHON (default python3.11) choose where and with what.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${FLOOR_VENV:-$ROOT/.venv-floor}"
PYTHON="${PYTHON:-python3.11}"
TORCH_SITE="${1:-$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')}"

# "name>=X" -> "name==X" for the dependencies and test tools that core/ and tests/core use.
FLOORS="$("$PYTHON" - "$ROOT/pyproject.toml" <<'PY'
import re, sys, tomllib

project = tomllib.load(open(sys.argv[1], "rb"))["project"]
skip = {"torch", "pyside6-essentials", "pyqtgraph", "superqt", "pytest-qt", "mypy", "ruff",
        "pandas-stubs", "import-linter"}
for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
    m = re.match(r"([A-Za-z0-9_.-]+)\s*(?:>=|==)\s*([0-9][^,;\s\"]*)", requirement)
    if m and m.group(1).lower() not in skip:
        print(f"{m.group(1)}=={m.group(2)}")
PY
)"
echo "lowest versions: $(echo $FLOORS)"

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
# shellcheck disable=SC2086
"$VENV/bin/pip" install -q $FLOORS

# torch and its own dependencies only (not the numpy or pandas beside it), on the path by a .pth.
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
LINKED="$VENV/torch-linked"
mkdir -p "$LINKED"
for name in torch torchgen functorch filelock fsspec jinja2 markupsafe networkx sympy mpmath \
    typing_extensions.py; do
    [ -e "$TORCH_SITE/$name" ] && ln -sfn "$TORCH_SITE/$name" "$LINKED/$name"
done
echo "$LINKED" > "$SITE/zz-torch-linked.pth"

"$VENV/bin/python" -c 'import numpy, pandas, safetensors, onnx, torch
print("numpy", numpy.__version__, "pandas", pandas.__version__, "safetensors",
      safetensors.__version__, "onnx", onnx.__version__, "torch", torch.__version__)'
cd "$ROOT"
"$VENV/bin/python" -m pytest -p no:cacheprovider tests/core -q "${@:2}"
