"""The data model: atlas registry, trigger maps, guide lookup, selection.

Pure Python and numpy. Nothing here imports Qt or VTK.
"""
