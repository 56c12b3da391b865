# Spanish as written in Miami (es-US): Django's Spanish dates, but a decimal point and comma
# thousands, as on every price and pay stub here ($1,234.56, not $1.234,56).
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
