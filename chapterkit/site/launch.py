"""Sphinx: a visible "Run this notebook: Binder · Colab · download" line at the top of every notebook page.

The theme's own launch buttons hide behind an unlabelled rocket icon; this line names them. It is built from the
book's ``repository`` (url, branch, path_to_book) and ``launch_buttons`` settings in ``_config.yml``, which Jupyter
Book hands to Sphinx as ``html_theme_options``. Under it, a note says that Colab brings its own library versions
and that the notebook's first code cell compares them with the tested ones.

In the HTML site, "download" is the notebook file itself (copied beside the page, so it works offline); in the
PDF and EPUB, which cannot carry files, it is the file on GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

LOCAL_DOWNLOAD_BUILDERS = {"html", "dirhtml"}
INTERFACE_PREFIX = {"classic": "tree", "jupyterlab": "lab/tree"}
COLAB_NOTE = ("Colab runs the notebook with its own versions of numpy, pandas, scikit-learn and the rest, which "
              "may differ from the ones it was tested with (Binder uses the tested ones, from binder/). "
              "The notebook's first code cell compares them and says so.")


@dataclass(frozen=True)
class Launch:
    """Where a notebook of the repository opens: Binder, Colab and the file itself."""

    owner: str
    name: str
    branch: str
    path: str  # of the notebook, from the repository's root
    binderhub_url: str = "https://mybinder.org"
    colab_url: str = "https://colab.research.google.com"
    interface: str = "jupyterlab"

    @property
    def repository_url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    @property
    def binder(self) -> str:
        prefix = INTERFACE_PREFIX.get(self.interface, INTERFACE_PREFIX["jupyterlab"])
        return (f"{self.binderhub_url.rstrip('/')}/v2/gh/{self.owner}/{self.name}/{quote(self.branch, safe='')}"
                f"?urlpath={quote(f'{prefix}/{self.path}', safe='')}")

    @property
    def colab(self) -> str:
        return (f"{self.colab_url.rstrip('/')}/github/{self.owner}/{self.name}/blob/"
                f"{quote(self.branch, safe='/')}/{quote(self.path, safe='/')}")

    @property
    def github_download(self) -> str:
        return f"{self.repository_url}/raw/{quote(self.branch, safe='/')}/{quote(self.path, safe='/')}"


def github_parts(url: str) -> tuple[str, str] | None:
    """(owner, name) of a https://github.com/OWNER/NAME address, or None."""
    prefix = "https://github.com/"
    if not url.startswith(prefix):
        return None
    parts = url[len(prefix):].strip("/").removesuffix(".git").split("/")
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def launch_for(options: dict[str, Any], notebook: str) -> Launch | None:
    """The launch links of ``notebook`` (a path from the book's root) from the theme options, or None."""
    parts = github_parts(str(options.get("repository_url") or ""))
    if parts is None:
        return None
    buttons = options.get("launch_buttons") or {}
    book = str(options.get("path_to_docs") or "").strip("/")
    path = str(PurePosixPath(book) / notebook) if book else notebook
    return Launch(owner=parts[0], name=parts[1], branch=str(options.get("repository_branch") or "main"),
                  path=path, binderhub_url=str(buttons.get("binderhub_url") or "https://mybinder.org"),
                  colab_url=str(buttons.get("colab_url") or "https://colab.research.google.com"),
                  interface=str(buttons.get("notebook_interface") or "jupyterlab"))


def _link(text: str, url: str) -> nodes.reference:
    return nodes.reference("", text, refuri=url, classes=["chapterkit-launch-link"])


def launch_nodes(launch: Launch, notebook: str, local_download: bool) -> list[nodes.Node]:
    line = nodes.paragraph(classes=["chapterkit-launch"])
    line += nodes.strong(text="Run this notebook: ")
    line += _link("Binder", launch.binder)
    line += nodes.Text(" · ")
    line += _link("Colab", launch.colab)
    line += nodes.Text(" · ")
    if local_download:
        download = addnodes.download_reference("", "", reftarget="/" + notebook, refexplicit=True,
                                               refdomain="", reftype="download", classes=["chapterkit-launch-link"])
        download += nodes.Text("download")
        line += download
    else:
        line += _link("download", launch.github_download)
    note = nodes.paragraph(text=COLAB_NOTE, classes=["chapterkit-launch-note"])
    return [line, note]


def add_launch_line(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    source = Path(env.doc2path(env.docname))
    if source.suffix != ".ipynb":
        return
    notebook = source.relative_to(Path(env.srcdir)).as_posix()
    options = {**(app.config.html_theme_options or {}),
               "launch_buttons": app.config.chapterkit_launch_buttons or {}}
    launch = launch_for(options, notebook)
    if launch is None:
        return
    found = launch_nodes(launch, notebook, app.builder.name in LOCAL_DOWNLOAD_BUILDERS)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        for offset, node in enumerate(found, start=1):
            section.insert(offset, node)
    else:
        for node in reversed(found):
            doctree.insert(0, node)


def remember_launch_buttons(app: Sphinx) -> None:
    """Keep the launch settings: the EPUB build turns the theme's launch buttons off (``chapterkit.formats.ebook``)."""
    app.config.chapterkit_launch_buttons = dict((app.config.html_theme_options or {}).get("launch_buttons") or {})


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("chapterkit_launch_buttons", None, "", types=(dict, type(None)))
    app.connect("builder-inited", remember_launch_buttons, priority=50)
    # Before Sphinx's download collector (priority 500) reads the doctree, so the local download is copied.
    app.connect("doctree-read", add_launch_line, priority=400)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
