"""PyVista/VTK rendering: one actor per structure, highlight, X-ray, picking. Knows ids and colours, not anatomy text."""
