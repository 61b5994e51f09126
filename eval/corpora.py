"""The real work reports kept as eval data: extract them under their real (GBK-encoded) names."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

REPORTS_ZIP = Path(__file__).parent / "reports" / "gwr-2025-31-provinces.zip"
UTF8_NAMES = 0x800
REPORT_NAME = re.compile(r"^\d{4}年(.+?)政府工作报告\.docx$")


def member_name(info: zipfile.ZipInfo) -> str:
    """Zip member names without the UTF-8 flag are GBK bytes read as cp437."""
    if info.flag_bits & UTF8_NAMES:
        return info.filename
    return info.filename.encode("cp437").decode("gbk")


def extract_reports(destination: Path, names: tuple[str, ...] = ()) -> dict[str, Path]:
    """Write the reports (all, or those whose region is in ``names``, e.g. 「北京市」) to a folder.

    Returns region as the file names it (「北京市」, 「宁夏」) → path.
    """
    destination.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    with zipfile.ZipFile(REPORTS_ZIP) as archive:
        for info in archive.infolist():
            name = Path(member_name(info)).name
            match = REPORT_NAME.match(name)
            if not match or (names and match.group(1) not in names):
                continue
            path = destination / name
            path.write_bytes(archive.read(info))
            found[match.group(1)] = path
    return found
