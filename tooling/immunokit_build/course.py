"""Where the course lives: one setting, read from the environment, used by everything that links to it.

``IMMUNOKIT_REPOSITORY_URL``
    The web address of the course's git repository, e.g. ``https://github.com/ORG/leukemia-immunotherapy``.
    The GitHub Pages workflow sets it to the repository it runs in; a fork or an institution sets its own.
``IMMUNOKIT_REPOSITORY_BRANCH``
    The branch launch links open (default ``main``).
``IMMUNOKIT_BINDERHUB_URL``
    The BinderHub that launch links use (default ``https://mybinder.org``).
``IMMUNOKIT_JUPYTERHUB_URL``
    An institution's JupyterHub with nbgitpuller; adds a JupyterHub launch link (no default).

Where the book is published is a second setting, :func:`site_url`: ``html.baseurl`` in ``_config.yml``,
else the environment variable ``BOOK_BASE_URL`` (the GitHub Pages workflow sets it). The published site
serves the toolkit as a package index (:mod:`immunokit_build.siteindex`), and the first cell of every
notebook installs from it (:mod:`immunokit_build.bootstrap`).

Unset, nothing is made up: the book shows no repository or launch button, and notebooks install the
toolkit only from a wheel beside them (the course bundle).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

URL_VARIABLE = "IMMUNOKIT_REPOSITORY_URL"
BRANCH_VARIABLE = "IMMUNOKIT_REPOSITORY_BRANCH"
BINDERHUB_VARIABLE = "IMMUNOKIT_BINDERHUB_URL"
JUPYTERHUB_VARIABLE = "IMMUNOKIT_JUPYTERHUB_URL"
#: The published site's address (also read by :mod:`immunokit_build.sphinx.sitemeta`).
SITE_VARIABLE = "BOOK_BASE_URL"

DEFAULT_BRANCH = "main"
DEFAULT_BINDERHUB = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
#: Folder name of a clone (the how-to-use page's command) and stem of the course bundle.
FOLDER = "leukemia-immunotherapy"

_BRANCH = re.compile(r"^[A-Za-z0-9._/-]+$")


class SettingError(ValueError):
    """An environment variable of the setting holds something unusable (the message names it)."""


def _web_url(name: str, value: str) -> str:
    value = value.strip().rstrip("/")
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.hostname or " " in value:
        raise SettingError(
            f"{name} must be an https:// address, e.g. https://github.com/ORG/REPO; got {value!r}"
        )
    return value


@dataclass(frozen=True)
class Repository:
    """The course's repository (web address without ``.git``) and branch."""

    url: str
    branch: str = DEFAULT_BRANCH

    @property
    def provider(self) -> str | None:
        """``github`` or ``gitlab`` for an ``https://github.com/ORG/REPO`` (or gitlab.com) address."""
        parsed = urlparse(self.url)
        parts = [p for p in parsed.path.split("/") if p]
        hosts = {"github.com": "github", "gitlab.com": "gitlab"}
        return hosts.get(parsed.hostname or "") if len(parts) == 2 else None

    @property
    def name(self) -> str:
        """The repository's name (the last part of its address)."""
        return self.url.rsplit("/", 1)[-1]

    @property
    def clone_command(self) -> str:
        return f"git clone --branch {self.branch} {self.url}.git {FOLDER} && cd {FOLDER}"

    @property
    def org_repo(self) -> tuple[str, str]:
        parts = [p for p in urlparse(self.url).path.split("/") if p]
        return parts[-2], parts[-1]

    def binder_url(self, path: str, binderhub: str = DEFAULT_BINDERHUB) -> str | None:
        """Binder link opening ``path`` (relative to the repository) in JupyterLab; the theme's format."""
        org, repo = self.org_repo
        if self.provider == "github":
            base = f"{binderhub}/v2/gh/{org}/{repo}/{self.branch}"
        elif self.provider == "gitlab":
            base = f"{binderhub}/v2/gl/{org}%2F{repo}/{self.branch}"
        else:
            base = f"{binderhub}/v2/git/{quote(self.url, safe='')}/{self.branch}"
        return f"{base}?urlpath=lab/tree/{path}"

    def colab_url(self, path: str) -> str | None:
        """Colab link opening ``path`` from GitHub (None for other hosts: Colab reads GitHub only)."""
        if self.provider != "github":
            return None
        org, repo = self.org_repo
        return f"{COLAB}/github/{org}/{repo}/blob/{self.branch}/{path}"

    def jupyterhub_url(self, path: str, hub: str) -> str:
        """nbgitpuller link: clone or update the repository on ``hub`` and open ``path``."""
        query = urlencode(
            {"repo": self.url, "urlpath": f"lab/tree/{self.name}/{path}", "branch": self.branch}, safe="/"
        )
        return f"{hub}/hub/user-redirect/git-pull?{query}"


def repository(environ: Mapping[str, str] | None = None) -> Repository | None:
    """The setting from ``environ`` (default: the process environment), or None when it is unset.

    Raises :class:`SettingError` naming the variable when a value is unusable.
    """
    env = os.environ if environ is None else environ
    raw = env.get(URL_VARIABLE, "").strip()
    if not raw:
        return None
    url = _web_url(URL_VARIABLE, raw)
    if url.endswith(".git"):
        url = url[: -len(".git")]
    branch = env.get(BRANCH_VARIABLE, "").strip() or DEFAULT_BRANCH
    if not _BRANCH.match(branch) or ".." in branch:
        raise SettingError(f"{BRANCH_VARIABLE} must be a git branch name; got {branch!r}")
    return Repository(url, branch)


def binderhub(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    raw = env.get(BINDERHUB_VARIABLE, "").strip()
    return _web_url(BINDERHUB_VARIABLE, raw) if raw else DEFAULT_BINDERHUB


def jupyterhub(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    raw = env.get(JUPYTERHUB_VARIABLE, "").strip()
    return _web_url(JUPYTERHUB_VARIABLE, raw) if raw else None


def _site(name: str, value: str) -> str:
    value = value.strip()
    parsed = urlparse(value)
    local = parsed.hostname in ("127.0.0.1", "localhost")
    if (
        not parsed.hostname
        or " " in value
        or parsed.scheme not in (("http", "https") if local else ("https",))
    ):
        raise SettingError(
            f"{name} must be an https:// address, e.g. https://ORG.github.io/REPO/; got {value!r}"
        )
    return value.rstrip("/") + "/"


def site_url(root: Path | None = None, environ: Mapping[str, str] | None = None, configured: str = "") -> str:
    """The published book's address, ending in ``/`` ("" when unknown).

    ``configured`` (Sphinx's ``html_baseurl``) or ``html.baseurl`` in ``root``'s ``_config.yml`` comes
    first, then ``BOOK_BASE_URL`` (as in :mod:`immunokit_build.sphinx.sitemeta`). A local address
    (``http://127.0.0.1:PORT/``) is accepted for tests; anything else must be https.
    """
    if not configured and root is not None and (root / "_config.yml").is_file():
        import yaml

        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        configured = str((config.get("html") or {}).get("baseurl") or "")
    if configured.strip():
        return _site("html.baseurl", configured)
    env = os.environ if environ is None else environ
    raw = env.get(SITE_VARIABLE, "").strip()
    return _site(SITE_VARIABLE, raw) if raw else ""
