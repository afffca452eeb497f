"""The demo: a product that builds a warehouse from what pophealth ships, one step per part.

It sits in the product layer beside the web app and the reports: it imports the engines' loading
functions, and no engine imports it (``tests/docs/test_architecture.py`` checks this).
"""

from pophealth.demo.build import build_demo, demo_steps
from pophealth.demo.step import DemoStep

__all__ = ["DemoStep", "build_demo", "demo_steps"]
