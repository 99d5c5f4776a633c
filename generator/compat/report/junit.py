"""`--format junit`: one test case per finding, failed when at or above --fail-on, for CI test-report viewers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .model import Report


def render(report: Report) -> str:
    name = f"eventcat {report.command}"
    failures = len(report.failing)
    cases = max(len(report.findings), 1)
    root = ET.Element("testsuites", name=name, tests=str(cases), failures=str(failures))
    suite = ET.SubElement(
        root, "testsuite", name=name, tests=str(cases), failures=str(failures), errors="0", skipped="0"
    )
    ET.SubElement(suite, "properties")
    for f in report.findings:
        case = ET.SubElement(suite, "testcase", classname=f.group, name=f"{f.rule} {f.path}".strip())
        if f.pos:
            case.set("file", f.pos.file)
            case.set("line", str(f.pos.line))
        detail = "\n".join(
            part
            for part in (
                f"{f.level.name} {f.rule}: {f.where}",
                f.message,
                f"old: {f.old}" if f.old is not None else "",
                f"new: {f.new}" if f.new is not None else "",
                f"at {f.pos}" if f.pos else "",
            )
            if part
        )
        if f.level >= report.fail_on:
            failure = ET.SubElement(case, "failure", type=f.level.name, message=f.message)
            failure.text = detail
        else:
            ET.SubElement(case, "system-out").text = detail
    if not report.findings:
        # An empty suite reads as "no tests ran" in some viewers; one passing case says "checked, clean".
        ET.SubElement(suite, "testcase", classname=report.catalog_name, name=report.summary())
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
