"""Full-width punctuation in Chinese canonical text, and nothing else touched."""

from __future__ import annotations

import pytest

from corpus.typography import fullwidth_punctuation


@pytest.mark.parametrize(
    ("web", "printed"),
    [
        # Lines of the seed web page (seeds/000_…txt) and the PDF's form of them (seeds/003_…txt).
        ("(新华社北京7月9日电)", "（新华社北京7月9日电）"),
        ("中央各部委,国家机关各部委党组(党委),解放军各总部", "中央各部委，国家机关各部委党组（党委），解放军各总部"),
        ("当前,全面建成小康社会", "当前，全面建成小康社会"),
        (
            "新形势下,党的群团工作只能加强,不能削弱;只能改进提高",
            "新形势下，党的群团工作只能加强，不能削弱；只能改进提高",
        ),
    ],
)
def test_ascii_marks_between_chinese_become_full_width(web: str, printed: str) -> None:
    assert fullwidth_punctuation(web) == printed


@pytest.mark.parametrize(
    "text",
    ["Hello, world: (a) and b; done", "共 1,000 人", "会议 12:30 开始", "RFC 2616 (HTTP/1.1)"],
)
def test_numbers_and_latin_text_are_left_alone(text: str) -> None:
    assert fullwidth_punctuation(text) == text
