"""dialscript.dsl"""
