"""The ground floor: helpers every app uses (money, permissions, API plumbing, formats, phones).

It imports no app of ours, and no app's rules live here; import-linter keeps it so.
"""
