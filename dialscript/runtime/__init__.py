"""dialscript.runtime"""
