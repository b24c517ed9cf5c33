"""Point-in-time statistics, disclosure control, charts and exports (aggregate figures only, never names)."""
