"""A throwaway eighth package kind, installed only in tests: proof that a kind is one module.

`ProductCard` (a percentage off products, which no built-in kind gives) has its model
here, its migration, and its kind in `kinds.py`; nothing outside this folder names it.
"""
