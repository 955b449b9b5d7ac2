"""Thin click commands, one module per noun: parse → one operation or workflow → render."""
