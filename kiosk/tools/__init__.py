"""The operator's tools around the kiosk: bench (speed), soak (long runs), annotate (photos),
item_pictures (draws the default catalog's pictures)."""
