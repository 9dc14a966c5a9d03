"""The procedural atlas builder: landmark table -> meshes/*.vtp + meshes/atlas.json.

Build time only; the app never imports this package.
"""
