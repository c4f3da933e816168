"""Issue 13, documents: text from the inputs (sources, ids, file names) lands in README.md and DATASHEET.md
escaped, so it can neither hide the card nor inject HTML, images or links; validate checks the rendering."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from dataset_builder.validate import validate_path

from .hostile_helpers import article, changed, playground
from .validate_helpers import refresh_manifest

JSONL = '[[inputs]]\npath = "in"\nformat = "jsonl"\n'
HOSTILE_SOURCES = [
    '<img src="https://tracker.invalid/pixel.png">',
    "[click me](javascript:alert(1))",
    "![pixel](https://tracker.invalid/p.png)",
    "x\r<!-- everything below is hidden",
    "line\r| injected | 999 |",
    "`code` **bold** <b>tag</b> &amp; _under_",
]


def _tokens(text: str):
    def walk(tokens):
        for t in tokens:
            yield t
            yield from walk(t.children or [])
    return list(walk(MarkdownIt("commonmark").enable("table").parse(text)))


def _shown(tokens) -> list[str]:
    """The text each inline run shows once rendered (escapes and entities resolved)."""
    return ["".join(c.content for c in t.children or [] if c.type in ("text", "code_inline"))
            for t in tokens if t.type == "inline"]


def _body(card: str) -> str:
    return card[card.index("\n---\n", 3) + 5:]


@pytest.fixture
def hostile_release(tmp_path):
    ground = playground(tmp_path)
    rows = [{"id": f"doc-{k}", "text": article(k), "source": source} for k, source in enumerate(HOSTILE_SOURCES)]
    rows.append({"id": "z<b>dup</b>", "text": article(0), "source": "ok"})  # a duplicate of doc-0, listed by id
    ground.write("in/a.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    ground.config(JSONL)
    before = ground.state()
    run = ground.build()
    assert run.code == 0, run.output
    assert {p for p in changed(before, ground.state())
            if not p.startswith(("project/dist", "project/DATASHEET.md"))} == set()
    return ground


@pytest.mark.parametrize("name", ["README.md", "DATASHEET.md"])
def test_hostile_sources_and_ids_render_as_text_only(hostile_release, name):
    text = (hostile_release.release / name).read_text("utf-8")
    if name == "README.md":
        text = _body(text)
    tokens = _tokens(text)
    assert [t for t in tokens if t.type in ("html_block", "html_inline")] == []
    hrefs = [t.attrs.get("href") for t in tokens if t.type == "link_open"]
    srcs = [t.attrs.get("src") for t in tokens if t.type == "image"]
    assert all(not h.startswith(("javascript:", "http")) for h in hrefs), hrefs
    assert all(s.startswith("plots/") for s in srcs), srcs
    # each source is shown, literally, in one row of the sources table: none broke out of it
    cells = _shown(tokens)
    for source in HOSTILE_SOURCES:
        assert " ".join(source.replace("\r", " ").split()) in [" ".join(c.split()) for c in cells], source
    assert "z<b>dup</b>" in cells  # the duplicates table shows the id as text


def test_a_comment_from_data_hides_nothing_of_the_card(hostile_release):
    body = _body((hostile_release.release / "README.md").read_text("utf-8"))
    headings = [t for t in _tokens(body) if t.type == "heading_open"]
    assert len(headings) >= 20  # every section of the card template renders
    report = validate_path(hostile_release.release, check_load=False)
    assert report.ok, [p.text() for p in report.problems]


@pytest.mark.parametrize("inserted, named", [
    ("<!-- hidden -->", "raw HTML"),
    ('<img src="https://tracker.invalid/p.png">', "raw HTML"),
    ("[x](javascript:alert(1))", "javascript:"),
    ("![x](https://tracker.invalid/p.png)", "tracker.invalid"),
])
def test_validate_rejects_raw_html_and_unsafe_links_in_the_card_with_the_line(hostile_release, inserted, named):
    path = hostile_release.release / "README.md"
    lines = path.read_text("utf-8").split("\n")
    at = lines.index("## Uses")
    lines.insert(at + 1, "\n" + inserted + "\n")
    path.write_text("\n".join(lines), encoding="utf-8")
    refresh_manifest(hostile_release.release)
    report = validate_path(hostile_release.release, check_load=False)
    found = [p for p in report.problems if p.check == "markup"]
    assert found and named in found[0].message and found[0].file.endswith("README.md")
    assert found[0].line == at + 3  # 1-based, counted in the whole file with its front matter


@pytest.mark.parametrize("pretty", ["--- not a delimiter", "a: b # c", "'quoted' \"twice\"", "<b>名字</b> [x](y)"])
def test_a_pretty_name_with_yaml_or_markdown_syntax_is_quoted_and_escaped(tmp_path, pretty):
    ground = playground(tmp_path)
    ground.write("in/a.jsonl", "".join(json.dumps({"id": f"d{k}", "text": article(k)}, ensure_ascii=False) + "\n"
                                       for k in range(6)))
    ground.config(JSONL, extra=f"pretty_name = {json.dumps(pretty, ensure_ascii=False)}\n")
    assert ground.build().code == 0
    import yaml
    card = (ground.release / "README.md").read_text("utf-8")
    meta = yaml.safe_load(card[4:card.index("\n---\n", 3)])
    assert meta["pretty_name"] == pretty
    tokens = _tokens(_body(card))
    assert [t for t in tokens if t.type in ("html_block", "html_inline")] == []
    assert [t.attrs["href"] for t in tokens if t.type == "link_open"] == ["DATASHEET.md"]
    report = validate_path(ground.release, check_load=False)
    assert report.ok, [p.text() for p in report.problems]


def test_a_pretty_name_with_a_newline_is_a_config_error(tmp_path):
    ground = playground(tmp_path)
    ground.write("in/a.jsonl", json.dumps({"id": "d", "text": article(1)}) + "\n")
    ground.config(JSONL, extra='pretty_name = "x\\n---\\ny"\n')
    before = ground.state()
    ground.fails_cleanly(ground.build(), "pretty_name", "control character", "line 6")
    assert changed(before, ground.state()) == set()


def test_input_file_names_in_the_datasheet_are_escaped(tmp_path):
    ground = playground(tmp_path)
    ground.write("in/a`<b>x<i>.jsonl", "".join(json.dumps({"id": f"d{k}", "text": article(k)}) + "\n"
                                               for k in range(4)))
    ground.config(JSONL)
    assert ground.build().code == 0
    text = (ground.release / "DATASHEET.md").read_text("utf-8")
    tokens = _tokens(text)
    assert [t for t in tokens if t.type in ("html_block", "html_inline")] == []
    assert "in/a`<b>x<i>.jsonl" in _shown(tokens)
