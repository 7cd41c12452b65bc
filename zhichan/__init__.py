"""知产 zhichan — IP public-service and governance platform for Chinese cities and provinces."""

__version__ = "0.1.0"
