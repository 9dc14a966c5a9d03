"""The main window: the 3D view in the centre, the structure browser on the
left, the guide on the right, problems at the bottom, views in a toolbar.

It loads the data, builds the models (atlas, display state, selection) and
wires the widgets to them. Selection flows one way: a click, a tree row or a
guide link asks the selection model; its one signal restyles the scene and
updates the tree and the guide.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QToolBar, QWidget

from .. import paths
from ..model.atlas import Layer
from ..model.display import DisplayState
from ..model.problems import Problem
from ..model.selection import Selection
from ..render import camera
from ..model.referral import referral_weights
from ..model.trigger_text import section_for
from ..render.content import load_content
from ..render.markers import trigger_marker_meshes
from ..render.pain_marks import PainMarks
from ..render.picking import ClickPicker
from ..render.scene import AtlasScene
from ..render.setup import add_orientation_marker, configure, remove_vtk_key_bindings
from .browser import StructureBrowser
from .guide_dock import GuideDock
from .guide_panel import GuidePanel
from .messages import MessageArea
from .needle_panel import NeedlePanel
from .pain_finder_panel import PainFinderPanel
from .shortcuts import SHORTCUTS, ShortcutsDialog
from .view_events import PickingEvents

ORGANISATION = "anatomy-viewer"
APPLICATION = "anatomy-viewer"
TITLE = "Hip flexor atlas"
# An item chosen from the list is framed with this much of its surroundings (times its size).
CHOSEN_CONTEXT = 3.0
VIEW_BUTTONS = ("anterior", "posterior", "left", "right", "superior", "inferior", "oblique")


def default_settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def load_guide(directory: Optional[Path]):
    """The guide library and its problems. A guide that cannot load at all is a
    problem too: the window still opens, with generated pages."""
    from ..model.guide import GuideLibrary
    try:
        return GuideLibrary.load(directory)
    except Exception as exc:  # noqa: BLE001 - the app must start whatever the pages hold
        return GuideLibrary(), [Problem(str(directory or paths.guide_dir()), "",
                                        f"the guide could not be loaded: {exc}")]


class MainWindow(QMainWindow):
    def __init__(self, meshes_dir: Optional[Path] = None, guide_dir: Optional[Path] = None,
                 settings: Optional[QSettings] = None, view: Optional[str] = None,
                 select: Optional[str] = None, trigger_dir: Optional[Path] = None,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        from pyvistaqt import QtInteractor

        self.setWindowTitle(TITLE)
        self.settings = settings if settings is not None else default_settings()
        self.meshes_dir = Path(meshes_dir) if meshes_dir else paths.meshes_dir()
        self.current_view = camera.DEFAULT_VIEW
        self._closed = False

        # --- data and models
        content = load_content(self.meshes_dir, Path(trigger_dir) if trigger_dir else paths.trigger_maps_dir())
        self.manifest, self.atlas, self.maps = content.manifest, content.atlas, content.maps
        self.guide, guide_problems = load_guide(guide_dir)
        self.display = DisplayState(self.atlas)
        self.selection = Selection(lambda item_id: item_id in self.atlas)

        # --- 3D view
        self.plotter = QtInteractor(self, auto_update=False, multi_samples=0)
        configure(self.plotter)
        self.setCentralWidget(self.plotter)
        self.scene = AtlasScene(self.plotter, self.atlas, content.meshes, self.display, self.selection,
                                request_render=self.request_frame, overlay_meshes=trigger_marker_meshes(self.maps),
                                referral=lambda item_id, muscle: referral_weights(self.maps, item_id, muscle))
        self.orientation_marker = add_orientation_marker(self.plotter)
        remove_vtk_key_bindings(self.plotter.iren.interactor)
        self.picker = ClickPicker(self.scene.pick_layers(), self.scene.id_of,
                                  on_click=self._on_pick, on_hover=self._on_hover)
        self.picking_events = PickingEvents(self.plotter, self.picker)

        # --- panels
        self.browser = StructureBrowser(self.atlas, self.display, self.selection, on_chosen=self.bring_into_view)
        self.browser.mark_unavailable(self._unavailable())
        self.browser_dock = self._dock("Structures", "structures-dock", self.browser,
                                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self.guide_panel = GuidePanel(self.guide, self.atlas, self.selection, self.manifest,
                                      notify=self._notify, on_chosen=self.bring_into_view,
                                      extra=lambda item_id: section_for(self.maps, item_id, self._label))
        self.needle_panel = NeedlePanel(self.maps, self.atlas, self.selection, self.scene)
        self.guide_box = GuideDock(self.guide_panel, self.needle_panel, self.maps, self.scene,
                                   on_handout=self.export_handout)
        self.guide_dock = self._dock("Guide", "guide-dock", self.guide_box,
                                     Qt.DockWidgetArea.RightDockWidgetArea)
        self.pain_marks = PainMarks(self.scene.overlay.renderer)
        self.pain_finder = PainFinderPanel(self.maps, self.atlas, self.selection, on_chosen=self.bring_into_view,
                                           can_mark=self.scene.skin_id is not None)
        self.pain_finder.marking_changed.connect(self._set_marking)
        self.pain_finder.marks_changed.connect(self._show_marks)
        self.pain_finder_dock = self._dock("Pain finder", "pain-finder-dock", self.pain_finder,
                                           Qt.DockWidgetArea.LeftDockWidgetArea)
        self.tabifyDockWidget(self.browser_dock, self.pain_finder_dock)
        self.browser_dock.raise_()
        self.messages = MessageArea()
        self.messages_dock = self._dock("Problems", "problems-dock", self.messages,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.selection_label = QLabel()
        self.statusBar().addPermanentWidget(self.selection_label)
        self.selection.changed.connect(self._on_selection_changed)

        self._make_actions()
        self.resize(1500, 950)
        self._restore_settings()

        self.report_problems([*content.problems, *guide_problems])
        self._start_view(view)
        target = self.atlas.resolve(select) if select else None
        if target:
            self.selection.select(target)
        elif select:
            self.report_problems([Problem("--select", "", self.atlas.unknown_id_message(select))])
        self._on_selection_changed(None, self.selection.current)

    # --- construction helpers --------------------------------------------
    def _unavailable(self) -> dict[str, str]:
        """Items with nothing to draw, and why (zones are painted on the skin, not drawn)."""
        out = {}
        has_skin = any(i in self.scene.actors for i in self.atlas.ids(Layer.skin))
        for item in self.atlas:
            if item.layer is Layer.pain_zones:
                if not has_skin:
                    out[item.id] = "zones are painted on the skin, which the atlas does not have yet"
            elif item.id not in self.scene.actors:
                out[item.id] = "its mesh could not be loaded (see the Problems panel)"
        return out

    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, name: str, text: str, slot, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        key, tip = SHORTCUTS.get(name, ("", text))
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip} ({key})" if key else tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _make_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self._action("screenshot", "Save image...", self.save_image))
        file_menu.addAction(self._action("handout", "Export patient handout (PDF)...",
                                         lambda _checked=False: self.export_handout()))
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit", "Quit", self.close))

        view_menu = self.menuBar().addMenu("&View")
        toolbar = QToolBar("Views", self)
        toolbar.setObjectName("views-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        for name in VIEW_BUTTONS:
            action = self._action(f"view_{name}", name.capitalize(),
                                  lambda _checked=False, v=name: self.set_view(v))
            view_menu.addAction(action)
            toolbar.addAction(action)
        view_menu.addSeparator()
        toolbar.addSeparator()
        for name, text, slot in (("reset_view", "Reset view", self.reset_view),
                                 ("focus", "Zoom to selection", self.focus_selection)):
            action = self._action(name, text, slot)
            view_menu.addAction(action)
            toolbar.addAction(action)
        toolbar.addSeparator()
        xray = self._action("xray", "X-ray", lambda checked: self.display.set_xray(checked), checkable=True)
        self.display.changed.connect(lambda _ids: xray.setChecked(self.display.xray))
        for action in (xray,
                       self._action("isolate", "Isolate", self.browser.isolate_selection),
                       self._action("hide_selected", "Hide selection", self.hide_selection),
                       self._action("show_all", "Show all", self.display.show_all)):
            view_menu.addAction(action)
            toolbar.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self._action("clear_selection", "Clear selection", self.selection.clear))
        view_menu.addAction(self._action("search", "Search structures", self.focus_search))
        view_menu.addAction(self._action("pain_finder", "Pain finder", self.open_pain_finder))
        self._action("guide_back", "Back", self.guide_panel.go_back)
        view_menu.addSeparator()
        for dock in (self.browser_dock, self.pain_finder_dock, self.guide_dock, self.messages_dock):
            view_menu.addAction(dock.toggleViewAction())

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("shortcuts", "Keyboard shortcuts", self.show_shortcuts))
        help_menu.addAction(self._action("about", "About", self.show_about))

    # --- selection, picking, hovering -------------------------------------
    def _on_pick(self, item_id: Optional[str]) -> None:
        if item_id is None:
            self.selection.clear()
        else:
            self.selection.select(item_id)

    def _on_hover(self, item_id: Optional[str]) -> None:
        if item_id is None:
            self.statusBar().clearMessage()
        else:
            self.statusBar().showMessage(self.atlas[item_id].label)

    def _on_selection_changed(self, _old, new) -> None:
        if new is not None and not self.display.visible(new):
            self.display.set_visible([new], True)        # what is chosen is shown
        self.selection_label.setText(f"Selected: {self.atlas[new].label}" if new else "Nothing selected")
        for name in ("focus", "isolate", "hide_selected"):
            if name in getattr(self, "actions_by_name", {}):
                self.actions_by_name[name].setEnabled(new is not None)

    def _label(self, item_id: str) -> str:
        return self.atlas[item_id].label

    # --- pain finder --------------------------------------------------------
    def open_pain_finder(self) -> None:
        self.pain_finder_dock.show()
        self.pain_finder_dock.raise_()

    def _set_marking(self, on: bool) -> None:
        """"Mark on skin": the skin alone becomes pickable and clicks mark pain on it."""
        skin = self.scene.actors.get(self.scene.skin_id) if self.scene.skin_id else None
        if on and skin is not None:
            if not self.display.visible(self.scene.skin_id):
                self.display.set_visible([self.scene.skin_id], True)
            self.picker.start_marking(self.plotter.renderer, skin, self.pain_finder.add_click)
            self._notify("Click on the skin where it hurts; turn off 'Mark on skin' to select again")
        else:
            self.picker.stop_marking()

    def _show_marks(self, points) -> None:
        self.pain_marks.show(points)
        self.render()

    def hide_selection(self) -> None:
        current = self.selection.current
        if current is not None:
            self.selection.clear()
            self.display.set_visible([current], False)

    def focus_search(self) -> None:
        self.browser_dock.show()
        self.browser_dock.raise_()
        self.browser.search.setFocus()
        self.browser.search.selectAll()

    def _notify(self, message: str) -> None:
        self.statusBar().showMessage(message, 6000)

    # --- camera ------------------------------------------------------------
    def render(self) -> None:
        if not self._closed:
            self.plotter.render()

    def request_frame(self) -> None:
        """Redraw at the next paint, once: the widget's paint renders the scene
        itself, so a direct render() before it would draw every change twice."""
        if not self._closed:
            self.plotter.update()

    def _frame_bounds(self):
        return self.scene.bounds() or self.scene.all_bounds()

    def set_view(self, name: str) -> None:
        bounds = self._frame_bounds()
        if bounds is None:
            return
        camera.apply_view(self.plotter.renderer, name, bounds)
        self.current_view = name
        self.render()

    def reset_view(self) -> None:
        self.set_view(camera.DEFAULT_VIEW)

    def focus_selection(self) -> None:
        current = self.selection.current
        bounds = self.scene.bounds([current]) if current else None
        if bounds is None:
            return
        camera.focus(self.plotter.renderer, bounds)
        self.render()

    def bring_into_view(self, item_id: str) -> None:
        """Centre the camera on an item chosen in the list or a guide link,
        keeping the viewing direction, with its surroundings in view."""
        bounds = self.scene.bounds([item_id])
        if bounds is None:
            return
        camera.focus(self.plotter.renderer, bounds, context=CHOSEN_CONTEXT)
        self.render()

    def _start_view(self, view: Optional[str]) -> None:
        saved = self.settings.value("view/camera")
        if view is None and saved:
            try:
                values = [float(v) for v in saved]
                cam = self.plotter.renderer.GetActiveCamera()
                cam.SetPosition(*values[0:3])
                cam.SetFocalPoint(*values[3:6])
                cam.SetViewUp(*values[6:9])
                self.plotter.renderer.ResetCameraClippingRange()
                self.plotter.renderer.camera_set = True
                self.current_view = str(self.settings.value("view/name", camera.DEFAULT_VIEW))
                return
            except (TypeError, ValueError, IndexError):
                pass                                      # a damaged setting: use a standard view
        name = view or camera.DEFAULT_VIEW
        self.set_view(name if name in camera.VIEWS else camera.DEFAULT_VIEW)

    # --- problems ---------------------------------------------------------------
    def report_problems(self, problems) -> None:
        problems = list(problems)
        if not problems:
            return
        self.messages.add_problems(problems)
        self.messages_dock.show()
        n = len(self.messages.problems)
        self.statusBar().showMessage(f"{n} problem{'s' if n != 1 else ''} found while loading: "
                                     "see the Problems panel", 15000)

    # --- dialogs and files ------------------------------------------------------
    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, TITLE, "<p><b>Hip flexor atlas</b>: a 3D atlas of the hip flexors, "
                          "their trigger points and referred pain, for dry-needling education.</p>"
                          "<p>For education only: it does not diagnose or treat anything.</p>")

    def save_image(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save image", "atlas.png", "PNG images (*.png)")
        if path:
            self.plotter.screenshot(path)
            self._notify(f"Saved {path}")

    def export_handout(self, path: Optional[str] = None):
        """Write the patient handout (this view, the selection, the patient guide) to a
        PDF, asking where when no path is given. Returns its document, or None."""
        from .handout import window_handout, write_pdf
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Export patient handout", "handout.pdf",
                                                  "PDF files (*.pdf)")
            if not path:
                return None
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        document = window_handout(self.plotter, self.guide, self.maps, self.selection.current, self._label)
        try:
            write_pdf(path, document)
        except OSError as exc:
            QMessageBox.warning(self, TITLE, f"The handout could not be saved to {path}:\n"
                                f"{exc.strerror or exc}")
            return None
        self._notify(f"Saved the patient handout to {path}")
        return document

    # --- settings and closing ------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is None or not self.restoreState(state):
            # first start: room for names in the list and for reading the guide
            self.resizeDocks([self.browser_dock, self.guide_dock], [330, 460], Qt.Orientation.Horizontal)
            self.resizeDocks([self.messages_dock], [130], Qt.Orientation.Vertical)
        self.messages_dock.hide()              # shown again only when there are problems

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        cam = self.plotter.renderer.GetActiveCamera()
        self.settings.setValue("view/camera", [*cam.GetPosition(), *cam.GetFocalPoint(), *cam.GetViewUp()])
        self.settings.setValue("view/name", self.current_view)
        self.settings.sync()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self.save_settings()
            self._closed = True
            self.picking_events.close()
            self.browser.close_models()
            self.guide_panel.close_models()
            self.needle_panel.close_models()
            self.picker.stop_marking()
            self.scene.close()
            self.plotter.close()
        super().closeEvent(event)
