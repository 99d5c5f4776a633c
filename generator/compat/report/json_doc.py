"""`--format json`: one document, described by generator/schema/findings.schema.json; ids and fingerprints stable."""

from __future__ import annotations

import json
from typing import Any

from .model import Report

SCHEMA_ID = "urn:eventcat:findings:1"


def render(report: Report) -> str:
    document: dict[str, Any] = {
        "$schema": SCHEMA_ID,
        "command": report.command,
        "catalog": report.catalog_name,
        "old": {"source": report.old_source, "version": report.old_version} if report.command == "diff" else None,
        "new": {"source": report.new_source, "version": report.new_version},
        "fail_on": report.fail_on.name,
        "failed": bool(report.failing),
        "counts": report.counts,
        "required_bump": report.required,
        "findings": [f.to_json() for f in report.findings],
        "waived": [{**w.finding.to_json(), "reason": w.reason} for w in report.waived],
        "rules": {
            rule_id: {
                "title": report.rules[rule_id].title,
                "levels": {context: level.name for context, level in report.rules[rule_id].levels.items()},
            }
            for rule_id in sorted({f.rule for f in report.findings} | {w.finding.rule for w in report.waived})
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
