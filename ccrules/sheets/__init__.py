"""A funding round in a spreadsheet: the template to fill, JSON proposals exported into it, a
sheet (.xlsx or .csv) read back into proposals, and a workbook of results."""
