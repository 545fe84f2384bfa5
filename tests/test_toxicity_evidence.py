"""The pivotal-trial records and their sortable table (immunokit.evidence)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from immunokit.evidence import PIVOTAL_TRIALS, Trial, trial_table

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"


def test_every_trial_cites_an_entry_of_the_bibliography_and_shows_its_author_and_year() -> None:
    keys = set(re.findall(r"^@\w+\{([^,]+),", BIB.read_text(encoding="utf-8"), re.M))
    missing = [t.cite for t in PIVOTAL_TRIALS if t.cite not in keys]
    assert missing == []
    # The Source column comes from the bibliography, never typed beside the key.
    tower = next(t for t in PIVOTAL_TRIALS if t.name == "TOWER")
    assert tower.citation == "Kantarjian et al. 2017"
    assert all(re.fullmatch(r"[A-Z][\w-]+ (et al\.|and [A-Z]\w+) \d{4}", t.citation) for t in PIVOTAL_TRIALS)


def test_table_has_a_row_per_trial_with_column_and_row_headers() -> None:
    page = trial_table().to_html()
    assert 'data-ik="sortable"' in page
    assert page.count('<th scope="col"') == 11
    # Key columns first on screen; the trial (row header) column is always a key column.
    assert page.count('<th scope="col" class="ik-col-extra">') == 5
    assert page.index('<th scope="col">Trial</th>') < page.index('<th scope="col" class="ik-col-extra">')
    assert page.count('<th scope="row">') == len(PIVOTAL_TRIALS)
    for trial in PIVOTAL_TRIALS:
        assert f">{trial.name}</th>" in page
        assert trial.citation in page
    assert 'aria-live="polite"' in page
    assert '<caption class="ik-sr-only">' in page and "not comparable" in page
    # The caption with its warning sits outside the horizontal scroller, so it wraps and stays in view.
    assert page.index("not comparable") < page.index('data-ik="sortable"')


def test_numbers_sort_by_value_not_text() -> None:
    page = trial_table().to_html()
    assert '<td data-label="Patients" data-sort-value="817">817 ' in page


def test_single_arm_and_randomised_trials_are_labelled() -> None:
    page = trial_table().to_html()
    assert "Randomised, phase 3" in page
    assert "Single-arm, phase 2" in page
    assert {t.design for t in PIVOTAL_TRIALS} == {"randomised", "single-arm"}


def test_disease_filter_and_its_errors() -> None:
    table = trial_table(disease="CLL")
    assert {t.disease for t in table.trials} == {"CLL"}
    assert table.cite_keys()[0] == "hallek2010cll8"
    with pytest.raises(ValueError, match=r"matches no trial; the diseases are"):
        trial_table(disease="CML")


def test_bad_records_are_refused_with_the_trial_named() -> None:
    with pytest.raises(ValueError, match="trial 'X': design"):
        Trial("X", "k", 2020, "ALL", "m", "s", "observational", "2", 10, "n", "a", "e", "t")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one trial"):
        trial_table([])


def test_response_ci_reproduces_a_published_exact_interval() -> None:
    from immunokit.evidence import response_ci_spec

    # UCART19 (CALM): 12 of 25 = 48%, published 95% CI 28-69%.
    spec = response_ci_spec(patients=25, observed_rate=0.48)
    assert "12 of 25 = 48%: 95% CI 28% to 69%" in spec.panels[0].notes[0].text
    assert "from 28% to 69%" in spec.alt


def test_response_ci_narrows_with_more_patients() -> None:
    from immunokit.evidence import response_ci_spec

    def width(n: int) -> float:
        bar = response_ci_spec(patients=n, observed_rate=0.73).panels[0].series[-1]
        return bar.y[1] - bar.y[0]

    assert width(11) > width(100) > width(1000)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"patients": 3}, "patients must be a whole number"),
        ({"patients": 12.5}, "patients must be a whole number"),
        ({"observed_rate": 1.2}, "observed_rate must be a proportion"),
    ],
)
def test_response_ci_bad_input(kwargs: dict[str, float], message: str) -> None:
    from immunokit.evidence import response_ci_spec

    with pytest.raises(ValueError, match=message):
        response_ci_spec(**kwargs)  # type: ignore[arg-type]


def test_response_ci_explorer_renders_static_frames_and_a_live_widget() -> None:
    from immunokit.evidence import response_ci_explorer

    explorer = response_ci_explorer()
    page = explorer.to_html()
    assert 'data-ik="frames"' in page and 'data-ik-control="slider"' in page
    assert page.count('class="ik-frame"') == 6
    assert "With 11 patients (8 responders) it runs from 39% to 94%" in page
    # Live: moving the patients slider re-solves; 55 of 100 is 55% with an exact CI of 45% to 65%.
    view = explorer.widget()
    assert view.state.values == {"patients": 11, "observed_rate": 0.73}
    view.set("observed_rate", 0.55)
    state = view.set("patients", 100)
    assert state.spec is not None
    assert "55 of 100 = 55%: 95% CI 45% to 65%" in state.spec.panels[0].notes[0].text
    assert "With 100 patients (55 responders)" in state.spec.alt
    view.close()
