"""Words for a file (chart, CSV) that could not be sent: the summary comes as text instead."""

from __future__ import annotations


def chart_not_sent() -> str:
    """Under the /progress summary when the chart photo failed to send."""
    return "(I couldn't send the chart just now. /progress tries again.)"


def export_not_sent() -> str:
    """Under the /export summary when the CSV document failed to send."""
    return "(I couldn't send the CSV file just now. /export tries again.)"
