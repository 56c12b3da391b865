# Spanish as written in Miami (es-US): Django's Spanish long dates ("1 de diciembre de 2026"),
# short dates with the month's name ("1 dic 2026": 01/12/2026 is December 1 in Spanish but
# January 12 to the rest of Miami), and a decimal point and comma thousands, as on every price
# and pay stub here ($1,234.56, not $1.234,56).
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
