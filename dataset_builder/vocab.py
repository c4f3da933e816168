"""Hub card vocabularies, kept offline.

The Hub checks these only when a card is committed, so a release built and validated offline needs its own copy.
Sources (update them together with the date below):
- licenses: huggingface/hub-docs docs/hub/repositories-licenses.md ("License identifier (to use in repo card)")
- size categories: the Hub's `size_categories` values
- task categories: huggingface.js packages/tasks/src/pipelines.ts, PIPELINE_DATA keys
Checked 2026-11.
"""

from __future__ import annotations

import re

LICENSES = frozenset(
    """
    apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0 bigcode-openrail-m
    afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0
    cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0
    cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0
    cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 agpl-3.0 gfdl gpl
    gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 odc-by odbl openrail++ osl-3.0 postgresql
    ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license llama2 gemma unknown other
    """.split()
)

# In increasing order; `size_category(n)` picks the one for n examples.
SIZE_CATEGORIES = (
    "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B", "1B<n<10B",
    "10B<n<100B", "100B<n<1T", "n>1T",
)

TASK_CATEGORIES = frozenset(
    """
    text-classification token-classification table-question-answering question-answering zero-shot-classification
    translation summarization feature-extraction text-generation text2text-generation fill-mask sentence-similarity
    text-to-speech text-to-audio automatic-speech-recognition audio-to-audio audio-classification
    audio-text-to-text voice-activity-detection depth-estimation image-classification object-detection
    image-segmentation text-to-image image-to-text image-to-image image-to-video unconditional-image-generation
    video-classification reinforcement-learning robotics tabular-classification tabular-regression tabular-to-text
    table-to-text multiple-choice text-ranking text-retrieval time-series-forecasting text-to-video
    image-text-to-text visual-question-answering document-question-answering zero-shot-image-classification
    graph-ml mask-generation zero-shot-object-detection text-to-3d image-to-3d image-feature-extraction
    video-text-to-text keypoint-detection visual-document-retrieval any-to-any biology other
    """.split()
)


def size_category(num_examples: int) -> str:
    """The Hub size category of a dataset with this many examples (n<1K for 0..999, 1K<n<10K for 1000..9999...)."""
    bound = 1000
    for cat in SIZE_CATEGORIES[:-1]:
        if num_examples < bound:
            return cat
        bound *= 10
    return SIZE_CATEGORIES[-1]


# A language code as the Hub's `language` field takes it: ISO 639-1/2/3, optionally with subtags (zh, zh-Hant).
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def is_language_code(code: object) -> bool:
    return isinstance(code, str) and LANGUAGE_RE.match(code) is not None
