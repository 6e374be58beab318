"""Loss-surface panel: heatmap + labelled contours of the full-data MSE over (w, b), the
least-squares optimum, and the path of (w, b) as it grows. Clicking picks the start point.

The surface comes from the engine's sufficient statistics (O(grid)), so it is recomputed
for whatever part of the plane is in view; its contours are ``contour_layer.ContourLayer``'s.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QWidget

from gdviewer.core.framing import focus_count
from gdviewer.core.moment import Moment
from gdviewer.core.run_status import RunStatus
from gdviewer.ui.panels.common import (
    MAX_PATH_POINTS,
    ORANGE,
    VERMILLION,
    AdaptivePen,
    PanelWidget,
    SideLegend,
    other_run_curve,
    set_points,
    style_axis,
    style_legend,
    style_text,
)
from gdviewer.ui.panels.contour_layer import ContourLayer
from gdviewer.ui.panels.decimate import thin_to_pixels
from gdviewer.ui.panels.escape_marker import EscapeMarker
from gdviewer.ui.panels.gradient_fan_overlay import GradientFanOverlay, stacked
from gdviewer.ui.panels.gradient_overlay import GradientOverlay
from gdviewer.ui.panels.valley_overlay import ValleyOverlay

GRID_SHAPE = (240, 240)
HOVER_HINT = "Hover to read the loss; click to choose the start point (w₀, b₀)."


def path_points(history, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The finite (w, b) of the start and the first ``n`` steps, thinned to at most
    MAX_PATH_POINTS: every stride-th step and the last (views, no copy of the whole path)."""
    stride = max(1, -(-n // MAX_PATH_POINTS))
    tail = n - 1 if n % stride else n  # the last step, unless the stride already took it
    w_col, b_col = history.column("w")[:n], history.column("b")[:n]
    ws = np.concatenate([[history.initial_w], w_col[stride - 1 :: stride], w_col[tail:]]).astype(np.float64)
    bs = np.concatenate([[history.initial_b], b_col[stride - 1 :: stride], b_col[tail:]]).astype(np.float64)
    ok = np.isfinite(ws) & np.isfinite(bs)
    return ws[ok], bs[ok]


class SurfacePanel(PanelWidget):
    """Heatmap and contours of L(w, b), optimum, start, path and current point."""

    FOLD_HEADER_IN_PRESENTATION = False  # the big central panel has room for its overlay options

    start_point_requested = Signal(float, float)

    def __init__(self, moment: Moment, parent: QWidget | None = None) -> None:
        super().__init__("Loss surface: full-data MSE over (w, b)", "w (slope)", "b (intercept)", parent)
        self.moment = moment
        self.colormap = pg.colormap.get("viridis")
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setColorMap(self.colormap)
        self.plot_item.addItem(self.image)
        self.image.setZValue(-10)
        # the heatmap only changes when re-framed: cache it as a device pixmap instead of
        # rescaling the image on every frame of the moving path
        self.image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.colorbar = pg.ColorBarItem(colorMap=self.colormap, label="log₁₀ loss", interactive=False, width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot_item)
        # the title spans the colour bar's columns too, so it does not set the view's minimum width
        layout = self.plot_item.layout
        layout.removeItem(self.plot_item.titleLabel)
        layout.addItem(self.plot_item.titleLabel, 0, 1, 1, 5)
        self.contour_layer = ContourLayer(self.plot_item)
        self.contours = self.contour_layer.curve
        self.path = pg.PlotDataItem(pen=pg.mkPen(ORANGE, width=2))
        self.path_pen = AdaptivePen(self.path, ORANGE)
        # markers sit on the heatmap, whose colours do not change with the theme: fixed
        # black and white outlines read on every viridis colour
        self.start_marker = pg.ScatterPlotItem(symbol="o", brush=None)
        self.current = pg.ScatterPlotItem(symbol="o", brush=pg.mkBrush(ORANGE))
        self.optimum = pg.ScatterPlotItem(symbol="star", brush=pg.mkBrush("w"))
        self.diverged_marker = pg.ScatterPlotItem(symbol="x", brush=pg.mkBrush(VERMILLION))
        for item in (self.path, self.start_marker, self.optimum, self.current, self.diverged_marker):
            self.plot_item.addItem(item)
        self.optimum.setZValue(5)  # the target stays visible when the current point reaches it
        # (the contours, the optimum and the start are not cached as device pixmaps like the
        # heatmap: after a re-frame Qt drew the cached contours translated, loops beside the
        # valley, seen in screenshots twice)
        self.view_box = self.plot_item.getViewBox()
        self.view_box.setAspectLocked(False)
        self._grid_key: tuple | None = None
        self._regrid = QTimer(self, singleShot=True, interval=80)
        self._regrid.timeout.connect(self.recompute_surface)
        self.view_box.sigRangeChanged.connect(lambda *_: self._regrid.start())
        scene = self.plot_widget.scene()
        scene.sigMouseMoved.connect(self._on_hover)
        scene.sigMouseClicked.connect(self._on_click)
        self.other_items: list[pg.PlotCurveItem] = []  # the other runs' faint paths
        # the other runs' current points: one item for all (each item costs ~0.3 ms a frame to paint)
        self.other_points = pg.ScatterPlotItem(symbol="o")
        self.other_points.setZValue(2)
        self.plot_item.addItem(self.other_points)
        self._other_brushes: list = []
        self._current_colour = ""
        # the runs' legend in two columns under the x axis: off the paths it names
        self.run_legend = SideLegend(labelTextSize=self.style.css_size, colCount=1)
        self.plot_item.layout.addItem(self.run_legend, 4, 1, 1, 5, Qt.AlignmentFlag.AlignHCenter)
        self.run_legend.hide()
        self.gradients = GradientOverlay(self.plot_item, moment)
        self.fan = GradientFanOverlay(self.plot_item, moment)  # "fan": every sample's gradient
        self.divergence_note = pg.TextItem(color=VERMILLION, anchor=(0, 1))
        self.plot_item.addItem(self.divergence_note, ignoreBounds=True)
        self.divergence_note.setZValue(9)
        self.divergence_note.hide()
        self.arrows_box = QCheckBox("gradients")
        self.arrows_box.setChecked(True)
        self.arrows_box.setAccessibleName("Show gradient arrows")
        self.arrows_box.setToolTip("Arrows at the latest step: the direction its own batch pointed (red) and the "
                                   "direction of the whole data set (blue). With one sample they disagree: "
                                   "that is SGD's noise.")
        self.batch_box = QCheckBox("batch's loss")
        self.batch_box.setAccessibleName("Show the batch's own loss contours")
        self.batch_box.setToolTip("Faint contours of the loss of just the samples this step used. For one "
                                  "sample it is a valley along a line (shown when paused or slow).")
        self.valley = ValleyOverlay(self.plot_item)
        # labels keep clear of each other: the fan's moves each frame; where it finds no room,
        # the axes' labels are placed again around it (at their lines' other ends)
        self.fan.keep_clear = lambda: [*self.valley.labels, *self.gradients.labels.values()]
        self.valley.keep_clear = lambda: [self.fan.label]
        self.fan.crowded = self.valley.place_labels
        self.axes_box = QCheckBox("axes")
        self.axes_box.setAccessibleName("Show the valley's axes")
        self.axes_box.setToolTip("The valley's steep and flat directions through the optimum (the Hessian's "
                                 "eigenvectors), with their curvatures λ and κ = λmax/λmin")
        self.axes_box.toggled.connect(self.valley.set_shown)
        self.equal_box = QCheckBox("equal scale")
        self.equal_box.setAccessibleName("Equal scale on w and b")
        self.equal_box.setToolTip("The same scale on w and b, so the contours keep their true shape (on by "
                                  "default when the data allow it; off stretches each axis to fill the panel)")
        self._equal_chosen = False  # the user's choice outlives new data; until then the data decide
        self.fit_all_box = QCheckBox("fit all")
        self.fit_all_box.setAccessibleName("Fit the whole path")
        self.fit_all_box.setToolTip("Frame every step, however far a diverging run went. Off: frame the start, "
                                    "the optimum and the first oscillations; an arrow at the edge shows an escape.")
        self.fit_all_box.toggled.connect(lambda _on: self.redraw(refit=True))
        self.escape = EscapeMarker(self.plot_item)
        self._auto_range: tuple | None = None  # the range the panel itself last set
        self.add_header_controls(stacked(self.arrows_box, self.fan.checkbox), stacked(self.batch_box, self.axes_box),
                                 self.equal_box, self.fit_all_box)
        # (six options in four columns: the width a 1024×768 window leaves the panel; no style
        # sheet, which would cut the header off presentation mode's font and the theme's colours)
        self.equal_box.toggled.connect(self._on_equal_toggled)
        self.arrows_box.toggled.connect(self._on_overlay_toggled)
        self.batch_box.toggled.connect(self._on_overlay_toggled)
        self._hover: tuple[float, float] | None = None  # the last point under the mouse
        self.set_readout_now(HOVER_HINT)
        self.sync_runs()
        self.restyle()
        self.update_data()

    def restyle(self) -> None:
        st = self.style
        self.contour_layer.restyle(st)
        self.path_pen.restyle(scale=st.line_scale)
        for marker, size, pen in ((self.start_marker, 13, st.pen("w", 2)), (self.current, 13, st.pen("k", 1.5)),
                                  (self.optimum, 20, st.pen("k", 1)), (self.diverged_marker, 22, st.pen("k", 1))):
            marker.setSize(st.marker(size))
            marker.setPen(pen)
        style_legend(self.run_legend, st)
        style_text(self.divergence_note, st, color=VERMILLION)
        style_axis(self.colorbar.axis, st)
        style_axis(self.colorbar.getAxis("left"), st)  # its label ("log₁₀ loss")
        self.colorbar.axis.setWidth(round(45 * st.font_pt / 9.0))
        self.gradients.restyle(st)
        self.fan.restyle(st)
        self.valley.restyle(st)
        self.escape.restyle(st)
        self.sync_runs()

    def _on_overlay_toggled(self) -> None:
        self.gradients.show_arrows = self.arrows_box.isChecked()
        self.gradients.show_batch_contours = self.batch_box.isChecked()
        self.redraw()

    def _on_equal_toggled(self, on: bool) -> None:
        self._equal_chosen = True
        self.set_equal_scale(on)

    def set_equal_scale(self, on: bool) -> None:
        """Lock w and b to the same scale (the contours' true shape), or stretch to fill."""
        self.equal_box.blockSignals(True)
        self.equal_box.setChecked(on)
        self.equal_box.blockSignals(False)
        self.view_box.setAspectLocked(on, ratio=1.0)

    @property
    def equal_scale(self) -> bool:
        return bool(self.view_box.state["aspectLocked"])

    # --- framing and the surface --------------------------------------------------------
    def show_moment(self, moment: Moment) -> None:
        super().show_moment(moment)
        self.gradients.moment = self.fan.moment = moment

    def update_data(self) -> None:
        """New data set or start point: frame the optimum and the start, redraw everything."""
        if not self._equal_chosen:
            self.set_equal_scale(self.moment.surface.equal_scale_fits)
        s = self.moment
        self.plot_item.setLabel("bottom", "w (slope)" if s.transform.identity else "w (slope on x′)")  # the runs' w
        w_opt, b_opt = s.surface.optimum
        self.optimum.setData([w_opt], [b_opt])
        self.valley.update(s.surface)
        self.frame([(w_opt, b_opt), (s.history.initial_w, s.history.initial_b)])
        self.recompute_surface()
        self._regrid.stop()  # done just now; the range change need not trigger it again
        self._hover_caption()
        self.redraw()

    def frame(self, points: list[tuple[float, float]]) -> None:
        """Set the view to contain ``points`` with a margin."""
        pts = np.array([p for p in points if all(map(math.isfinite, p))], dtype=np.float64)
        if pts.size == 0:
            return
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = np.maximum(hi - lo, 1.0)
        lo, hi = lo - 0.3 * span, hi + 0.3 * span
        self.view_box.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
        self._auto_range = self._range_key()

    def _range_key(self) -> tuple:
        (v0, v1), (u0, u1) = self.view_box.viewRange()
        return tuple(round(float(v), 6) for v in (v0, v1, u0, u1))

    def recompute_surface(self) -> None:
        """Heatmap and contours for the part of the (w, b) plane in view."""
        (w0, w1), (b0, b1) = self.view_box.viewRange()
        if not all(map(math.isfinite, (w0, w1, b0, b1))) or w1 <= w0 or b1 <= b0:
            return
        key = (id(self.moment.surface), w0, w1, b0, b1)
        if key == self._grid_key:
            return  # same data, same view: the heatmap and contours are current
        self._grid_key = key
        # a margin around the view so small pans do not show an edge
        dw, db = (w1 - w0) * 0.25, (b1 - b0) * 0.25
        w0, w1, b0, b1 = w0 - dw, w1 + dw, b0 - db, b1 + db
        surface = self.moment.surface
        _, _, loss = surface.grid((w0, w1), (b0, b1), GRID_SHAPE)
        floor = max(surface.min_loss, 1e-12 * max(float(loss.max()), 1e-300), 1e-300)
        img = np.log10(np.maximum(loss, floor))
        lo, hi = float(img.min()), float(img.max())
        if hi <= lo:
            hi = lo + 1.0
        self.image.setImage(img, autoLevels=False, levels=(lo, hi))
        self.colorbar.setLevels((lo, hi))
        rect = QRectF(w0, b0, w1 - w0, b1 - b0)
        self.image.setRect(rect)
        self.contour_layer.draw(self.moment.surface, (w0, w1, b0, b1), float(loss.max()))

    # --- per frame ---------------------------------------------------------------------
    def sync_runs(self) -> None:
        """One faint path and current point per other run, in its colour; a legend of runs."""
        s = self.moment
        for path in self.other_items:
            self.plot_item.removeItem(path)
        self.other_items = []
        self._other_brushes = []
        for i, run in enumerate(s.runs):
            if i == s.selected:
                continue
            path = other_run_curve(self.style, run.colour)
            self.plot_item.addItem(path)
            path.setZValue(1)
            self.other_items.append(path)
            self._other_brushes.append(pg.mkBrush(run.colour))
        self.other_points.setSize(self.style.marker(10))
        self.other_points.setPen(self.style.pen("k", 1))
        self.other_points.setData([], [])
        self.other_points._shown_points = None  # (new brushes: set_points must not skip them)
        colour = s.run.colour
        self.path_pen.color = colour
        self.path_pen.width = 0
        if self._current_colour != colour:  # (a new brush each time would grow pyqtgraph's symbol atlas)
            self._current_colour = colour
            self.current.setBrush(pg.mkBrush(colour))
        self.run_legend.clear()
        if len(s.runs) > 1:
            items = iter(self.other_items)
            for i, run in enumerate(s.runs):
                item = self.path if i == s.selected else next(items)
                name = run.name if len(run.name) <= 28 else run.name[:27] + "…"
                label = html.escape(name) + (" (selected)" if i == s.selected else "")  # names are text, not HTML
                self.run_legend.addItem(item, label)
            self.run_legend.show()
        else:
            self.run_legend.hide()
        self.fit_minimum_size()

    def fit_minimum_size(self) -> None:
        """The minimum size with the run legend in one column (so a narrow window can still
        shrink the panel), then two columns when they fit the panel's width as it is."""
        self._set_legend_columns(1)
        super().fit_minimum_size()
        self._choose_legend_columns(self.plot_widget.width())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # at once, not on the fit timer: a legend too wide for the new width would push the
        # colour bar out of the panel until then (and into a screenshot taken meanwhile)
        self._choose_legend_columns(self.plot_widget.width())

    def _choose_legend_columns(self, width: int) -> None:
        legend = self.run_legend
        if not legend.items:
            return
        room = width - self.plot_item.getAxis("left").width() - 24
        self._set_legend_columns(2)
        if legend.effectiveSizeHint(Qt.SizeHint.PreferredSize).width() > room:
            self._set_legend_columns(1)

    def _set_legend_columns(self, columns: int) -> None:
        if self.run_legend.columnCount != columns:
            self.run_legend.setColumnCount(columns)
            self.run_legend.layout.activate()

    def redraw(self, refit: bool = False) -> None:
        """Paths, start and current points; re-frame if the part of the paths to show left
        the view (or, when the panel framed it, shrank well inside it: scrubbing back)."""
        s = self.moment
        h = s.history
        n = s.shown_steps  # the live end, or where the timeline cursor is
        set_points(self.start_marker, [h.initial_w], [h.initial_b])
        ws, bs = path_points(h, n)
        self.path_pen.update(ws.size)
        self.path.setData(ws, bs)
        w_now, b_now = (float(ws[-1]), float(bs[-1])) if ws.size else (h.initial_w, h.initial_b)
        self.current.setData([w_now], [b_now])
        all_w, all_b = [ws], [bs]
        others = (i for i in range(len(s.runs)) if i != s.selected)
        pixel_w, pixel_h = self.view_box.viewPixelSize()
        points_w: list[float] = []
        points_b: list[float] = []
        brushes = []
        for path, brush, i in zip(self.other_items, self._other_brushes, others, strict=False):
            ow, ob = path_points(s.runs[i].history, s.shown_steps_of(i))
            path.setData(*thin_to_pixels(ow, ob, pixel_w, pixel_h))  # faint: drawn at the screen's resolution
            if ow.size:
                points_w.append(float(ow[-1]))
                points_b.append(float(ob[-1]))
                brushes.append(brush)
            all_w.append(ow)
            all_b.append(ob)
        set_points(self.other_points, points_w, points_b, brush=brushes)
        diverged = s.run.status == RunStatus.DIVERGED
        if diverged:  # pinned to the step where it diverged, wherever the timeline shows
            last = len(h)
            dws, dbs = (ws, bs) if n == last else path_points(h, last)  # live: the path just made
            w_div, b_div = (float(dws[-1]), float(dbs[-1])) if dws.size else (w_now, b_now)
            set_points(self.diverged_marker, [w_div], [b_div])
            config = s.run_config
            limit = s.stable_lr()
            why = (f"lr {config.lr:g} > stable limit ≈ {limit:.3g}" if limit is not None and config.lr > limit
                   else "the numbers overflowed")
            self.divergence_note.setText(f"diverged here at step {last:,}:\n{why}")
            (v0, v1), _ = self.view_box.viewRange()
            right_half = w_div > (v0 + v1) / 2  # keep the note inside the view
            self.divergence_note.setAnchor((1.0 if right_half else 0.0, 1.0))
            self.divergence_note.setPos(w_div, b_div)
            self.divergence_note.show()
        else:
            set_points(self.diverged_marker, [], [])
            self.divergence_note.hide()
        self._follow(all_w, all_b, refit)
        if self.fit_all_box.isChecked():
            self.escape.hide()
        else:
            self.escape.update(w_now, b_now, "diverged, " if diverged and n >= len(h) else "")
        if self.escape.shown:
            self.divergence_note.hide()  # the arrow's label says where it went
        self.gradients.update()
        self.fan.update()

    def _follow(self, all_w: list[np.ndarray], all_b: list[np.ndarray], refit: bool = False) -> None:
        """Frame the paths: all of them with "fit all", else each up to where it escapes."""
        optimum = self.moment.surface.optimum
        if not self.fit_all_box.isChecked():
            cut = [focus_count(w, b, (float(w[0]), float(b[0])), optimum) if w.size else 0
                   for w, b in zip(all_w, all_b, strict=True)]
            all_w = [w[:k] for w, k in zip(all_w, cut, strict=True)]
            all_b = [b[:k] for b, k in zip(all_b, cut, strict=True)]
        w, b = np.concatenate(all_w), np.concatenate(all_b)
        if w.size == 0:
            return
        (v0, v1), (u0, u1) = self.view_box.viewRange()
        wl, wh, bl, bh = float(w.min()), float(w.max()), float(b.min()), float(b.max())
        w_opt, b_opt = optimum
        wl, wh, bl, bh = min(wl, w_opt), max(wh, w_opt), min(bl, b_opt), max(bh, b_opt)
        outside = wl < v0 or wh > v1 or bl < u0 or bh > u1
        # the panel's own framing follows the path back (scrubbing, a reset); a user's zoom stays
        ours = self._auto_range == self._range_key()
        shrunk = ours and max(wh - wl, 1.0) * 4 < v1 - v0 and max(bh - bl, 1.0) * 4 < u1 - u0
        if refit or outside or shrunk:
            self.frame([(wl, bl), (wh, bh)])

    # --- mouse -------------------------------------------------------------------------
    def _view_point(self, scene_pos: QPointF) -> QPointF | None:
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        return self.view_box.mapSceneToView(scene_pos)

    def _on_hover(self, scene_pos: QPointF) -> None:
        p = self._view_point(scene_pos)
        if p is None:
            return
        self._hover = (p.x(), p.y())
        self._hover_caption()

    def _hover_caption(self) -> None:
        """The loss under the mouse, computed on the current data (so new data updates it)."""
        if self._hover is None:
            self.set_readout_now(HOVER_HINT)
            return
        w, b = self._hover
        loss = float(self.moment.surface.loss(w, b))
        self.set_readout_now(f"w = {w:.4g}, b = {b:.4g}: loss {loss:.5g} · click to start here")

    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        p = self._view_point(event.scenePos())
        if p is None:
            return
        event.accept()
        self.start_point_requested.emit(float(p.x()), float(p.y()))
