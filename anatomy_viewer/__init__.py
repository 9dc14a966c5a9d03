"""A desktop 3D atlas of the hip flexors for dry-needling education."""

__version__ = "0.1.0"
