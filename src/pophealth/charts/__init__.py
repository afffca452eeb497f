"""Pure SVG chart renderers (string out) with text alternatives: spine, trend and decile charts."""
