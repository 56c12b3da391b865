# Haitian Creole: day first as in Haiti, with the month's name in Creole ("25 desanm 2026",
# short "25 des 2026"), never a numeric date that reads one way in Haiti and another in the
# United States. Django has no Creole: the month names are in our catalog
# (mtw_portal/core/django_strings.py). Amounts in dollars as written in Miami.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j b Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
