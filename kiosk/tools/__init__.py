"""The operator's tools around the kiosk: bench (speed), soak (long runs), annotate (photos)."""
