"""End-to-end journeys through the real site in headless Chromium (pytest -m e2e)."""
