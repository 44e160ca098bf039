"""The Learn tab, its "?" buttons and the Help menu, in a window without a training process."""

from __future__ import annotations

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QApplication, QComboBox, QToolButton

from app.learn.design import Design, Math
from app.learn.now import now_lines
from app.learn.panel import current_design
from app.learn.registry_formulas import ACTIVATION_FORMULAS, LOSS_FORMULAS, OPTIMIZER_FORMULAS
from app.learn.sections import SECTIONS, SECTIONS_BY_ID
from app.learn_links import SECTION_IDS, open_learn
from app.panels.layer_card import LayerCard
from app.project import DEFAULT_NETWORK
from core.activations import ACTIVATIONS
from core.data_spec import ColumnSpec, CsvSource, DataSpec
from core.losses import LOSSES, make_head
from core.optimizers import OPTIMIZERS
from core.spec import TrainConfig
from core.training_process.messages import Configured, Ready


def configured(**changes) -> Configured:
    """What the engine says once it has built the spiral's model (no engine runs here)."""
    fields = dict(
        task="classification",
        class_names=("blue", "orange"),
        input_names=("x1", "x2"),
        layer_names=("dense1", "dense2", "dense3", "output"),
        parameters=361,
        loss="bce",
        seed=0,
        n_train=300,
        n_val=100,
        n_test=100,
        dropped_rows=0,
        batch_size=16,
        steps_per_epoch=19,
        device="cpu",
        device_name="CPU (2 threads)",
        plane_features=None,
        extent=None,
    )
    return Configured(**{**fields, **changes})


def learn_buttons(widget, section: str) -> list[QToolButton]:
    return [b for b in widget.findChildren(QToolButton) if b.property("learn_section") == section]


def test_sections_cover_every_idea_and_every_registry_entry():
    assert [s.id for s in SECTIONS] == list(SECTION_IDS)
    for section in SECTIONS:
        sentences = sum(p.count(". ") + 1 for p in section.text)
        assert 2 <= sentences <= 6, section.id
        assert section.formulas, section.id
    assert set(ACTIVATION_FORMULAS) == set(ACTIVATIONS)
    assert set(LOSS_FORMULAS) == set(LOSSES)
    assert set(OPTIMIZER_FORMULAS) == set(OPTIMIZERS)


def test_every_section_opens_with_its_formulas_drawn_as_mathematics(bare_window, qtbot):
    panel = bare_window.learn_panel
    for section in SECTION_IDS:
        open_learn(section)
        assert bare_window.tabs.currentWidget() is panel
        assert panel.current_section == section
        page = panel.page(section)
        assert page.isVisible()
        views = page.formulas + page.now_formulas()
        qtbot.waitUntil(lambda v=views: all(f.is_rendered for f in v), timeout=5000)
        assert page.lines, f"{section} says nothing about the network now"


def test_the_now_part_follows_the_activation_the_optimizer_and_the_learning_rate(
    bare_window, qtbot
):
    w, panel = bare_window, bare_window.learn_panel
    open_learn("activations")
    page = panel.page("activations")
    assert "ReLU" in page.now_text() and "tanh" not in page.now_text()
    card = w.network_panel.findChildren(LayerCard)[0]
    card.activation_combo.setCurrentIndex(card.activation_combo.findData("tanh"))
    qtbot.waitUntil(lambda: r"\tanh(z)" in page.now_text(), timeout=3000)

    open_learn("optimizers")
    page = panel.page("optimizers")
    assert r"\hat{m}" in page.now_text()  # Adam's bias correction, with its betas
    combo = w.training_panel.optimizer
    combo.setCurrentIndex(combo.findData("sgd"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: "SGD" in page.now_text() and r"\hat{m}" not in page.now_text())

    open_learn("gradient_descent")
    page = panel.page("gradient_descent")
    w.training_panel.learning_rate.setValue(0.05)
    qtbot.waitUntil(lambda: r"w - 0.05\," in page.now_text(), timeout=3000)
    views = page.now_formulas()
    qtbot.waitUntil(lambda: all(f.is_rendered for f in views), timeout=3000)


def test_the_engines_split_fills_in_the_epochs(bare_window, qtbot):
    panel = bare_window.learn_panel
    open_learn("convergence")
    page = panel.page("convergence")
    assert "once the engine has prepared" in page.now_text()
    bare_window.run.adopt_opened(False, False)  # the engine builds the design shown
    bare_window.engine.configured.emit(configured())
    qtbot.waitUntil(lambda: "300" in page.now_text(), timeout=3000)
    assert r"\frac{300}{16}" in page.now_text() and "19" in page.now_text()


def test_question_buttons_open_their_sections(bare_window, qtbot):
    w = bare_window
    for where, section in (
        (w.network_panel, "activations"),
        (w.training_panel, "gradient_descent"),
        (w.training_panel, "convergence"),
        (w.network_panel, "softmax"),
        (w.plots.gradients, "backprop"),
    ):
        w.tabs.setCurrentIndex(0)
        buttons = learn_buttons(where, section)
        assert buttons, f"no '?' for {section}"
        qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
        assert w.tabs.currentWidget() is w.learn_panel
        assert w.learn_panel.current_section == section


def test_f1_opens_the_section_of_the_control_with_the_focus(bare_window, qtbot):
    w = bare_window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=3000)
    for control, section in (
        (w.training_panel.optimizer, "optimizers"),
        (w.training_panel.early_stopping, "convergence"),
        (w.diagram, SECTION_IDS[0]),  # nothing to explain there: the first section
    ):
        w.tabs.setCurrentIndex(0)
        control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        control.setFocus()
        qtbot.waitUntil(lambda c=control: QApplication.focusWidget() is c, timeout=2000)
        qtbot.keyClick(control, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: w.tabs.currentWidget() is w.learn_panel, timeout=2000)
        assert w.learn_panel.current_section == section
    # F1 while reading the Learn tab keeps the section being read.
    open_learn("momentum")
    w.learn_panel.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.learn_panel.list, timeout=2000)
    qtbot.keyClick(w.learn_panel.list, Qt.Key.Key_F1)
    assert w.learn_panel.current_section == "momentum"


