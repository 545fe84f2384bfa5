"""The hosting side's workflows: the deploy publishes the site with its repository and launch links, the
test workflow runs the README's test command, and every action is on a current (Node 24) major.

The deploy check builds a small book the way the workflow's job does: its steps in order, each with the
environment the workflow gives it (job ``env`` and step ``env``, the ``${{ }}`` expressions filled with a
fork's values), and reads the links in the HTML the last build left.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from test_launch_book import build, links, small_book, soup

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
#: The first major of each action that runs on Node 24 (GitHub removes Node 20 from its runners).
NODE24_MAJOR = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}
CONTEXT = {
    "github.server_url": "https://github.com",
    "github.repository": "example-org/leukemia-immunotherapy",
    "github.ref_name": "main",
    "vars.IMMUNOKIT_JUPYTERHUB_URL": "",
    "steps.pages.outputs.base_url": "https://example-org.github.io/leukemia-immunotherapy",
}


def workflow(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def evaluated(value: str) -> str:
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: CONTEXT[m.group(1)], str(value))


def step_environments(job: dict) -> list[tuple[str, dict[str, str]]]:  # type: ignore[type-arg]
    """(command, environment) of every ``run`` step of ``job``, as the runner would give them."""
    out = []
    for step in job["steps"]:
        if "run" in step:
            env = {k: evaluated(v) for k, v in {**job.get("env", {}), **step.get("env", {})}.items()}
            out.append((step["run"], env))
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_action_is_on_a_node24_major(name: str) -> None:
    for job in workflow(name)["jobs"].values():
        for step in job["steps"]:
            if "uses" not in step:
                continue
            action, _, ref = step["uses"].partition("@")
            assert action in NODE24_MAJOR, f"{name}: {action} is not known to run on Node 24"
            assert int(ref.lstrip("v").split(".")[0]) >= NODE24_MAJOR[action], f"{name}: {step['uses']}"


def test_the_test_workflow_runs_the_readmes_test_command_on_pull_requests_and_pushes() -> None:
    flow = workflow("test.yml")
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads `on` as True
    assert "pull_request" in triggers and "push" in triggers
    commands = " ".join(step.get("run", "") for job in flow["jobs"].values() for step in job["steps"])
    assert ".ci/run" in commands
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_build_step_of_the_deploy_sees_the_repository_setting() -> None:
    steps = step_environments(workflow("book.yml")["jobs"]["build"])
    building = [(cmd, env) for cmd, env in steps if re.search(r"\bmake (book|pdf)\b|jupyter-book", cmd)]
    assert building, "the deploy workflow builds nothing"
    for command, env in building:
        assert env.get("IMMUNOKIT_REPOSITORY_URL", "").startswith("https://github.com/"), command


@pytest.mark.slow
def test_the_site_built_as_the_deploy_builds_it_keeps_its_launch_links(tmp_path: Path) -> None:
    """Each build step of the workflow rebuilds the same folder with its own environment (as `make pdf`
    rebuilds through `make book`); the last build is what is published."""
    where = small_book(tmp_path)
    steps = step_environments(workflow("book.yml")["jobs"]["build"])
    builds = [env for cmd, env in steps if re.search(r"\bmake (book|pdf)\b", cmd)]
    for env in builds:
        setting = {k: v for k, v in env.items() if k.startswith("IMMUNOKIT_") and v}
        html = build(where, setting)
    page = "book/ch04_bispecific_engagers"
    hrefs = links(soup(html, page))
    assert any(h.startswith("https://mybinder.org/v2/gh/example-org/leukemia-immunotherapy/") for h in hrefs)
    assert any(h.startswith("https://colab.research.google.com/github/example-org/") for h in hrefs)
    assert "https://github.com/example-org/leukemia-immunotherapy" in " ".join(hrefs)
