"""The reading-flow transform of the built book (tooling/immunokit_build/sphinx/reading.py), without a build."""

from __future__ import annotations

import json

from immunokit_build.sphinx.reading import is_import_only, reading_tags, retag_notebook


def test_import_only_cells_are_recognised() -> None:
    assert is_import_only("from immunokit.quiz import Quiz\nimport numpy as np\n")
    assert is_import_only(
        "# the toolkit\nfrom immunokit.diagrams import (\n    car_generations,\n    car_t_workflow,\n)\n"
    )
    assert not is_import_only("from immunokit.quiz import Quiz\nquiz = Quiz.from_bank('x.quiz.yml')")
    assert not is_import_only("car_t_workflow()")
    assert not is_import_only("")


def test_tags_removed_collapsed_or_left_as_the_author_chose() -> None:
    assert reading_tags("import numpy as np", []) == ["remove-cell"]
    assert reading_tags("car_t_workflow()", ["NBVAL_CHECK_OUTPUT"]) == ["NBVAL_CHECK_OUTPUT", "hide-input"]
    assert reading_tags("car_t_workflow()", ["show-input"]) == ["show-input"]
    assert reading_tags("import numpy as np", ["remove-input"]) == ["remove-input"]


def test_notebook_retagged_in_memory_and_broken_json_left_alone() -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["# Title"], "metadata": {}},
            {"cell_type": "code", "source": ["from immunokit.quiz import Quiz"], "metadata": {}},
            {"cell_type": "code", "source": "quiz = Quiz.from_bank('a.quiz.yml')\nquiz", "metadata": {}},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    out = json.loads(retag_notebook(json.dumps(nb)))
    assert [c["metadata"].get("tags") for c in out["cells"]] == [None, ["remove-cell"], ["hide-input"]]
    assert out["cells"][2]["source"] == nb["cells"][2]["source"]  # the code (the cache key) is untouched
    assert retag_notebook("{not json") == "{not json"


def test_code_toggle_summary_becomes_valid_and_named_by_its_text() -> None:
    from immunokit_build.sphinx.reading import fix_toggle_summaries

    before = (
        '<details class="admonition hide above-input">\n<summary aria-label="Toggle hidden content">\n'
        '<p class="collapsed admonition-title">Show code cell source</p>\n'
        '<p class="expanded admonition-title">Hide code cell source</p>\n</summary>'
    )
    after = fix_toggle_summaries(before)
    assert "<p" not in after and "aria-label" not in after
    assert '<span class="collapsed admonition-title">Show code cell source</span>' in after


def test_objective_ids_become_anchors_and_running_text_names_them_by_number() -> None:
    from docutils import nodes
    from docutils.core import publish_doctree

    from immunokit_build.sphinx.reading import _objective_ids

    doctree = publish_doctree(
        "- ``ch08-o2`` Grade CRS.\n- ``ch08-o3`` Grade ICANS.\n\n"
        "It exercises objectives ``ch08-o2`` and ``ch08-o3``; ``ch05-o1`` is another chapter's.\n"
    )
    _objective_ids(None, doctree)
    items = list(doctree.findall(nodes.list_item))
    assert [i["ids"] for i in items] == [["ch08-o2"], ["ch08-o3"]]
    assert [i.astext() for i in items] == ["Grade CRS.", "Grade ICANS."]
    paragraph = list(doctree.findall(nodes.paragraph))[-1]
    assert paragraph.astext() == "It exercises objectives 2 and 3; ch05-o1 is another chapter's."
    links = list(paragraph.findall(nodes.reference))
    assert [(r["refid"], r["reftitle"]) for r in links] == [
        ("ch08-o2", "learning objective ch08-o2"),
        ("ch08-o3", "learning objective ch08-o3"),
    ]
    assert [n.astext() for n in paragraph.findall(nodes.literal)] == ["ch05-o1"]  # not on this page: kept
