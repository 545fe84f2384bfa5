"""Model explorers: one definition, two renderings.

An :class:`Explorer` is defined by a list of :class:`Control` (the parameters a reader may change,
with their ranges and defaults) and one plain function ``spec(**values) -> PlotSpec`` that solves the
model and describes the picture. From that single definition it renders

* **live** (:meth:`Explorer.widget`): ipywidgets sliders; releasing one re-solves the model and
  redraws one kept figure in place (:class:`~immunokit.interactive.plotspec.LiveFigure`, which redraws only
  the lines and labels that move);
* **static** (:meth:`Explorer.to_html`): at most nine frames pre-computed by the *same* ``spec``
  function over the model's most instructive parameter (``frame_control``), the others at their
  defaults, shown with :func:`immunokit.interactive.stepper.frames_html` and a slider in the book's own script.

The frame values and the values of every frame are exposed (:attr:`Explorer.frame_values`,
:meth:`Explorer.frame_params`) and embedded as JSON in the static HTML, so a test can recompute a frame
and compare it with what the page shows.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..display import Figure
from ..markup import stable_id
from .base import Interactive, LiveView
from .plotspec import LiveFigure, PlotSpec, power_of_ten, render
from .stepper import Frame, frames_html

#: Largest number of static frames an explorer may embed (page weight and readability).
MAX_FRAMES = 9


@dataclass(frozen=True)
class Control:
    """One parameter a reader can change.

    Parameters
    ----------
    name
        Keyword passed to the explorer's ``spec`` function (e.g. ``"kd_nm"``).
    label
        Visible label with its unit (e.g. ``"Kd (nM)"``).
    value
        Default value.
    min, max
        Slider range. For ``scale="log"`` both must be > 0.
    step
        Slider step (ignored for ``scale="log"``, whose step is in decades).
    scale
        ``"linear"``, ``"log"`` (FloatLogSlider) or ``"int"`` (IntSlider).
    fmt
        Format of a value in frame labels (``"{:g} nM"``); ``{p10}`` stands for the value written as
        a power of ten (``"{p10} cells"`` gives ``"10¹¹ cells"``).
    """

    name: str
    label: str
    value: float
    min: float
    max: float
    step: float = 0.1
    scale: Literal["linear", "log", "int"] = "linear"
    fmt: str = "{:g}"

    def __post_init__(self) -> None:
        if not self.min < self.max:
            raise ValueError(f"control {self.name!r}: min ({self.min}) must be < max ({self.max})")
        if not self.min <= self.value <= self.max:
            raise ValueError(f"control {self.name!r}: value {self.value} is outside [{self.min}, {self.max}]")
        if self.scale == "log" and self.min <= 0:
            raise ValueError(f"control {self.name!r}: a log slider needs min > 0, got {self.min}")

    def format(self, value: float) -> str:
        """``value`` formatted with :attr:`fmt` (e.g. ``"8 nM"``), as shown in frame labels."""
        return self.fmt.format(value, p10=power_of_ten(value))

    def slider(self) -> Any:
        """A fresh ipywidgets slider for this control (updates on release of the handle)."""
        import ipywidgets as w

        common = {
            "description": self.label,
            "continuous_update": False,
            "style": {"description_width": "initial"},
            "layout": w.Layout(width="min(100%, 30em)"),
        }
        if self.scale == "int":
            return w.IntSlider(
                value=int(self.value),
                min=int(self.min),
                max=int(self.max),
                step=max(1, int(self.step)),
                **common,
            )
        if self.scale == "log":
            return w.FloatLogSlider(
                value=self.value,
                base=10,
                min=math.log10(self.min),
                max=math.log10(self.max),
                step=self.step,
                **common,
            )
        return w.FloatSlider(
            value=self.value, min=self.min, max=self.max, step=self.step, readout_format=".3g", **common
        )


class Explorer(Interactive):
    """A model explorer (see the module docstring).

    Parameters
    ----------
    title
        Accessible name of the explorer, shown above it.
    controls
        The parameters a reader may change.
    spec
        ``spec(**values) -> PlotSpec``: solve the model for these values and describe the picture.
        Called with every control's value as a keyword.
    frame_control
        Name of the control the static frames vary.
    frame_values
        Values of that control for the static frames (1 to :data:`MAX_FRAMES`, in order).
    """

    def __init__(
        self,
        *,
        title: str,
        controls: Sequence[Control],
        spec: Callable[..., PlotSpec],
        frame_control: str,
        frame_values: Sequence[float],
    ) -> None:
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"explorer {title!r}: duplicate control names in {names}")
        if frame_control not in names:
            raise ValueError(f"explorer {title!r}: frame_control {frame_control!r} is not one of {names}")
        if not 1 <= len(frame_values) <= MAX_FRAMES:
            raise ValueError(
                f"explorer {title!r}: needs 1 to {MAX_FRAMES} frame values, got {len(frame_values)}"
            )
        control = next(c for c in controls if c.name == frame_control)
        for v in frame_values:
            if not control.min <= v <= control.max:
                raise ValueError(
                    f"explorer {title!r}: frame value {v} is outside the range of {frame_control!r}"
                )
        self.title = title
        self.controls = tuple(controls)
        self.spec = spec
        self.frame_control = frame_control
        self.frame_values = tuple(float(v) for v in frame_values)

    def __repr__(self) -> str:
        return f"<Explorer {self.title!r}: {', '.join(c.name for c in self.controls)}>"

    # -- values ----------------------------------------------------------------------------------
    def defaults(self) -> dict[str, float]:
        """The default value of every control."""
        return {c.name: c.value for c in self.controls}

    def control(self, name: str) -> Control:
        """The control called ``name``."""
        for c in self.controls:
            if c.name == name:
                return c
        raise KeyError(f"explorer {self.title!r} has no control {name!r}")

    def params(self, **overrides: float) -> dict[str, float]:
        """Defaults with ``overrides`` applied (unknown names are refused)."""
        values = self.defaults()
        for name, value in overrides.items():
            if name not in values:
                raise KeyError(f"explorer {self.title!r} has no control {name!r}; controls: {list(values)}")
            values[name] = value
        return values

    def frame_params(self, i: int) -> dict[str, float]:
        """The full parameter values of static frame ``i``."""
        return self.params(**{self.frame_control: self.frame_values[i]})

    def solve(self, **overrides: float) -> PlotSpec:
        """Run the model for the defaults with ``overrides``; return its plot spec."""
        return self.spec(**self.params(**overrides))

    # -- static ----------------------------------------------------------------------------------
    def frame_label(self, i: int) -> str:
        """Label of static frame ``i`` (e.g. ``"Kd = 8 nM"``)."""
        control = self.control(self.frame_control)
        return f"{_short(control.label)} = {control.format(self.frame_values[i])}"

    def frame_figure(self, i: int) -> Figure:
        """Static frame ``i`` rendered as a new figure."""
        return render(self.spec(**self.frame_params(i)))

    def frames(self) -> list[Frame]:
        """Every static frame, rendered."""
        return [Frame(self.frame_figure(i), self.frame_label(i)) for i in range(len(self.frame_values))]

    def start_frame(self) -> int:
        """Index of the frame closest to the default value (shown first)."""
        default = self.control(self.frame_control).value
        return min(range(len(self.frame_values)), key=lambda i: abs(self.frame_values[i] - default))

    def to_html(self) -> str:
        control = self.control(self.frame_control)
        payload = json.dumps(
            {"control": control.name, "values": list(self.frame_values), "defaults": self.defaults()},
            sort_keys=True,
        )
        uid = stable_id("ik-explorer", self.title, payload)
        viewer = frames_html(
            self.frames(),
            title=self.title,
            control="slider",
            uid=f"{uid}-frames",
            control_label=control.label,
            start=self.start_frame(),
        )
        others = [c for c in self.controls if c.name != control.name]
        note = ""
        if others:
            fixed = "; ".join(
                f"{html.escape(_short(c.label))} = {html.escape(c.format(c.value))}" for c in others
            )
            note = (
                f'<p class="ik-explorer-note">Pre-computed frames; the other parameters are fixed at '
                f"{fixed}. Run the notebook to change them all.</p>"
            )
        return (
            f'<div class="ik-explorer" id="{uid}" data-ik-explorer="{html.escape(payload, quote=True)}">'
            f"{viewer}{note}</div>"
        )

    # -- live ------------------------------------------------------------------------------------
    def widget(self) -> LiveView:
        """Sliders (``view.controls`` by control name) that re-solve the model and redraw one kept figure
        in place (``view.figure``). ``state.values``, ``state.spec`` and ``state.html`` say what is shown;
        ``state.status`` holds the model's message when it refuses a combination of values."""
        import ipywidgets as w

        sliders = {c.name: c.slider() for c in self.controls}
        shown = w.HTML()
        status = w.HTML()
        live = LiveFigure()
        view = LiveView(
            [w.HTML(f"<strong>{html.escape(self.title)}</strong>"), *sliders.values(), shown, status],
            controls=sliders,
            figure=live,
        )

        def redraw(_change: Mapping[str, Any] | None = None) -> None:
            values = {name: s.value for name, s in sliders.items()}
            view.state.values = values
            try:
                spec = self.spec(**values)
            except ValueError as err:  # a parameter combination the model refuses: say so, keep the figure
                status.value = f'<p role="alert">{html.escape(str(err))}</p>'
                view.state.status = str(err)
                return
            status.value = ""
            shown.value = live.update(spec)
            view.state.status = ""
            view.state.spec = spec
            view.state.html = shown.value

        for s in sliders.values():
            s.observe(redraw, names="value")
        redraw()
        return view


def _short(label: str) -> str:
    """A control label without its trailing unit in parentheses: ``"Kd (nM)"`` -> ``"Kd"``."""
    head, sep, _tail = label.rpartition(" (")
    return head if sep and label.endswith(")") else label
