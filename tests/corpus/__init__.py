"""Broken and odd scenario workbooks, built on the fly from one clean base (see base.py, cases.py)."""
