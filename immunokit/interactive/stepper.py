"""Frame viewers: the static machinery shared by step-through diagrams and model explorers.

A frame viewer shows one of several pre-rendered figures at a time with either previous/next buttons
(a step-through diagram) or a range slider (a model explorer's static frames). Without JavaScript every
frame is shown in order, so nothing is lost; with the book's script, one frame shows at a time, the
buttons, slider and arrow keys move between them, and a live region announces the new step's caption
(step-through diagrams) or the new frame's outcome, its alt text (explorers), once.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..display import Figure
from ..markup import inline_html, plain_text, stable_id
from .base import Interactive, LiveView


@dataclass(frozen=True)
class Frame:
    """One frame: the rendered figure and a short label (e.g. ``"Step 2"`` or ``"Kd = 8 nM"``)."""

    figure: Figure
    label: str


def frames_html(
    frames: Sequence[Frame],
    *,
    title: str,
    control: Literal["buttons", "slider"],
    uid: str | None = None,
    control_label: str = "",
    start: int = 0,
) -> str:
    """Return the static HTML of a frame viewer.

    Parameters
    ----------
    frames
        The frames in order (at least one).
    title
        Accessible name of the viewer, shown above it.
    control
        ``"buttons"`` for previous/next (step-through diagrams), ``"slider"`` for a range input
        (explorers).
    uid
        Id of the viewer's root element; derived from the content when omitted.
    control_label
        Visible label of the slider (e.g. ``"Dissociation constant Kd"``).
    start
        Index of the frame shown first.
    """
    if not frames:
        raise ValueError("a frame viewer needs at least one frame")
    if not 0 <= start < len(frames):
        raise ValueError(f"start={start} is outside 0..{len(frames) - 1}")
    root = uid or stable_id("ik-frames", title, *(f.label for f in frames))
    n = len(frames)
    figures = []
    for i, frame in enumerate(frames):
        counter = f"{i + 1} of {n}"
        figures.append(
            f'<figure class="ik-frame" id="{root}-f{i}" data-ik-label="{html.escape(frame.label, quote=True)}">'
            f"{frame.figure.img_html()}"
            f'<figcaption><span class="ik-frame-label">{html.escape(frame.label)}</span> '
            f'<span class="ik-frame-counter">({counter})</span> '
            f"{inline_html(frame.figure.caption)}</figcaption></figure>"
        )
    esc_title = html.escape(title)
    if control == "buttons":
        controls = (
            f'<div class="ik-frames-controls" hidden>'
            f'<button type="button" class="ik-btn" data-ik-action="prev" aria-controls="{root}-stage">'
            f'<span aria-hidden="true">&#8592;</span> Previous</button>'
            f'<span class="ik-frames-status">{html.escape(frames[start].label)} ({start + 1} of {n})</span>'
            f'<button type="button" class="ik-btn" data-ik-action="next" aria-controls="{root}-stage">'
            f'Next <span aria-hidden="true">&#8594;</span></button></div>'
        )
    elif control == "slider":
        label = html.escape(control_label or "Value")
        controls = (
            f'<div class="ik-frames-controls" hidden>'
            f'<label for="{root}-range">{label}</label>'
            f'<input type="range" id="{root}-range" class="ik-range" min="0" max="{n - 1}" step="1" '
            f'value="{start}" aria-valuetext="{html.escape(frames[start].label, quote=True)}" '
            f'aria-controls="{root}-stage">'
            # Not a live region: the slider already speaks its value (aria-valuetext) and the
            # script announces the frame's outcome (its alt text) once, after the slider settles.
            f'<span class="ik-frames-status" aria-hidden="true">{html.escape(frames[start].label)}</span>'
            f"</div>"
        )
    else:  # pragma: no cover - guarded by the type
        raise ValueError(f"unknown control {control!r}")
    return (
        f'<section class="ik-frames" id="{root}" data-ik="frames" data-ik-control="{control}" '
        f'data-ik-start="{start}" aria-label="{html.escape(plain_text(title), quote=True)}">'
        f'<p class="ik-frames-title">{esc_title}</p>'
        f"{controls}"
        f'<div class="ik-frames-stage" id="{root}-stage">{"".join(figures)}</div>'
        f'<p class="ik-sr-only ik-live" aria-live="polite"></p>'
        f"</section>"
    )


class Stepper(Interactive):
    """A step-through figure: ``draw(i)`` returns the :class:`Figure` of step ``i``.

    Live, previous/next buttons redraw the figure in the kernel; static, every step is pre-rendered
    and the book's script steps through them. Both come from the same ``draw`` and ``labels``.
    """

    def __init__(self, title: str, labels: Sequence[str], draw: Callable[[int], Figure]) -> None:
        if not labels:
            raise ValueError("a stepper needs at least one step")
        self.title = title
        self.labels = list(labels)
        self.draw = draw

    def __repr__(self) -> str:
        return f"<Stepper {self.title!r}: {len(self.labels)} steps>"

    def frames(self) -> list[Frame]:
        """Every step, rendered."""
        return [Frame(self.draw(i), label) for i, label in enumerate(self.labels)]

    def to_html(self) -> str:
        return frames_html(self.frames(), title=self.title, control="buttons")

    def widget(self) -> LiveView:
        """Previous/next buttons (``controls["prev"]``, ``controls["next"]``) that redraw the step in the
        kernel; ``state.step``, ``state.status`` and ``state.html`` say which step is shown."""
        import ipywidgets as w

        n = len(self.labels)
        prev = w.Button(description="Previous", icon="arrow-left", disabled=True)
        nxt = w.Button(description="Next", icon="arrow-right", disabled=n < 2)
        status = w.Label()
        shown = w.HTML()
        view = LiveView(
            [w.HTML(f"<strong>{html.escape(self.title)}</strong>"), w.HBox([prev, status, nxt]), shown],
            controls={"prev": prev, "next": nxt},
        )

        def show(i: int) -> None:
            shown.value = self.draw(i).to_html()
            status.value = f"{self.labels[i]} ({i + 1} of {n})"
            prev.disabled = i == 0
            nxt.disabled = i == n - 1
            view.state.step = i
            view.state.status = status.value
            view.state.html = shown.value

        prev.on_click(lambda _b: show(max(0, view.state.step - 1)))
        nxt.on_click(lambda _b: show(min(n - 1, view.state.step + 1)))
        show(0)
        return view
