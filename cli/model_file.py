"""`nnplay info` and `nnplay export`: a model file described in words, or written for use
outside NN Playground."""

from __future__ import annotations

import argparse

from cli.model_report import model_report
from cli.project_report import project_report
from core.export_formats import check_export, format_for


def export_command(ns: argparse.Namespace) -> int:
    """`nnplay export`: the model in the format --format names (or --out's suffix implies)."""
    fmt = ns.format or format_for(ns.out)
    check_export(fmt, ns.out)  # before loading torch, so that a mistake is reported at once
    from core.export import export_model
    from core.modelfile import load_model

    written = export_model(load_model(ns.model), fmt, ns.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def info_command(ns: argparse.Namespace) -> int:
    """`nnplay info`: architecture, preprocessing and training of a model file (without torch);
    of a project file, its design, model and run history."""
    from core.model_manifest import read_model_parts

    if str(ns.model).lower().endswith(".nnproj"):  # core.project.SUFFIX (it loads torch)
        from core.project import load_project

        project = load_project(ns.model)
        parts = read_model_parts(ns.model) if project.model is not None else None
        print(project_report(project, parts))
    else:
        print(model_report(*read_model_parts(ns.model)))
    return 0
