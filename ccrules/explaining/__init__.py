"""Explaining a judgement: why a rule fired or did not, what is missing, what change would
raise the verdict, menu options one by one, and the summary."""
