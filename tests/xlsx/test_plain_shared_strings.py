"""The plain-form shared string reader (planner.xlsx.ooxml._plain_shared_strings) reads exactly
what expat reads, string for string, on generated tables: plain ones (where it must be the path
taken) and ones with entities, rich text, phonetic runs, carriage returns, comments, a doctype,
odd declarations or attributes written twice, which it must leave to expat (same strings, or the
same error)."""

from __future__ import annotations

import io
import zipfile
from xml.parsers.expat import ExpatError

import pytest
from defusedxml.common import DefusedXmlException
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.xlsx import ooxml
from planner.xlsx.ooxml import PartError

MEMBER = "xl/sharedStrings.xml"
DECLARATIONS = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',
    '<?xml version="1.0"?>',
    "<?xml version='1.0'?>",
    "",
]
ROOTS = [
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" '
    'uniqueCount="9">',
    "<sst>",
    '<sst count="1" count="2">',
    '<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
]
TEXTS = st.lists(
    st.sampled_from(list("aZ 09-_.,;:'\"\t\n/") + ["Ақ", "ө", "\u00a0", "\u200b", "]]"]),
    max_size=12,
).map("".join)
ODD = [
    "<si><t>R&amp;D</t></si>",
    "<si><t>a&#10;b</t></si>",
    "<si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r></si>",
    "<si><t>base</t><rPh sb='0' eb='1'><t>phonetic</t></rPh></si>",
    "<si><t>line\r\nend</t></si>",
    "<si><t/></si>",
    "<si><t>a</t></si><!-- a comment -->",
    "<si><t>x]]>y</t></si>",
    "<si><t xml:space='preserve'> q </t></si>",
    "<si><t>unclosed</si>",
]


@st.composite
def table(draw: st.DrawFn, odd: bool) -> str:
    items = []
    for _ in range(draw(st.integers(0, 8))):
        if odd and draw(st.integers(0, 3)) == 0:
            items.append(draw(st.sampled_from(ODD)))
        else:
            space = draw(st.sampled_from(["", ' xml:space="preserve"']))
            items.append(f"<si><t{space}>{draw(TEXTS)}</t></si>")
    root = draw(st.sampled_from(ROOTS)) if odd else ROOTS[0]
    close = "</x:sst>" if root.startswith("<x:") else "</sst>"
    declaration = draw(st.sampled_from(DECLARATIONS)) if odd else DECLARATIONS[0]
    tail = draw(st.sampled_from(["", "\n", "  \r\n"]))
    return declaration + root + "".join(items) + close + tail


def _archive(xml: str) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(MEMBER, xml.encode("utf-8"))
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _outcome(read, archive: zipfile.ZipFile, limit: int) -> object:
    try:
        return read(archive, MEMBER, limit)
    except (ExpatError, DefusedXmlException, PartError) as error:
        return (type(error), str(error))


@settings(max_examples=300, deadline=None)
@given(xml=table(odd=False), limit=st.integers(0, 9))
def test_plain_table_is_read_by_the_scanner_as_expat_reads_it(xml: str, limit: int) -> None:
    """A plain table is taken by the scanner, and gives expat's strings (or, beyond the limit,
    the same refusal)."""
    archive = _archive(xml)
    assert ooxml._plain_shared_strings(archive, MEMBER) is not None
    assert _outcome(ooxml.read_shared_strings, archive, limit) == _outcome(
        ooxml._expat_shared_strings, archive, limit
    )


@settings(max_examples=300, deadline=None)
@given(xml=table(odd=True), limit=st.integers(0, 9))
def test_odd_table_is_read_the_same_by_either_path(xml: str, limit: int) -> None:
    """With odd forms mixed in, read_shared_strings gives what expat gives, or its error."""
    archive = _archive(xml)
    assert _outcome(ooxml.read_shared_strings, archive, limit) == _outcome(
        ooxml._expat_shared_strings, archive, limit
    )


@pytest.mark.parametrize("odd", ODD + ['<!DOCTYPE x [<!ENTITY a "b">]>'])
def test_odd_forms_are_left_to_expat(odd: str) -> None:
    """Each odd form makes the scanner decline the table."""
    xml = DECLARATIONS[0] + ROOTS[0] + "<si><t>a</t></si>" + odd + "</sst>"
    assert ooxml._plain_shared_strings(_archive(xml), MEMBER) is None


def test_known_strings_of_a_plain_table() -> None:
    """Known strings: spaces kept, Cyrillic, an empty string, a quote."""
    xml = (
        DECLARATIONS[0] + ROOTS[0] + '<si><t xml:space="preserve"> Unit ID </t></si>'
        '<si><t>Ақтөбе</t></si><si><t></t></si><si><t>5" pipe</t></si></sst>'
    )
    assert ooxml.read_shared_strings(_archive(xml), MEMBER, 10) == [
        " Unit ID ", "Ақтөбе", "", '5" pipe',
    ]  # fmt: skip
