"""Inputs as they come: folders and glob patterns (with exclusions), every link of a document (--all-links)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from clirun import one_line_error, run

from citecheck.errors import InputError
from citecheck.sources import expand_inputs, read_document

REFS = "[1] ‘One’, https://a.example.org/x\n"


def tree(root: Path) -> Path:
    files = {
        "docs/intro.md": "1. [One](https://a.example.org/x)\n",
        "docs/deep/refs.bib": "@misc{a, url={https://b.example.org/}}\n",
        "docs/deep/notes.txt": REFS,
        "docs/drafts/old.md": "1. https://c.example.org/\n",
        "docs/.hidden/secret.md": REFS,
        "docs/node_modules/pkg/README.md": REFS,
        "docs/package.json": '{"name": "x", "type": "module"}',
        "docs/library.csl.json": '[{"id": "a", "type": "webpage", "URL": "https://d.example.org/"}]',
        "docs/image.png": "png",
        "docs/Makefile": "all:\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "docs"


def names(paths: list[str], root: Path) -> list[str]:
    return [Path(p).relative_to(root).as_posix() for p in paths]


def test_a_folder_gives_the_reference_files_it_holds(tmp_path):
    docs = tree(tmp_path)
    assert names(expand_inputs([str(docs)]), docs) == [
        "intro.md", "library.csl.json", "deep/notes.txt", "deep/refs.bib", "drafts/old.md"]


def test_exclusions_and_patterns(tmp_path):
    docs = tree(tmp_path)
    assert names(expand_inputs([str(docs)], ("drafts/**", "*.bib")), docs) == [
        "intro.md", "library.csl.json", "deep/notes.txt"]
    # a pattern skips dependency folders too (hidden ones are glob's own rule)
    assert names(expand_inputs([f"{docs}/**/*.md"]), docs) == ["drafts/old.md", "intro.md"]
    # a file named explicitly is read whatever it is called and whatever is excluded; each input once
    assert names(expand_inputs([str(docs / "Makefile")], ("*",)), docs) == ["Makefile"]
    assert names(expand_inputs([str(docs / "intro.md"), str(docs)], ("deep/*", "drafts/*", "*.json")), docs) == [
        "intro.md"]
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([f"{docs}/**/*.rst"])
    with pytest.raises(InputError, match="all excluded"):
        expand_inputs([str(docs)], ("*",))


def test_inputs_that_are_not_files_are_left_to_the_reader(tmp_path):
    assert expand_inputs(["-", "https://example.org/article", str(tmp_path / "missing.txt")]) == [
        "-", "https://example.org/article", str(tmp_path / "missing.txt")]


MARKDOWN = """# Tool

A fact.[^1]

