"""recordkit: the records and documents toolkit of a Chinese residential property-management office."""

__all__ = ["__version__"]
__version__ = "0.1.0"
