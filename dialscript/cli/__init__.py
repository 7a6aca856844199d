"""dialscript.cli"""
