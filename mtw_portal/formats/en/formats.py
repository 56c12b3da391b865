# English: Django's formats, but short dates name the month ("Dec 1, 2026"): 12/01/2026 reads as
# January 12 to anyone used to day-first dates.
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, P"
