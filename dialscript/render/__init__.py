"""dialscript.render"""
