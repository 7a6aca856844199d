"""dialscript.testing"""