[^1]: [The manual](https://tool.example.org/manual) ([archived](https://web.archive.org/web/20010811000000/http://tool.example.org/manual))

## Additional Resources:

* [Product page. (Archived 2001-12-25)](http://web.archive.org/web/20011225205123/http://www.tool.example.org:80/index.asp)
* [Download](https://files.example.org/tool.zip) ([archived](https://web.archive.org/web/20020101000000/https://files.example.org/tool.zip))
* [Mirror](https://mirror.example.net/tool) and https://forum.example.com/t/1
* [The manual again](https://tool.example.org/manual)
* [Cut short](https://savannah.example.org/projects/tool) ([页面存档备份](https://web.archive.org/web/20201111221014/http))

```
https://code.example.com/not-a-link
```
"""


def test_all_links_adds_every_other_link_of_the_document(tmp_path):
    path = tmp_path / "tool.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    assert [r.key for r in read_document(str(path)).references] == ["^1"]
    refs = read_document(str(path), all_links=True).references
    assert [r.key for r in refs] == ["^1", "L9", "L10", "L11", "L11.2", "L13"]
    product, download, mirror, forum, cut = refs[1:]
    assert product.url == "http://www.tool.example.org/index.asp" and product.archive_link.timestamp == "20011225205123"
    assert product.title == "Product page. (Archived 2001-12-25)" and product.number is None
    # a snapshot goes with the original on its line, even one cut short
    assert download.urls == ("https://files.example.org/tool.zip",
                             "https://web.archive.org/web/20020101000000/https://files.example.org/tool.zip")
    assert (mirror.url, forum.url) == ("https://mirror.example.net/tool", "https://forum.example.com/t/1")
    assert cut.url == "https://savannah.example.org/projects/tool" and cut.archive_link.url.endswith("/http")


def test_the_links_left_out_are_counted_and_said(tmp_path):
    """Without --all-links the links outside the reference list are not checked; that is said, not silent."""
    path = tmp_path / "tool.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    assert read_document(str(path)).links_outside == 7  # the 5 lines' links, a snapshot beside its original
    assert read_document(str(path), all_links=True).links_outside == 0
    ran = run("check", str(path), "--offline", "--format", "json", "--output", str(tmp_path / "r.json"))
    note = f"citecheck: note: {path}: 7 links outside its reference list not checked (--all-links checks them)"
    assert note in ran.err.splitlines()
    assert json.loads((tmp_path / "r.json").read_text())["run"]["notes"] == [note.removeprefix("citecheck: note: ")]
    quiet = run("check", str(path), "--offline", "--quiet", "--format", "json", "--output", str(tmp_path / "q.json"))
    assert quiet.err == ""
    # on the terminal the report ends with its notes: not said twice
    terminal = run("check", str(path), "--offline")
    assert "citecheck: note:" not in terminal.err
    assert "7 links outside its reference list not checked (--all-links checks them)" in " ".join(terminal.out.split())


def test_all_links_of_an_html_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>See <a href='https://a.example.org/'>A</a>.</p><h2>References</h2><ol>"
                    "<li><a href='https://b.example.org/'>B</a></li></ol><script>var u='https://js.example/'</script>"
                    "</body></html>", encoding="utf-8")
    refs = read_document(str(path), all_links=True).references
    assert [(r.key, r.url) for r in refs] == [("1", "https://b.example.org/"), ("L1", "https://a.example.org/")]


def _one_line_exit_3(*args):
    ran = run(*args)
    assert ran.returncode == 3, ran.err
    return one_line_error(ran)


def test_a_fifo_a_device_and_a_symlink_loop_are_one_line_and_exit_3(tmp_path):
    fifo = tmp_path / "refs.fifo"
    os.mkfifo(fifo)  # (read, it would wait forever for a writer)
    assert "not a regular file" in _one_line_exit_3("parse", str(fifo))
    assert "not a regular file" in _one_line_exit_3("parse", "/dev/null")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.symlink_to(b)
    b.symlink_to(a)
    assert "symlink loop" in _one_line_exit_3("parse", str(a))


def test_a_broken_bibtex_file_says_nothing_but_citecheck_s_own_words(tmp_path, capfd):
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={Unclosed, url={https://a.example/}\n@article{b, title = {B}, url = {https://b.example/}}\n"
                   "@@@ garbage {{{\n", encoding="utf-8")
    ran = run("parse", str(bib))
    captured = capfd.readouterr()
    assert "bibtexparser" not in captured.err + ran.err and "WARNING" not in captured.err + ran.err
    assert ran.returncode in (0, 3)


def test_a_folder_walk_leaves_out_citecheck_s_own_reports(tmp_path):
    from citecheck.sources import expand_inputs

    (tmp_path / "refs.md").write_text("1. [One](https://a.example/x)\n", encoding="utf-8")
    (tmp_path / "report.html").write_text((Path(__file__).parents[1] / "golden" / "report.html").read_text(
        encoding="utf-8"), encoding="utf-8")
    (tmp_path / "report.md").write_text("# citecheck report\n\n1 references\n\n| [1](https://a.example/x) |\n",
                                        encoding="utf-8")
    assert expand_inputs([str(tmp_path)]) == [str(tmp_path / "refs.md")]
    # named explicitly, a file is always read
    assert expand_inputs([str(tmp_path / "report.html")]) == [str(tmp_path / "report.html")]


def test_a_fifo_in_a_walked_folder_is_refused_in_one_line_not_waited_on(tmp_path):
    # looking for citecheck's own reports must not open a FIFO (it would wait for a writer for ever)
    (tmp_path / "refs.txt").write_text("[1] A, https://a.example/\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    ran = run("parse", str(tmp_path))
    assert ran.returncode == 3 and "not a regular file" in one_line_error(ran)
