"""Reports: the figures FOI teams publish (s.45 Code, policy 31.2, the Cabinet Office's categories, subject access
apart), the case log as a workbook or CSV, the disclosure log, and the HTML report with its charts.

`period` the dates a report covers; `facts` what each case counts as; `figures` the counts; `text` the terminal
report; `caselog` the policy 7.5 rows; `workbook` Excel and CSV; `charts` and `html` the standalone HTML report;
`monthly` the monthly email to the DSP team. The charts and the workbook are imported only where they are used.
"""

from responders.reports.facts import Category, Facts, Route, Timeliness, case_facts
from responders.reports.figures import Report, build_report, cases_in
from responders.reports.period import Period, PeriodError, financial_year, period, previous_month, quarter
from responders.reports.text import render_text

__all__ = [
    "Category",
    "Facts",
    "Period",
    "PeriodError",
    "Report",
    "Route",
    "Timeliness",
    "build_report",
    "case_facts",
    "cases_in",
    "financial_year",
    "period",
    "previous_month",
    "quarter",
    "render_text",
]
