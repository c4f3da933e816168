"""Schema-valid document rows for the row-validator tests (release-level tests use the real seed release,
built by the library: see validate_helpers.py)."""

from __future__ import annotations

import hashlib

TEXTS = [
    "国务院新闻办公室今天举行发布会，介绍上半年经济运行情况。",
    "记者从市教育局获悉，今年秋季全市将新增学位一万余个。\n各区将按计划推进学校建设。",
    "气象台发布暴雨蓝色预警，提醒市民注意出行安全。",
    "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。",
    "本市地铁三号线北延段今日开通试运营，沿线设站八座。",
    "农业农村部表示，夏粮收购进展顺利，价格总体平稳。",
    "博物馆新展开幕，展出出土文物三百余件。",
    "全国铁路暑运启动，预计发送旅客超过八亿人次。",
    "科研团队在量子通信领域取得新进展，相关论文已发表。",
    "文化和旅游部发布假日出游提示。",
    "市场监管部门开展食品安全专项检查。",
    "图书馆延长开放时间，方便读者借阅。",
]


def make_row(i: int, text: str) -> dict:
    return {
        "id": f"seed-{i:03d}",
        "text": text,
        "title": None if i % 3 else f"标题{i}",
        "published_at": ["2014", "2014-07-08", "2014-07-08T20:51", None][i % 4],
        "source": "新华网" if i % 2 else None,
        "authors": ["张三"] if i % 2 else [],
        "keywords": ["经济", "发布会"] if i % 4 == 0 else [],
        "url": f"https://example.invalid/{i}" if i % 5 == 0 else None,
        "language": "zh",
        "script": "Hant" if i % 4 == 3 else "Hans",
        "num_chars": len(text),
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "origin": {"file": f"seeds/{i:03d}.txt", "line": None, "row": None, "encoding": "utf-8"},
        "edits": [{"operator": "whitespace_normalizer", "unit": "lines", "count": 2}] if i % 2 == 0 else [],
        "quality": {"han_ratio": 0.9, "line_end_punct_ratio": 1.0, "repeated_ngram_ratio": 0.0},
        "flags": ["spam_inline"] if i == 5 else [],
        "cluster_id": f"seed-{i:03d}",
        "cluster_size": 2 if i == 1 else 1,
        "license": "cc-by-4.0" if i % 3 == 1 else None,
        "extra": '{"category":"要闻"}' if i % 4 == 1 else None,
    }
