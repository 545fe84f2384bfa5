/* immunokit.js — the book's one script for its interactive elements (quizzes, step-through
 * diagrams, model explorers). Loaded once per page from the book's own _static folder; it loads
 * nothing else and talks to no other host. Each element is plain HTML written by the Python
 * toolkit (immunokit) with a data-ik="<component>" attribute; this file registers one initialiser
 * per component and runs them when the page is ready. Without this script every element still
 * shows its content (all frames, all questions), only without interaction.
 */
(function () {
  "use strict";

  var IK = (window.ImmunoKit = window.ImmunoKit || {});
  IK.components = IK.components || {};

  /** Register the initialiser of a component: init(rootElement). */
  IK.register = function (name, init) {
    IK.components[name] = init;
  };

  /** Say msg through the element's polite live region (class ik-live inside root). */
  IK.announce = function (root, msg) {
    var live = root.querySelector(".ik-live");
    if (!live) return;
    live.textContent = "";
    // A fresh text node after a tick makes screen readers announce repeated messages too.
    window.setTimeout(function () {
      live.textContent = msg;
    }, 30);
  };

  /** Initialise every element below root that is not initialised yet. */
  IK.init = function (root) {
    var nodes = (root || document).querySelectorAll("[data-ik]:not([data-ik-ready])");
    Array.prototype.forEach.call(nodes, function (el) {
      var init = IK.components[el.getAttribute("data-ik")];
      if (!init) return;
      try {
        init(el);
        el.setAttribute("data-ik-ready", "true");
      } catch (err) {
        // One broken element must not stop the others; the error still reaches the console.
        window.setTimeout(function () {
          throw err;
        });
      }
    });
  };

  /* ---- frames: step-through diagrams and explorer frames ---------------------------------- */
  IK.register("frames", function (root) {
    var frames = root.querySelectorAll(".ik-frame");
    var controls = root.querySelector(".ik-frames-controls");
    var status = root.querySelector(".ik-frames-status");
    var range = root.querySelector("input.ik-range");
    var prev = root.querySelector('[data-ik-action="prev"]');
    var next = root.querySelector('[data-ik-action="next"]');
    var n = frames.length;
    var current = -1;

    function show(i, announce) {
      i = Math.max(0, Math.min(n - 1, i));
      if (i === current) return;
      current = i;
      Array.prototype.forEach.call(frames, function (f, k) {
        f.hidden = k !== i;
      });
      var label = frames[i].getAttribute("data-ik-label");
      if (range) {
        range.value = String(i);
        range.setAttribute("aria-valuetext", label);
        if (status) status.textContent = label;
      } else if (status) {
        status.textContent = label + " (" + (i + 1) + " of " + n + ")";
      }
      if (prev) prev.disabled = i === 0;
      if (next) next.disabled = i === n - 1;
      root.setAttribute("data-ik-current", String(i));
      if (announce) {
        var cap = frames[i].querySelector("figcaption");
        IK.announce(root, cap ? cap.textContent : label);
      }
    }

    if (prev) prev.addEventListener("click", function () { show(current - 1, true); });
    if (next) next.addEventListener("click", function () { show(current + 1, true); });
    if (range) range.addEventListener("input", function () { show(parseInt(range.value, 10), true); });
    root.addEventListener("keydown", function (ev) {
      if (range && ev.target === range) return; // the range input handles its own arrows
      if (ev.key === "ArrowRight") { show(current + 1, true); ev.preventDefault(); }
      else if (ev.key === "ArrowLeft") { show(current - 1, true); ev.preventDefault(); }
    });
    root.classList.add("ik-js");
    if (controls) controls.hidden = false;
    show(parseInt(root.getAttribute("data-ik-start") || "0", 10), false);
  });

  /* ---- quiz: added by the quiz component below ------------------------------------------- */

  /* ---- start ------------------------------------------------------------------------------- */
  function start() {
    IK.init(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    window.setTimeout(start);
  }
})();