def test_about_names_the_versions_and_the_device_without_torch_here(bare_window):
    w = bare_window
    w.engine.ready.emit(Ready((), "2.13.0+cpu"))
    w.engine.configured.emit(configured())
    w.help.about_action.trigger()
    text = w.help.about_dialog.text()
    assert "PyTorch 2.13.0+cpu" in text
    assert f"Qt {qVersion()}" in text
    assert "NN Playground 0.1.0" in text
    assert "CPU (2 threads)" in text
    w.help.about_dialog.close()


def test_keyboard_shortcuts_lists_the_windows_own_keys(bare_window):
    w = bare_window
    w.help.shortcuts_action.trigger()
    rows = dict(w.help.shortcuts_dialog.rows)
    assert rows["Space"] == "Train, pause or resume"
    assert rows["F1"] == "Learn"
    assert "Ctrl+O" in rows and rows["Ctrl+Z"] == "Undo"
    w.help.shortcuts_dialog.close()


def test_a_csvs_fitted_constants_fill_in_min_max_standardisation_and_one_hot():
    from core.fitted_preprocessor import (
        CategoricalFeature,
        FittedPreprocessor,
        NumericFeature,
        TargetEncoding,
    )

    columns = (
        ColumnSpec("sepal_length", scaling="minmax"),
        ColumnSpec("petal_width", scaling="standard"),
        ColumnSpec("island", kind="categorical", scaling="none", impute="most_frequent"),
        ColumnSpec("species", role="target", kind="categorical"),
    )
    data = DataSpec(CsvSource("penguins.csv"), columns)
    classes = ("Adelie", "Chinstrap", "Gentoo")
    fitted = FittedPreprocessor(
        (
            NumericFeature("sepal_length", 5.8, 4.3, 3.6),
            NumericFeature("petal_width", 1.2, 1.2, 0.76),
            CategoricalFeature("island", ("Biscoe", "Dream", "Torgersen"), "Biscoe"),
        ),
        TargetEncoding("species", "classification", classes),
    )
    head = make_head("classification", 3)
    info = configured(class_names=classes, preprocessor=fitted)
    design = Design(
        DEFAULT_NETWORK,
        TrainConfig(),
        data,
        5,
        fitted.input_names,
        classes,
        "classification",
        head,
        info,
    )
    text = "\n".join(str(line) for line in now_lines("min_max", design))
    assert r"\frac{x - 4.3}{7.9 - 4.3}" in text
    text = "\n".join(str(line) for line in now_lines("standardise", design))
    assert r"\frac{x - 1.2}{0.76}" in text
    lines = now_lines("one_hot", design)
    assert any(isinstance(line, Math) and "Biscoe" in line.latex for line in lines)
    assert any(isinstance(line, Math) and r"\left(0,\ 1,\ 0\right)" in line.latex for line in lines)


def test_the_design_falls_back_to_the_windows_shape_before_the_engine_answers(bare_window):
    design = current_design(bare_window.project, bare_window.run)
    assert design.info is None and design.input_names == ("x₁", "x₂")


def test_a_question_mark_in_the_import_dialog_opens_the_section_beside_it(
    bare_window, qtbot, data_dir
):
    w = bare_window
    shown_tab = w.tabs.currentWidget()
    dialog = w.csv_import.open(str(data_dir / "iris.csv"))
    assert dialog is not None and QApplication.activeModalWidget() is dialog
    button = next(b for b in dialog.findChildren(QToolButton) if b.property("learn_section"))
    section = button.property("learn_section")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    beside = w.help.learn_window
    assert beside is not None and beside.isVisible() and beside.parent() is dialog
    assert beside.section == section and not beside.isModal()
    assert beside.windowTitle() == f"Learn: {SECTIONS_BY_ID[section].title}"
    assert w.tabs.currentWidget() is shown_tab  # behind the dialog, the window stays as it was

    # F1 on a column's preparation choice: its section, beside the dialog too.
    def marked() -> list[QComboBox]:
        return [c for c in dialog.findChildren(QComboBox) if c.property("learn_section")]

    qtbot.waitUntil(lambda: bool(marked()), timeout=10_000)  # once the columns are read
    combo = marked()[0]
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo, timeout=2000)
    qtbot.keyClick(combo, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: beside.section == combo.property("learn_section"), timeout=2000)
    assert w.help.learn_window is beside and beside.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    open_learn("losses")  # with no dialog open, the tab again
    assert w.tabs.currentWidget() is w.learn_panel
