"""'In your network now' for the preparation sections: min-max, standardisation and one-hot, with
the constants the engine fitted on the training rows (`Configured.preprocessor`).

The fitted features are read by their fields (a numeric one has `shift` and `scale`, a
categorical one `categories`): importing core.fitted_preprocessor would load pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.learn.design import Design, Line, Math, listed, num, text

if TYPE_CHECKING:
    from core.data_spec import Scaling

MOST_COLUMNS = 3  # columns shown per section: the formula for each, then how many more
MOST_CLASSES = 4  # classes whose one-hot vector is written out


def _fitted(d: Design) -> list[Any]:
    info = d.info
    return list(info.preprocessor.features) if info and info.preprocessor else []


def _scaled(d: Design, scaling: Scaling) -> tuple[list[str], list[Any]]:
    """The feature columns prepared with `scaling`, and their fitted numeric features."""
    names = [c.name for c in d.data.features if c.kind == "numeric" and c.scaling == scaling]
    fitted = [f for f in _fitted(d) if f.name in names and hasattr(f, "shift")]
    return names, fitted


def _median(d: Design, name: str) -> float | None:
    for r in d.info.feature_ranges if d.info else ():
        if r.name == name and r.numeric:
            return float(r.default)
    return None


def _example(d: Design, name: str, shift: float, scale: float) -> list[Line]:
    median = _median(d, name)
    if median is None:
        return []
    return [f"Its median training value, {median:g}, goes in as {(median - shift) / scale:.3f}."]


def _none_yet(d: Design, names: list[str], what: str) -> list[Line]:
    if names:  # chosen, but the engine has not fitted it yet
        return [f"{listed_plain(names)} will be {what} once the engine has prepared the data."]
    how = "in the CSV import dialog (Data > Settings…)" if not _is_toy(d) else "on a CSV's columns"
    return [f"No column of your data is {what} now; choose it {how}."]


def _is_toy(d: Design) -> bool:
    return type(d.data.source).__name__ == "ToySource"


def listed_plain(names: list[str]) -> str:
    return ", ".join(names[:MOST_COLUMNS]) + (
        f" and {len(names) - MOST_COLUMNS} more" if len(names) > MOST_COLUMNS else ""
    )


def min_max(d: Design) -> list[Line]:
    names, fitted = _scaled(d, "minmax")
    if not fitted:
        return _none_yet(d, names, "min-max scaled")
    lines: list[Line] = [f"{len(fitted)} of your columns {_are(len(fitted))} min-max scaled:"]
    for f in fitted[:MOST_COLUMNS]:
        low, high = f.shift, f.shift + f.scale
        lines.append(
            Math(
                rf"{text(f.name)}' = \frac{{x - {num(low)}}}{{{num(high)} - {num(low)}}} = "
                rf"\frac{{x - {num(low)}}}{{{num(f.scale)}}}"
            )
        )
        lines += _example(d, f.name, f.shift, f.scale)
    return lines + _more(fitted)


def standardise(d: Design) -> list[Line]:
    names, fitted = _scaled(d, "standard")
    lines: list[Line] = []
    if fitted:
        lines.append(f"{len(fitted)} of your columns {_are(len(fitted))} standardised:")
        for f in fitted[:MOST_COLUMNS]:
            lines.append(Math(rf"{text(f.name)}' = \frac{{x - {num(f.shift)}}}{{{num(f.scale)}}}"))
            lines += _example(d, f.name, f.shift, f.scale)
        lines += _more(fitted)
    else:
        lines += _none_yet(d, names, "standardised")
    target = d.info.preprocessor.target if d.info and d.info.preprocessor else None
    if target is not None and target.task == "regression":
        lines.append(f"Your target {target.name} is standardised for training too:")
        lines.append(Math(rf"y' = \frac{{y - {num(target.mean)}}}{{{num(target.std)}}}"))
    return lines


def one_hot(d: Design) -> list[Line]:
    lines: list[Line] = []
    categorical = [f for f in _fitted(d) if hasattr(f, "categories")]
    for f in categorical[:MOST_COLUMNS]:
        k = len(f.categories)
        first = ",\\ ".join(["1"] + ["0"] * (k - 1)) if k <= 8 else r"1,\ 0,\ \ldots,\ 0"
        lines.append(f"Column {f.name}: {k} inputs, one per category (missing → {f.fill}):")
        lines.append(
            Math(
                rf"{text(f.categories[0])} \mapsto \left({first}\right)\ \text{{for}}\ "
                rf"\left({listed(f.categories)}\right)"
            )
        )
    lines += _more(categorical)
    classes = d.class_names
    if d.head.kind == "softmax":
        k = len(classes)
        lines.append(f"Your {k} classes are one-hot targets for the loss:")
        rows = [
            rf"y\left({text(name)}\right) = \left({_unit_vector(k, i)}\right)"
            for i, name in enumerate(classes[:MOST_CLASSES])
        ]
        lines.append(Math(r"\begin{array}{l} " + r" \\ ".join(rows) + r" \end{array}"))
        if k > MOST_CLASSES:
            lines.append(f"… and {k - MOST_CLASSES} more classes the same way.")
    elif d.head.kind == "sigmoid" and len(classes) == 2:
        lines.append(
            f"Your two classes need one number: y = 0 for {classes[0]}, y = 1 for {classes[1]}."
        )
    if not lines:
        lines.append(
            "Nothing in your data is one-hot encoded now: no category columns, no classes."
        )
    return lines


def _unit_vector(k: int, i: int) -> str:
    """(0, 1, 0) as LaTeX: a 1 at position i of k; long ones with dots."""
    if k <= 8:
        return r",\ ".join("1" if j == i else "0" for j in range(k))
    return rf"0,\ \ldots,\ 1_{{{i + 1}}},\ \ldots,\ 0"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _more(items: list[Any]) -> list[Line]:
    extra = len(items) - MOST_COLUMNS
    return [f"… and {extra} more the same way."] if extra > 0 else []
