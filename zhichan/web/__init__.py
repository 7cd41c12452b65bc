"""The web platform: FastAPI app, pages, JSON API, static assets and message catalogues."""
