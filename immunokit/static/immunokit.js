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
      keepFocus();
      root.setAttribute("data-ik-current", String(i));
      if (announce) say(i);
    }

    /* What changed, said once: a step's caption (steppers); for a slider, the frame's outcome as its
     * alt text states it, after the slider has rested for a moment, so holding an arrow key does not
     * queue one announcement per frame. The slider itself speaks its value. */
    var pending = 0;
    function say(i) {
      var frame = frames[i];
      if (!range) {
        var cap = frame.querySelector("figcaption");
        IK.announce(root, cap ? cap.textContent : frame.getAttribute("data-ik-label"));
        return;
      }
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        var img = frame.querySelector("img");
        IK.announce(root, img && img.alt ? img.alt : frame.getAttribute("data-ik-label"));
      }, 400);
    }

    /* A button that disables itself (Next at the last step, Previous at the first) would drop keyboard
     * focus to <body>: focus moves to the other button, inside the diagram, so arrow keys keep working. */
    function keepFocus() {
      var active = document.activeElement;
      if (!active || !active.disabled || (active !== prev && active !== next)) return;
      var other = active === next ? prev : next;
      if (other && !other.disabled) other.focus();
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

  /* ---- quiz ---------------------------------------------------------------------------------
   * Quizzes written by immunokit.quiz.static: one <section data-ik="quiz"> per quiz, its grading
   * data in <script type="application/json" class="ik-quiz-data">. The rules below are the same as
   * immunokit/quiz/grading.py (tests/test_quiz_browser.py checks every option of every bank). */
  (function () {
    var SLACK = 1e-9; // = immunokit.quiz.bank.TOLERANCE_SLACK
    var HEADLINES = { correct: "Correct.", partial: "Partly right.", incorrect: "Not quite.", invalid: "Not checked yet." };
    var ICONS = { correct: "\u2713", partial: "\u25d0", incorrect: "\u2717", invalid: "!" };
    var MSG_EMPTY = "Enter a number.";
    var MSG_COMMA = "Use a point as the decimal separator (1.5, not 1,5) and no thousands separators.";
    var MSG_HUGE = "That number is too large.";
    var ORDERING_BUTTONS = " Use the Move up and Move down buttons."; // = quiz.static.ORDERING_BUTTONS
    var SPACES = /[ \t\n\r\f\v\u00a0\u2009\u202f]+/g;
    var NUMBER = /^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))(?:[eE]([+-]?[0-9]+)|[x\u00d7*]10\^([+-]?[0-9]+))?$/;
    var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

    function formatScore(x) {
      var r = Math.floor(x * 100 + 0.5) / 100;
      return r.toFixed(2).replace(/\.?0+$/, "");
    }
    function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
    function within(value, target, tol) {
      return Math.abs(value - target) <= tol + SLACK * Math.max(1, Math.abs(target), tol);
    }

    /** The number typed, or a message (string) saying what to fix; as grading.parse_number. */
    function parseNumber(text, units) {
      if (typeof text === "number") return isFinite(text) ? text : MSG_HUGE;
      var s = String(text).normalize("NFKC").replace(/\u2212/g, "-").trim();
      var unit = String(units || "").normalize("NFKC").trim().toLowerCase();
      if (unit && s.toLowerCase().endsWith(unit)) s = s.slice(0, s.length - unit.length);
      s = s.replace(SPACES, "");
      if (s === "") return MSG_EMPTY;
      if (s.indexOf(",") >= 0) return MSG_COMMA;
      var m = NUMBER.exec(s);
      if (!m) return "\u201c" + String(text).trim() + "\u201d is not a number. Write digits such as 525, 0.5 or 2.5e-4.";
      var exp = m[2] !== undefined ? m[2] : m[3];
      var value = Number(m[1] + (exp !== undefined ? "e" + exp : ""));
      return isFinite(value) ? value : MSG_HUGE;
    }

    function verdict(status, score, message, extra) {
      var v = { status: status, score: score, message: message, chosen: [], mistake: -1, in_place: 0 };
      for (var k in extra || {}) if (Object.prototype.hasOwnProperty.call(extra, k)) v[k] = extra[k];
      return v;
    }
    function numSort(a, b) { return a - b; }

    /** Grade one answer to question q (its JSON data). single: display position or null;
     * multiple: display positions; numeric: the text typed; ordering: bank indices in the reader's order. */
    function grade(q, answer) {
      var i;
      if (q.type === "single") {
        if (answer === null || answer === undefined) return verdict("invalid", 0, "Choose an option.");
        var ok = q.correct[answer] === true;
        return verdict(ok ? "correct" : "incorrect", ok ? 1 : 0, "", { chosen: [q.order[answer]] });
      }
      if (q.type === "multiple") {
        var picks = [];
        each(answer || [], function (p) { if (picks.indexOf(p) < 0) picks.push(p); });
        if (!picks.length) return verdict("invalid", 0, "Choose at least one option.");
        var nCorrect = 0, right = 0;
        for (i = 0; i < q.correct.length; i++) if (q.correct[i]) nCorrect++;
        each(picks, function (p) { if (q.correct[p]) right++; });
        var wrong = picks.length - right;
        var chosen = picks.map(function (p) { return q.order[p]; }).sort(numSort);
        if (right === nCorrect && wrong === 0) return verdict("correct", 1, "", { chosen: chosen });
        var summary = "You chose " + right + " of the " + nCorrect + " correct options and " +
          plural(wrong, "incorrect option") + ".";
        if (q.scoring === "partial") {
          var score = Math.max(0, (right - wrong) / nCorrect);
          return verdict(score > 0 ? "partial" : "incorrect", score, summary + " Score " + formatScore(score) +
            " of 1: correct picks minus incorrect picks, divided by " + nCorrect + ", and never below 0.",
            { chosen: chosen });
        }
        return verdict("incorrect", 0, summary + " Only the exact set of correct options scores.", { chosen: chosen });
      }
      if (q.type === "numeric") {
        if (answer === null || answer === undefined) return verdict("invalid", 0, MSG_EMPTY);
        var value = parseNumber(answer, q.units);
        if (typeof value === "string") return verdict("invalid", 0, value);
        if (within(value, q.answer, q.tol)) return verdict("correct", 1, "", { value: value });
        for (i = 0; i < q.mistakes.length; i++) {
          if (within(value, q.mistakes[i][0], q.mistakes[i][1])) {
            return verdict("incorrect", 0, "", { mistake: i, value: value });
          }
        }
        return verdict("incorrect", 0, "", { value: value });
      }
      var n = answer.length, inPlace = 0;
      for (i = 0; i < n; i++) if (answer[i] === i) inPlace++;
      if (inPlace === n) return verdict("correct", 1, "", { in_place: n });
      return verdict("incorrect", 0, inPlace + " of " + n + (inPlace === 1 ? " item is" : " items are") + " in the right place.", { in_place: inPlace });
    }

    /** Make an element: el("button", {type: "button", class: "ik-btn"}, ["Check"]). */
    function el(tag, attrs, children) {
      var node = document.createElement(tag);
      for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
      each(children || [], function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
      return node;
    }
    function button(action, label, cls, aria) {
      var attrs = { type: "button", "class": "ik-btn" + (cls ? " " + cls : ""), "data-ik-action": action };
      if (aria) attrs["aria-label"] = aria;
      return el("button", attrs, label);
    }

    /* One question. The feedback ladder: a first wrong try shows what was wrong with the chosen
     * answer (targeted feedback) and opens the hint; the explanation, which gives the answer away,
     * comes after a second try, on request ("Show explanation") or with a right answer. The first
     * graded try is scored apart from the best score reached ("eventually correct"). */
    function setupQuestion(root, li, q, number, quiz) {
      // Controls exist only with this script: Check / Try again / Show explanation, the verdict line,
      // Move up / down. The static answer disclosure is for readers without it: the script takes the
      // explanation out of it and removes it.
      var checkBtn = button("check", ["Check"], "ik-btn-primary");
      var retryBtn = button("retry", ["Try again"]);
      var explainBtn = button("explain", ["Show explanation"]);
      retryBtn.hidden = true;
      explainBtn.hidden = true;
      var box = el("div", { "class": "ik-verdict" }, [el("p", { "class": "ik-verdict-head" }, [
        el("span", { "class": "ik-verdict-icon", "aria-hidden": "true" }), " ",
        el("strong", { "class": "ik-verdict-text" }), " ", el("span", { "class": "ik-verdict-msg" })])]);
      box.hidden = true;
      var disclosure = li.querySelector("details.ik-answer");
      var expl = li.querySelector(".ik-expl");
      var hint = li.querySelector("details.ik-hint");
      var anchor = li.querySelector(".ik-num-fb") || disclosure;
      anchor.parentNode.insertBefore(el("div", { "class": "ik-q-actions" }, [checkBtn, " ", retryBtn, " ", explainBtn]), anchor);
      anchor.parentNode.insertBefore(box, anchor);
      each(li.querySelectorAll(".ik-num-fb"), function (p) { box.appendChild(p); });
      disclosure.parentNode.insertBefore(expl, disclosure);
      disclosure.parentNode.removeChild(disclosure);
      expl.hidden = true;
      each(li.querySelectorAll(".ik-opt-fb"), function (p) {
        // A bare "Correct." under the verdict's "Correct." says nothing new: the mark alone, then.
        if (/^(correct|right)[.!]?$/i.test(p.textContent.trim())) {
          p.textContent = "";
          p.setAttribute("data-ik-bare", "");
        }
        p.insertBefore(document.createTextNode(" "), p.firstChild);
        p.insertBefore(el("span", { "class": "ik-opt-mark" }), p.firstChild);
      });
      var list = li.querySelector("ol.ik-order");
      var numIn = li.querySelector("input.ik-num-in");
      // Screen only: paper has no buttons to move.
      if (list) li.querySelector(".ik-q-instr").appendChild(el("span", { "class": "ik-screen-only" }, [ORDERING_BUTTONS]));
      var initialOrder = list ? Array.prototype.slice.call(list.querySelectorAll("li.ik-item")) : [];
      var state = { attempts: 0, first: null, best: 0, explained: false, answer: null };

      function orderItems() { return list.querySelectorAll("li.ik-item"); }
      function refreshMoves() {
        var rows = orderItems(), locked = li.hasAttribute("data-ik-locked");
        each(rows, function (row, k) {
          row.querySelector('[data-ik-action="up"]').disabled = locked || k === 0;
          row.querySelector('[data-ik-action="down"]').disabled = locked || k === rows.length - 1;
        });
      }
      function move(row, step, btn) {
        var rows = Array.prototype.slice.call(orderItems());
        var k = rows.indexOf(row), j = k + step;
        if (j < 0 || j >= rows.length) return;
        list.insertBefore(row, step < 0 ? rows[j] : rows[j].nextSibling);
        refreshMoves();
        // Keep focus on the moved item; at the top or bottom, on its other button.
        if (btn.disabled) btn = row.querySelector(step < 0 ? '[data-ik-action="down"]' : '[data-ik-action="up"]');
        btn.focus();
        IK.announce(root, row.querySelector(".ik-item-text").textContent + ": position " + (j + 1) + " of " + rows.length + ".");
      }
      if (list) {
        each(orderItems(), function (row) {
          var name = row.querySelector(".ik-item-text").textContent;
          var up = button("up", [el("span", { "aria-hidden": "true" }, ["\u2191"]), " Move up"], "ik-btn-small", "Move up: " + name);
          var down = button("down", [el("span", { "aria-hidden": "true" }, ["\u2193"]), " Move down"], "ik-btn-small", "Move down: " + name);
          up.addEventListener("click", function () { move(row, -1, up); });
          down.addEventListener("click", function () { move(row, 1, down); });
          row.appendChild(el("span", { "class": "ik-item-moves" }, [up, down]));
        });
        refreshMoves();
      }
      var inputs = li.querySelectorAll("input, .ik-order button");

      function readAnswer() {
        if (q.type === "single") {
          var picked = li.querySelector("input:checked");
          return picked ? parseInt(picked.value, 10) : null;
        }
        if (q.type === "multiple") {
          var out = [];
          each(li.querySelectorAll("input:checked"), function (inp) { out.push(parseInt(inp.value, 10)); });
          return out;
        }
        if (q.type === "numeric") return numIn.value;
        var order = [];
        each(orderItems(), function (row) { order.push(parseInt(row.getAttribute("data-ik-item"), 10)); });
        return order;
      }

      /** Put a saved answer back into the form (the inverse of readAnswer). */
      function writeAnswer(answer) {
        if (q.type === "single" || q.type === "multiple") {
          var picks = q.type === "single" ? [answer] : answer || [];
          each(li.querySelectorAll("input"), function (inp) { inp.checked = picks.indexOf(parseInt(inp.value, 10)) >= 0; });
        } else if (q.type === "numeric") {
          numIn.value = answer === null || answer === undefined ? "" : String(answer);
        } else {
          var byItem = {};
          each(orderItems(), function (row) { byItem[row.getAttribute("data-ik-item")] = row; });
          each(answer || [], function (item) { if (byItem[item]) list.appendChild(byItem[item]); });
          refreshMoves();
        }
      }

      function lock(locked) {
        if (locked) li.setAttribute("data-ik-locked", ""); else li.removeAttribute("data-ik-locked");
        each(inputs, function (inp) { inp.disabled = locked; });
        if (list) refreshMoves();
      }

      function clearFeedback() {
        each(li.querySelectorAll(".ik-opt-fb, .ik-num-fb"), function (p) { p.hidden = true; });
        each(li.querySelectorAll(".ik-opt"), function (row) { row.classList.remove("ik-opt-right", "ik-opt-wrong"); });
        box.hidden = true;
        expl.hidden = true;
        explainBtn.hidden = true;
        li.removeAttribute("data-ik-verdict");
      }

      function showExplanation(announce) {
        expl.hidden = false;
        explainBtn.hidden = true;
        state.explained = true;
        li.setAttribute("data-ik-explained", "");
        if (announce) IK.announce(root, "Question " + number + ": " + expl.textContent);
      }

      /** Show verdict v (already counted); say it unless restoring. Returns what was said. */
      function render(v, quiet) {
        clearFeedback();
        li.setAttribute("data-ik-verdict", v.status);
        box.className = "ik-verdict ik-" + v.status;
        box.querySelector(".ik-verdict-icon").textContent = ICONS[v.status];
        box.querySelector(".ik-verdict-text").textContent = HEADLINES[v.status];
        box.querySelector(".ik-verdict-msg").textContent = v.message;
        box.hidden = false;
        var said = ["Question " + number + ": " + HEADLINES[v.status]];
        if (v.message) said.push(v.message);
        if (v.status === "invalid") return said;
        if (q.type === "single" || q.type === "multiple") {
          each(li.querySelectorAll(".ik-opt"), function (row) {
            var pos = parseInt(row.querySelector("input").value, 10);
            if (v.chosen.indexOf(q.order[pos]) < 0) return;
            var right = q.correct[pos] === true;
            row.classList.add(right ? "ik-opt-right" : "ik-opt-wrong");
            var fb = row.querySelector(".ik-opt-fb");
            var bare = fb.hasAttribute("data-ik-bare");
            fb.querySelector(".ik-opt-mark").textContent = (right ? "\u2713 Right choice" : "\u2717 Wrong choice") + (bare ? "." : ":");
            fb.hidden = false;
            said.push(fb.textContent);
          });
        } else if (q.type === "numeric") {
          var sel = v.status === "correct" ? '[data-ik-fb="correct"]' :
            (v.mistake >= 0 ? '[data-ik-mistake="' + v.mistake + '"]' : '[data-ik-fb="incorrect"]');
          var nfb = li.querySelector(sel);
          nfb.hidden = false;
          said.push(nfb.textContent);
        }
        if (v.status === "correct" || state.attempts >= 2 || state.explained) {
          showExplanation(false);
          said.push(expl.textContent);
        } else {
          // First wrong try: the hint, and the explanation only on request.
          if (hint) {
            hint.open = true;
            said.push("Hint: " + hint.querySelector("p").textContent);
          }
          explainBtn.hidden = false;
        }
        lock(true);
        checkBtn.hidden = true;
        retryBtn.hidden = false;
        if (!quiet) retryBtn.focus();
        return said;
      }

      function check() {
        var answer = readAnswer();
        var v = grade(q, answer);
        if (v.status !== "invalid") {
          state.attempts += 1;
          if (state.first === null) state.first = v.score;
          state.best = Math.max(state.best, v.score);
          state.answer = answer;
        }
        var said = render(v, false);
        if (v.status !== "invalid") quiz.changed();
        IK.announce(root, said.join(" "));
        return v;
      }

      function retry() {
        clearFeedback();
        lock(false);
        retryBtn.hidden = true;
        checkBtn.hidden = false;
        var first = li.querySelector("input:checked") || li.querySelector("input, .ik-order button:not([disabled])");
        if (first) first.focus();
      }

      /** Back to the page's first state: nothing chosen, nothing counted. */
      function reset() {
        clearFeedback();
        lock(false);
        retryBtn.hidden = true;
        checkBtn.hidden = false;
        li.removeAttribute("data-ik-explained");
        if (hint) hint.open = false;
        each(li.querySelectorAll("input[type=radio], input[type=checkbox]"), function (inp) { inp.checked = false; });
        if (numIn) numIn.value = "";
        each(initialOrder, function (row) { list.appendChild(row); });
        if (list) refreshMoves();
        state = { attempts: 0, first: null, best: 0, explained: false, answer: null };
      }

      /** Restore a saved state: the answer goes back in the form and its verdict shows again. */
      function restore(saved) {
        if (!saved || typeof saved.attempts !== "number" || saved.attempts < 1) return;
        state = { attempts: saved.attempts, first: saved.first, best: saved.best || 0,
          explained: !!saved.explained, answer: saved.answer };
        try {
          writeAnswer(saved.answer);
          var v = grade(q, readAnswer());
          if (v.status === "invalid") throw new Error("stale answer");
          render(v, true);
        } catch (e) {
          reset(); // the question changed since the answer was saved: start it afresh
        }
      }

      checkBtn.addEventListener("click", check);
      retryBtn.addEventListener("click", retry);
      explainBtn.addEventListener("click", function () {
        showExplanation(true);
        quiz.changed();
        retryBtn.focus(); // the button hid itself: focus stays in the question, on its neighbour
      });
      if (numIn) {
        numIn.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter") { ev.preventDefault(); check(); }
        });
      }
      return {
        id: q.id,
        state: function () { return state; },
        restore: restore,
        reset: reset
      };
    }

    /* ---- generated variants: "New numbers" (issue 23) --------------------------------------------
     * A generated question (immunokit.quiz.generators) carries its public practice variants: the first
     * shown, the others as <template class="ik-variant"> fieldsets, their grading data in q.variants.
     * "New numbers" swaps in the next variant and sets it up like any question. The score carries over:
     * the first try of the first variant stays the first-try score, the best over all variants the best;
     * the variant shown is saved with the question's progress. */
    function variantQuestion(root, li, q, number, quiz, inner, pristine) {
      var fieldsets = [pristine];
      each(li.querySelectorAll("template.ik-variant"), function (t) { fieldsets.push(t.content.querySelector("fieldset")); });
      var count = Math.min(fieldsets.length, q.variants.length);
      var k = 0, carried = null;
      var newBtn = button("new-numbers", ["New numbers"], "ik-btn-small");
      var note = el("span", { "class": "ik-variant-note" }, []);
      li.appendChild(el("p", { "class": "ik-variant-bar" }, [newBtn, " ", note]));
      function label() { note.textContent = "Practice variant " + (k + 1) + " of " + count + "."; }
      function show(j) {
        var fresh = fieldsets[j].cloneNode(true);
        li.replaceChild(fresh, li.querySelector("fieldset"));
        k = j;
        inner = setupQuestion(root, li, q.variants[j], number, quiz);
        var keyList = root.querySelector(".ik-quiz-key ol");
        var keyItem = keyList ? keyList.children[number - 1] : null;
        if (keyItem) {
          keyItem.textContent = "";
          each(fieldsets[j].querySelectorAll(".ik-key, .ik-expl"), function (part) { keyItem.appendChild(part.cloneNode(true)); });
        }
        label();
      }
      function state() {
        var s = inner.state();
        if (!carried) { s.variant = k; return s; }
        if (s.attempts < 1) {
          return { attempts: carried.attempts, first: carried.first, best: carried.best, explained: false,
            answer: null, variant: k, fresh: true };
        }
        return { attempts: carried.attempts + s.attempts, first: carried.first, best: Math.max(carried.best, s.best),
          explained: s.explained, answer: s.answer, variant: k };
      }
      newBtn.addEventListener("click", function () {
        var s = state();
        carried = s.attempts > 0 ? { attempts: s.attempts, first: s.first, best: s.best } : null;
        show((k + 1) % count);
        quiz.changed();
        IK.announce(root, "Question " + number + ": new numbers, practice variant " + (k + 1) + " of " + count + ".");
        var first = li.querySelector("fieldset input");
        if (first) first.focus();
      });
      label();
      return {
        id: q.id,
        state: state,
        restore: function (saved) {
          if (!saved) return;
          if (typeof saved.variant === "number" && saved.variant > 0 && saved.variant < count) show(saved.variant);
          if (saved.fresh) {
            carried = { attempts: saved.attempts, first: saved.first, best: saved.best || 0 };
            return;
          }
          carried = null;
          inner.restore(saved);
        },
        reset: function () { carried = null; inner.reset(); }
      };
    }

    /** Saved progress: one localStorage entry per quiz and page; silently absent if storage is off. */
    var STORE_PREFIX = "immunokit:quiz:";
    function storeKey(root) { return STORE_PREFIX + window.location.pathname + "#" + root.id; }
    function load(root) {
      try { return JSON.parse(window.localStorage.getItem(storeKey(root)) || "null"); } catch (e) { return null; }
    }
    function save(root, data) {
      try {
        if (data === null) window.localStorage.removeItem(storeKey(root));
        else window.localStorage.setItem(storeKey(root), JSON.stringify(data));
      } catch (e) { /* storage full or disabled: progress lasts until the page closes */ }
    }

    IK.register("quiz", function (root) {
      var data = JSON.parse(root.querySelector("script.ik-quiz-data").textContent);
      var scoreBox = root.querySelector(".ik-quiz-score");
      var total = data.questions.length;
      var questions = [];
      var resetBtn = button("reset", ["Reset this quiz"], "ik-btn-small");
      var quiz = {
        changed: function () {
          var first = 0, best = 0, answered = 0, saved = {};
          each(questions, function (qq) {
            var s = qq.state();
            if (s.attempts < 1) return;
            answered++;
            first += s.first;
            best += s.best;
            saved[qq.id] = s;
          });
          scoreBox.querySelector(".ik-score-value").textContent = formatScore(first);
          scoreBox.querySelector(".ik-score-best").textContent = formatScore(best);
          scoreBox.querySelector(".ik-score-answered").textContent = String(answered);
          root.setAttribute("data-ik-score", String(first));
          root.setAttribute("data-ik-score-best", String(best));
          resetBtn.hidden = answered === 0;
          save(root, answered ? { v: 1, questions: saved } : null);
        }
      };
      // The score line: first tries apart from the best reached, and a visible reset.
      scoreBox.textContent = "";
      scoreBox.appendChild(el("span", { "class": "ik-score-line" }, [
        "Score on first tries: ", el("span", { "class": "ik-score-value" }, ["0"]), " of " + total + ". ",
        el("span", { "class": "ik-score-note" }, ["Eventually correct: ", el("span", { "class": "ik-score-best" }, ["0"]),
          " of " + total + " (questions answered: ", el("span", { "class": "ik-score-answered" }, ["0"]),
          "). Saved in this browser."])]));
      scoreBox.appendChild(document.createTextNode(" "));
      scoreBox.appendChild(resetBtn);
      resetBtn.addEventListener("click", function () {
        each(questions, function (qq) { qq.reset(); });
        quiz.changed();
        IK.announce(root, "Quiz reset: answers and scores cleared.");
        var first = root.querySelector("li.ik-q input, li.ik-q button:not([disabled])");
        if (first) first.focus();
      });
      // For paper: every answer and explanation, copied from the static disclosures before the
      // questions take them over, printed after the quiz only if the reader asks for it.
      var key = el("div", { "class": "ik-quiz-key" }, [el("p", { "class": "ik-quiz-title" }, ["Answers"])]);
      var keyList = el("ol", {}, []);
      each(root.querySelectorAll("li.ik-q details.ik-answer"), function (d) {
        var item = el("li", {}, []);
        each(d.querySelectorAll(".ik-key, .ik-expl"), function (part) { item.appendChild(part.cloneNode(true)); });
        keyList.appendChild(item);
      });
      key.appendChild(keyList);
      key.hidden = true;
      var printBox = el("input", { type: "checkbox", id: root.id + "-print" }, []);
      printBox.addEventListener("change", function () {
        if (printBox.checked) root.setAttribute("data-ik-print-answers", "");
        else root.removeAttribute("data-ik-print-answers");
      });
      scoreBox.appendChild(document.createTextNode(" "));
      scoreBox.appendChild(el("span", { "class": "ik-print-choice" }, [printBox, el("label", { "for": printBox.id }, ["Print the answers"])]));
      each(root.querySelectorAll("li.ik-q"), function (li, n) {
        var pristine = li.hasAttribute("data-ik-variants") ? li.querySelector("fieldset").cloneNode(true) : null;
        var handle = setupQuestion(root, li, data.questions[n], n + 1, quiz);
        questions.push(pristine ? variantQuestion(root, li, data.questions[n], n + 1, quiz, handle, pristine) : handle);
      });
      root.insertBefore(key, scoreBox.nextSibling);
      var saved = load(root);
      if (saved && saved.v === 1 && saved.questions) {
        each(questions, function (qq) { qq.restore(saved.questions[qq.id]); });
      }
      quiz.changed();
      var nojs = root.querySelector(".ik-quiz-nojs");
      if (nojs) nojs.hidden = true;
      scoreBox.hidden = false;
    });

    IK.quiz = { grade: grade, parseNumber: parseNumber, formatScore: formatScore };

    // Bring each quiz to life as soon as the parser has finished it, instead of at DOMContentLoaded,
    // which waits for the theme's deferred scripts. A quiz is complete when its grading data (its
    // last child) parses as JSON; a part-parsed text never does.
    if (document.readyState === "loading" && window.MutationObserver) {
      var early = new MutationObserver(function () {
        each(document.querySelectorAll('section[data-ik="quiz"]:not([data-ik-ready]):not([data-ik-early])'), function (root) {
          var data = root.querySelector("script.ik-quiz-data");
          if (!data) return;
          try { JSON.parse(data.textContent); } catch (e) { return; }
          root.setAttribute("data-ik-early", "");  // one early attempt; IK.init retries at DOMContentLoaded
          IK.components.quiz(root);
          root.setAttribute("data-ik-ready", "true");
        });
      });
      early.observe(document, { childList: true, subtree: true });
      document.addEventListener("DOMContentLoaded", function () { early.disconnect(); });
    }
  })();

  /* ---- calculator ---- */
  /* Grading calculators (immunokit.toxicity). The page embeds, as JSON, the verdict of every
   * combination of inputs, computed by the Python grading functions; this code only reads the form,
   * looks the combination up and shows the stored grade and reason. It never grades anything itself. */
  IK.register("calculator", function (root) {
    var form = root.querySelector("form");
    var out = root.querySelector(".ik-calc-result");
    var script = root.querySelector("script.ik-calc-data");
    if (!form || !out || !script) return;
    var data = JSON.parse(script.textContent);

    function valueOf(name) {
      var el = form.elements.namedItem(name);
      if (!el) throw new Error("calculator: no form control named " + name);
      if (el.type === "checkbox") return el.checked ? "true" : "false";
      return el.value;
    }

    function keyValue(name) {
      var derived = data.derived && data.derived[name];
      if (!derived) return valueOf(name);
      return derived.table[derived.from.map(valueOf).join("|")];
    }

    function render() {
      var key = data.keys.map(keyValue).join("|");
      var idx = data.table[key];
      if (idx === undefined) throw new Error("calculator: no verdict for " + key);
      var v = data.verdicts[idx];
      var frags = data.fragments;
      var text = v[2].map(function (i) { return frags[i]; }).join("");
      var grade = out.querySelector(".ik-calc-grade");
      var reason = out.querySelector(".ik-calc-reason");
      grade.textContent = frags[v[1]];
      reason.textContent = text;
      root.setAttribute("data-ik-grade", String(v[0]));
    }

    form.addEventListener("change", render);
    form.addEventListener("input", render);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    root.classList.add("ik-js");
    render();
    out.hidden = false; // hidden in the static HTML, where it could not follow the form
  });

  /* ---- sortable ---- */
  /* Sortable tables: each column header of a table inside [data-ik="sortable"] becomes a button;
   * activating it sorts the rows by that column (again: reverses), sets aria-sort on the header and
   * announces the new order. Cells may carry data-sort-value (numbers sort numerically). */
  IK.register("sortable", function (root) {
    var table = root.querySelector("table");
    if (!table || !table.tBodies.length) return;
    var body = table.tBodies[0];
    var headers = table.querySelectorAll("thead th");
    var block = root.parentNode;
    var hint = block && block.querySelector(".ik-sort-hint");
    if (hint) hint.hidden = false; // the headers sort from now on: say so

    function cellValue(row, col) {
      var cell = row.cells[col];
      if (!cell) return "";
      var v = cell.getAttribute("data-sort-value");
      return v === null ? cell.textContent.trim() : v;
    }

    function sortBy(col, th, button) {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = rows.every(function (r) {
        var v = cellValue(r, col);
        return v !== "" && !isNaN(Number(v));
      });
      rows.forEach(function (r, i) { r.setAttribute("data-ik-order", String(i)); });
      rows.sort(function (a, b) {
        var x = cellValue(a, col), y = cellValue(b, col), c;
        if (numeric) c = Number(x) - Number(y);
        else c = x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
        if (c === 0) c = Number(a.getAttribute("data-ik-order")) - Number(b.getAttribute("data-ik-order"));
        return dir === "ascending" ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      IK.announce(root, "Sorted by " + button.textContent.trim() + ", " + dir + ".");
    }

    Array.prototype.forEach.call(headers, function (th, col) {
      if (th.hasAttribute("data-ik-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ik-sort-btn";
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement("span");
      icon.className = "ik-sort-icon";
      icon.setAttribute("aria-hidden", "true");
      button.appendChild(icon);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(col, th, button); });
    });

    /* Key columns by default: a table whose columns are not all key columns (class ik-col-extra on
     * their cells) shows the key columns only, with a toggle button (aria-pressed) to show every column.
     * The CSS hides ik-col-extra only under .ik-key-cols and only on screen, so print and pages without
     * this script show all columns; the row header (the trial) is never an extra column. */
    var extraHeads = Array.prototype.filter.call(headers, function (h) {
      return h.classList.contains("ik-col-extra");
    });
    if (extraHeads.length) {
      var names = function (list) {
        return list.map(function (h) { return h.textContent.trim(); }).join(", ");
      };
      var keyHeads = Array.prototype.filter.call(headers, function (h) {
        return !h.classList.contains("ik-col-extra");
      });
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "ik-btn ik-cols-toggle";
      toggle.setAttribute("aria-pressed", "false");
      toggle.setAttribute("aria-controls", root.id || "");
      toggle.textContent = "Show all " + headers.length + " columns";
      root.parentNode.insertBefore(toggle, root);
      root.classList.add("ik-key-cols");
      toggle.addEventListener("click", function () {
        var all = toggle.getAttribute("aria-pressed") !== "true";
        toggle.setAttribute("aria-pressed", all ? "true" : "false");
        root.classList.toggle("ik-key-cols", !all);
        IK.announce(root, all
          ? "Showing all " + headers.length + " columns; added: " + names(extraHeads) + "."
          : "Showing the " + keyHeads.length + " key columns: " + names(keyHeads) + ".");
      });
    }
    root.classList.add("ik-js");
  });

  /* ---- glossary terms: the definition on hover or keyboard focus ----------------------------
   * A {term} link goes to the glossary page. On hover or focus the definition (the <dd> after the
   * term's <dt> on that page, fetched once from the same site) shows in a tooltip under the link,
   * named by aria-describedby; Escape closes it, and pointing at the tooltip keeps it open. Where the
   * glossary cannot be fetched (a file:// page) the link simply works as a link. */
  (function () {
    var pages = {};
    var tip = null, owner = null, hideTimer = 0, seq = 0;

    function definition(link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      var id = decodeURIComponent(url.hash.slice(1));
      var page = url.href.split("#")[0];
      if (!pages[page]) {
        pages[page] = window.fetch(page).then(function (r) {
          if (!r.ok) throw new Error("glossary " + r.status);
          return r.text();
        }).then(function (text) { return new DOMParser().parseFromString(text, "text/html"); });
      }
      return pages[page].then(function (doc) {
        var dt = doc.getElementById(id);
        var dd = dt;
        while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
        return dd ? dd.textContent.replace(/\s+/g, " ").trim() : "";
      });
    }

    function hide() {
      window.clearTimeout(hideTimer);
      if (!tip) return;
      if (owner) owner.removeAttribute("aria-describedby");
      tip.hidden = true;
      owner = null;
    }

    function show(link) {
      window.clearTimeout(hideTimer);
      if (owner === link) return;
      var mine = ++seq;
      definition(link).then(function (text) {
        if (!text || mine !== seq) return;
        if (!tip) {
          tip = document.createElement("div");
          tip.id = "ik-term-tip";
          tip.className = "ik-term-tip";
          tip.setAttribute("role", "tooltip");
          tip.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
          tip.addEventListener("mouseleave", function () { hideTimer = window.setTimeout(hide, 300); });
          document.body.appendChild(tip);
        }
        hide();
        tip.textContent = text;
        tip.hidden = false;
        var box = link.getBoundingClientRect();
        var width = Math.min(352, document.documentElement.clientWidth - 16);
        tip.style.maxWidth = width + "px";
        tip.style.left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8)) + "px";
        tip.style.top = box.bottom + window.scrollY + 6 + "px";
        owner = link;
        link.setAttribute("aria-describedby", tip.id);
      }, function () { /* no glossary to read: the link still works */ });
    }

    IK.initTerms = function (root) {
      var links = (root || document).querySelectorAll('a.reference.internal[href*="#term-"]:not([data-ik-term])');
      Array.prototype.forEach.call(links, function (link) {
        if (link.closest(".ik-term-tip, dl.glossary")) return;
        link.setAttribute("data-ik-term", "");
        link.addEventListener("mouseenter", function () { show(link); });
        link.addEventListener("focus", function () { show(link); });
        link.addEventListener("mouseleave", function () { hideTimer = window.setTimeout(hide, 300); });
        link.addEventListener("blur", hide);
      });
    };
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && owner) hide();
    });
  })();

  /* ---- figures full size ---------------------------------------------------------------------
   * Figure text is small on a phone: each figure is a button that opens it in a dialog, first fitted to
   * the screen's width (the whole figure in view), then on request ("Enlarge", aria-pressed) at twice
   * its drawn size, scrollable in both directions; Escape or Close shuts it and focus returns to the
   * figure. */
  (function () {
    var dialog = null;
    function open(img, opener) {
      if (!dialog) {
        dialog = document.createElement("dialog");
        dialog.className = "ik-zoom";
        dialog.setAttribute("aria-label", "Figure at full size");
        var close = document.createElement("button");
        close.type = "button";
        close.className = "ik-btn ik-zoom-close";
        close.textContent = "Close";
        close.addEventListener("click", function () { dialog.close(); });
        var enlarge = document.createElement("button");
        enlarge.type = "button";
        enlarge.className = "ik-btn ik-zoom-enlarge";
        enlarge.textContent = "Enlarge";
        enlarge.setAttribute("aria-pressed", "false");
        enlarge.addEventListener("click", function () {
          var big = enlarge.getAttribute("aria-pressed") !== "true";
          enlarge.setAttribute("aria-pressed", big ? "true" : "false");
          size(dialog.querySelector(".ik-zoom-img"), big);
        });
        var bar = document.createElement("div");
        bar.className = "ik-zoom-bar";
        bar.appendChild(close);
        bar.appendChild(enlarge);
        var area = document.createElement("div");
        area.className = "ik-zoom-area";
        dialog.appendChild(bar);
        dialog.appendChild(area);
        dialog.addEventListener("click", function (ev) { if (ev.target === dialog) dialog.close(); });
        dialog.addEventListener("close", function () {
          if (dialog.ikOpener) dialog.ikOpener.focus();
        });
        document.body.appendChild(dialog);
      }
      var area2 = dialog.querySelector(".ik-zoom-area");
      area2.textContent = "";
      var big = document.createElement("img");
      big.src = img.currentSrc || img.src;
      big.alt = img.alt;
      big.className = "ik-img ik-zoom-img";
      big.ikDrawn = img.naturalWidth || img.getBoundingClientRect().width;
      dialog.querySelector(".ik-zoom-enlarge").setAttribute("aria-pressed", "false");
      area2.appendChild(big);
      dialog.ikOpener = opener;
      dialog.showModal();
      size(big, false); // the dialog's width is known once it is open
      dialog.querySelector(".ik-zoom-close").focus();
    }
    /** The figure fitted to the dialog's width, or (enlarged) at twice its drawn size. */
    function size(big, enlarged) {
      var fit = dialog.querySelector(".ik-zoom-area").clientWidth;
      big.style.width = (enlarged ? Math.max(big.ikDrawn * 2, fit) : fit) + "px";
    }
    IK.initZoom = function (root) {
      var imgs = (root || document).querySelectorAll("img.ik-img:not([data-ik-zoom])");
      Array.prototype.forEach.call(imgs, function (img) {
        img.setAttribute("data-ik-zoom", "");
        if (typeof HTMLDialogElement === "undefined") return;
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "ik-zoom-btn";
        btn.title = "Show this figure full size";
        // A figure with a phone rendering is a <picture>: the button wraps it whole, sources and all.
        var shown = img.parentNode.tagName === "PICTURE" ? img.parentNode : img;
        shown.parentNode.insertBefore(btn, shown);
        btn.appendChild(shown); // the button's name is the figure's alt text
        btn.addEventListener("click", function () { open(img, btn); });
      });
    };
  })();

  /* ---- theme navigation: the buttons a reader sees open the drawers ---------------------------
   * pydata-sphinx-theme binds its drawer handlers to the FIRST .primary-toggle / .secondary-toggle of
   * the page, hidden copies in .bd-header; the copies sphinx-book-theme shows in .bd-header-article had
   * only tooltips, so on phones and tablets the navigation could not be opened (on desktop the visible
   * ☰ did not collapse the sidebar either). Each visible copy forwards its click to the bound one (the
   * themes' own code then opens the drawer, or collapses the sidebar on wide screens); the open drawer
   * gets a name and a Close button, and focus returns to the button that opened it. */
  (function () {
    var NAMES = { primary: "Site navigation", secondary: "On this page" };
    function decorate(dialog, side, opener) {
      if (!dialog || !dialog.open || dialog.querySelector(".ik-drawer-close")) return;
      dialog.setAttribute("aria-label", NAMES[side]);
      var close = document.createElement("button");
      close.type = "button";
      close.className = "ik-btn ik-drawer-close";
      close.textContent = "Close";
      close.setAttribute("aria-label", "Close " + NAMES[side].toLowerCase());
      close.addEventListener("click", function () { dialog.close(); });
      dialog.insertBefore(close, dialog.firstChild);
      dialog.addEventListener("close", function () {
        // The theme has moved the drawer's content back to the sidebar by now, this button with it.
        if (close.parentNode) close.parentNode.removeChild(close);
        if (opener && document.contains(opener)) opener.focus();
      }, { once: true });
    }
    IK.initThemeToggles = function () {
      ["primary", "secondary"].forEach(function (side) {
        var all = document.querySelectorAll("." + side + "-toggle");
        var bound = all[0];
        var dialog = document.getElementById("pst-" + side + "-sidebar-modal");
        Array.prototype.forEach.call(all, function (btn, k) {
          if (k === 0 || btn.hasAttribute("data-ik-toggle")) return;
          btn.setAttribute("data-ik-toggle", "");
          btn.setAttribute("aria-label", NAMES[side]);
          btn.addEventListener("click", function (ev) {
            ev.preventDefault();
            bound.click();
            decorate(dialog, side, btn);
          });
        });
      });
    };
  })();

  /* ---- written answers: kept in this browser, like the quiz's answers ----------------------
   * A written question's text area (immunokit.quiz.written) keeps what the reader typed in
   * localStorage, one entry per page and text area, restored when the page loads again. */
  IK.initWritten = function (root) {
    var areas = (root || document).querySelectorAll(".ik-written textarea[id]:not([data-ik-saved])");
    Array.prototype.forEach.call(areas, function (area) {
      var key = "immunokit:written:" + window.location.pathname + "#" + area.id;
      area.setAttribute("data-ik-saved", "");
      try {
        var saved = window.localStorage.getItem(key);
        if (saved !== null && !area.value) area.value = saved;
      } catch (e) { /* storage off: the text lasts until the page closes */ }
      area.addEventListener("input", function () {
        try {
          if (area.value) window.localStorage.setItem(key, area.value);
          else window.localStorage.removeItem(key);
        } catch (e) { /* storage full or off */ }
      });
    });
  };

  /* ---- start ------------------------------------------------------------------------------- */
  function start() {
    IK.init(document);
    IK.initTerms(document);
    IK.initZoom(document);
    IK.initThemeToggles();
    IK.initWritten(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    window.setTimeout(start);
  }
})();
