"""The gesture toolkit: collect, train, evaluate, export (what MediaPipe Model Maker does, without
TensorFlow). Offline only: the kiosk's runtime (kiosk/gestures/) never imports this package."""
